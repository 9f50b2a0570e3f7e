"""A figure as a flat list of boxes, lines and text in pixels: what every view draws
and every format (SVG, PNG, GIF, TikZ) renders, so the four agree by construction.

Colours are solid ``#rrggbb`` (a faded cell is mixed with the paper here, not drawn
with opacity): every renderer then paints the same colour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Anchor = Literal["start", "middle", "end"]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None
    stroke: str | None = None
    width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1.0


@dataclass(frozen=True)
class Text:
    """``y`` is the text's vertical centre; ``size`` its font size in pixels."""

    x: float
    y: float
    text: str
    size: float
    fill: str
    anchor: Anchor = "middle"
    bold: bool = False
    role: str = ""  # what the text is, for tests and readers: "value", "formula", "title"


Item = Rect | Line | Text


@dataclass
class Scene:
    width: float
    height: float
    paper: str
    title: str
    items: list[Item] = field(default_factory=list)

    def add(self, *items: Item) -> None:
        self.items.extend(items)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def rgb_hex(r: float, g: float, b: float) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(v))) for v in (r, g, b)))


def mix(a: str, b: str, t: float) -> str:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    (r1, g1, b1), (r2, g2, b2) = hex_rgb(a), hex_rgb(b)
    return rgb_hex(r1 + (r2 - r1) * t, g1 + (g2 - g1) * t, b1 + (b2 - b1) * t)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A text's width in DejaVu Sans (the PNG's font, the SVG's first choice)."""
    from app.figure.raster import font  # Pillow measures; raster imports this module

    return float(font(max(1, round(size * 4)), bold).getlength(text)) / 4
