"""The figures' colours: a theme's paper, ink and marks, and the cells' data colours.

The data scale is static/js/core/colors.js's (tests/app/test_figure.py reads its stops
from that file, so the two cannot drift): zero is grey, the sign is the hue, the size
the depth; image-like data (whole numbers 0–255, some above 31) is drawn in grey from
black to white. The "print" theme draws no data colour at all: white cells, black
text and frames, for a black-and-white printer or a paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from app.figure.scene import rgb_hex

ThemeName = Literal["light", "dark", "print"]

NEG = ((235, 235, 235), (146, 197, 222), (67, 147, 195), (33, 102, 172), (5, 48, 97))
POS = ((235, 235, 235), (253, 204, 138), (252, 141, 89), (215, 48, 31), (127, 0, 0))


@dataclass(frozen=True)
class Theme:
    name: str
    paper: str  # the background
    panel: str  # a panel's background
    ink: str
    soft: str  # secondary text (titles' notes, captions)
    line: str  # grid lines, panel borders
    frame: str  # the window, the current cell
    accent: str  # what the step writes (the current output cell, a highlighted row)
    pad: str  # a padding cell's fill
    pad_ink: str  # a padding cell's number
    later: float  # how far a cell not computed yet fades into the panel (0–1)
    data: bool  # cells coloured by value


THEMES: dict[str, Theme] = {
    # static/css/base.css's light variables
    "light": Theme("light", paper="#f3f4f6", panel="#ffffff", ink="#111827", soft="#4b5563",
                   line="#d1d5db", frame="#111827", accent="#1d4ed8", pad="#e6e9ee",
                   pad_ink="#4b5563", later=0.72, data=True),
    # base.css's dark variables
    "dark": Theme("dark", paper="#111827", panel="#1f2937", ink="#e5e7eb", soft="#b6bfcc",
                  line="#4b5563", frame="#e5e7eb", accent="#93c5fd", pad="#374151",
                  pad_ink="#d1d5db", later=0.72, data=True),
    "print": Theme("print", paper="#ffffff", panel="#ffffff", ink="#000000", soft="#333333",
                   line="#000000", frame="#000000", accent="#000000", pad="#d9d9d9",
                   pad_ink="#000000", later=0.0, data=False),
}


def _walk(nested: Any) -> Iterable[float]:
    if isinstance(nested, list):
        for v in nested:
            yield from _walk(v)
    elif nested is not None:
        yield float(nested)


def image_like(nested: Any) -> bool:
    """Whole numbers from 0 to 255, some above 31 (colors.js imageLike)."""
    values = list(_walk(nested))
    return bool(values) and all(v.is_integer() and 0 <= v <= 255 for v in values) \
        and max(values) > 31


@dataclass(frozen=True)
class Scale:
    """A map's colour scale: diverging up to ±size, or grey from lo (black) to hi."""

    size: float
    gray: bool = False
    lo: float = 0.0
    hi: float = 255.0

    @classmethod
    def of(cls, nested: Any, picture: bool = True) -> Scale:
        """The page's "auto" scale: grey for image-like data, where ``picture`` (an
        output is grey only where its input was a picture), else diverging."""
        if picture and image_like(nested):
            return cls(0.0, gray=True)
        return cls(max((abs(v) for v in _walk(nested)), default=0.0))

    def _level(self, value: float) -> float:
        return min(1.0, max(0.0, (value - self.lo) / ((self.hi - self.lo) or 1.0)))

    def fill(self, value: float) -> str:
        if self.gray:
            g = 255 * self._level(value)
            return rgb_hex(g, g, g)
        if not self.size or value == 0:
            return rgb_hex(*NEG[0])
        return _stops(NEG if value < 0 else POS, abs(value) / self.size)

    def dark(self, value: float) -> bool:
        """True when text on this value's fill should be white rather than black
        (colors.js darkFill): whichever contrasts more, at least 4.58:1 either way."""
        return luminance(self.fill(value)) < 0.179


def luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _stops(stops: tuple[tuple[int, int, int], ...], t: float) -> str:
    x = min(1.0, max(0.0, t)) * (len(stops) - 1)
    i = min(len(stops) - 2, int(x))
    f = x - i
    return rgb_hex(*(round(a + (b - a) * f) for a, b in zip(stops[i], stops[i + 1], strict=True)))
