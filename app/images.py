"""The sample pictures shipped with convviz, as matrices of 0–255 integers.

Four photographs from scikit-image's sample data (each free of copyright: CC0 or public
domain, named in ``IMAGES`` and in the README), stored as square PNGs at most 512 px,
and one synthetic pattern drawn at the size asked for. A picture is scaled with
Pillow's Lanczos filter and turned to gray with ITU-R 601's luma (0.299 R + 0.587 G +
0.114 B), as the page does for a file it opens.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from engine.errors import InputError

FOLDER = Path(__file__).parent / "data" / "images"
MIN_SIZE, MAX_SIZE = 16, 512
LUMA = (0.299, 0.587, 0.114)


@dataclass(frozen=True)
class Picture:
    name: str
    title: str
    kind: str  # photograph, portrait, object, synthetic
    credit: str
    licence: str
    channels: int  # of the stored picture: 1 gray, 3 colour


IMAGES = {p.name: p for p in (
    Picture("camera", "Man with a camera", "photograph", "Lav Varshney (scikit-image's "
            "camera)", "CC0", 1),
    Picture("astronaut", "Astronaut Eileen Collins", "portrait", "NASA Great Images "
            "(scikit-image's astronaut)", "public domain", 3),
    Picture("chelsea", "Chelsea the cat", "object", "Stefan van der Walt (scikit-image's "
            "chelsea)", "CC0", 3),
    Picture("coffee", "A cup of coffee", "object", "Rachel Michetti (scikit-image's coffee)",
            "CC0", 3),
    Picture("pattern", "Edges in every direction", "synthetic", "drawn by convviz",
            "MIT, as convviz", 1),
)}


def catalogue() -> list[dict[str, Any]]:
    return [asdict(p) for p in IMAGES.values()]


def pattern(size: int) -> NDArray[np.uint8]:
    """A synthetic test card of ``size`` × ``size``: vertical and horizontal bars, a
    checkerboard, a disc and a diagonal ramp, one per quadrant (edges of every
    orientation and scale)."""
    n = size
    r, c = np.mgrid[0:n, 0:n] / n  # 0 … 1
    card = np.zeros((n, n))
    top, left = r < 0.5, c < 0.5
    card[top & left] = (np.floor(c * 16) % 2)[top & left]  # vertical bars
    card[top & ~left] = (np.floor(r * 16) % 2)[top & ~left]  # horizontal bars
    checker = (np.floor(r * 8) + np.floor(c * 8)) % 2
    card[~top & left] = checker[~top & left]
    disc = ((r - 0.75) ** 2 + (c - 0.75) ** 2) < 0.15**2
    ramp = ((r - 0.5) + (c - 0.5)) / 2 * 0.6
    card[~top & ~left] = np.where(disc, 1.0, ramp)[~top & ~left]
    return np.asarray(np.rint(card * 255), dtype=np.uint8)


@functools.lru_cache(maxsize=32)
def _pixels(name: str, size: int, mode: str) -> NDArray[np.uint8]:
    if name == "pattern":
        gray = pattern(size)
        return gray[None] if mode == "gray" else np.repeat(gray[None], 3, axis=0)
    with Image.open(FOLDER / f"{name}.png") as stored:
        picture = stored.convert("RGB").resize((size, size), Image.Resampling.LANCZOS)
    rgb = np.asarray(picture, dtype=np.float64)  # (H, W, 3)
    if mode == "gray":
        return np.asarray(np.clip(np.rint(rgb @ np.array(LUMA)), 0, 255), dtype=np.uint8)[None]
    return np.ascontiguousarray(rgb.transpose(2, 0, 1).astype(np.uint8))


def load(name: str, size: int, mode: str) -> NDArray[np.uint8]:
    """The picture ``name`` as (C, size, size) integers 0–255 (C is 1 for gray, 3 for
    RGB)."""
    if name not in IMAGES:
        raise InputError("name", f"is not a sample picture (they are {', '.join(IMAGES)}), "
                                 f"got {name!r}"[:300])
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise InputError("size", f"must be from {MIN_SIZE} to {MAX_SIZE}, got {size}")
    if mode not in ("gray", "rgb"):
        raise InputError("mode", f"must be gray or rgb, got {mode!r}"[:200])
    return _pixels(name, size, mode)
