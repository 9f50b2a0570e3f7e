"""Laying a figure out: grids of numbered cells in titled panels, a row of panels, and
lines of text under them, as the pages' stages show them.

A view describes what it shows (`Grid`, `Panel`, lines of text) and `compose` places
it on a `Scene` in one theme; nothing here knows a convolution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from app.figure.scene import Rect, Scene, Text, mix, text_width
from app.figure.style import Scale, Theme

MINUS = "\u2212"
Kind = Literal["data", "pad", "later", "blank"]
Mark = Literal["window", "current", "source", "row"]

CELL = 40  # px: a numbered cell (the page's --cell is 46 px at 15 px type)
GAP = 24
PAD = 14  # inside a panel
TITLE = 15  # title type size
SMALL = 11


def fmt(value: float, digits: int = 3) -> str:
    """A number as the pages write it (core/numbers.js fmt): integers whole, others to
    3 decimals (4 when that is exact), trailing zeros dropped, a true minus sign."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    a = abs(value)
    if float(value).is_integer():
        text = str(int(a))
    else:
        places = digits + 1 if float(f"{a:.{digits + 1}f}") == a else digits
        text = f"{a:.{places}f}".rstrip("0").rstrip(".")
        if text == "0":
            text = f"{a:.1e}".replace("e-0", "e-").replace("e+0", "e+")
    return (MINUS if value < 0 and text != "0" else "") + text


def factor(value: float) -> str:
    text = fmt(value)
    return f"({text})" if value < 0 else text


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def cell_name(letter: str, row: int, col: int) -> str:
    """The decks' 1-based name: h₁₁, h₁₀,₂ (core/names.js)."""
    r, c = str(row + 1), str(col + 1)
    return letter + (r + c if len(r) == 1 and len(c) == 1 else f"{r},{c}").translate(_SUB)


_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def channel_name(letter: str, at: Sequence[int], channels: int) -> str:
    """(channel, row, col) named as the decks do: h₁₁, or h⁽²⁾₁₁ with several channels."""
    base = cell_name(letter, at[1], at[2])
    return f"{letter}⁽{str(at[0] + 1).translate(_SUP)}⁾{base[len(letter):]}" \
        if channels > 1 else base


def shape_of(nested: Any) -> list[int]:
    shape = []
    while isinstance(nested, list):
        shape.append(len(nested))
        nested = nested[0] if nested else None
    return shape


def size_text(nested: Any) -> str:
    """A nested list's shape as the pages write it: "1 × 6 × 6"."""
    return " × ".join(map(str, shape_of(nested)))


def at3(v: Sequence[int]) -> tuple[int, int, int]:
    """A (channel, row, column) position from the API's list."""
    return int(v[0]), int(v[1]), int(v[2])


def cell_for(side: int) -> int:
    """A grid's cell size in px for its longer side: numbered cells up to 24 a side
    (as the pages draw numbers up to 16, heatmaps past it), colour only beyond, the
    grid kept under about 480 px."""
    if side <= 12:
        return CELL
    if side <= 24:
        return 24
    return max(4, 480 // side)


@dataclass
class Cell:
    value: float | None
    kind: Kind = "data"
    corner: str = ""  # a small note in the bottom-right corner (a window cell's ×weight)


@dataclass
class Grid:
    cells: list[list[Cell]]
    scale: Scale
    marks: dict[tuple[int, int], Mark] = field(default_factory=dict)
    caption: str = ""
    cell: int = CELL
    numbers: bool | None = None  # colour only when False; None: numbers when cells fit them

    def __post_init__(self) -> None:
        if self.numbers is None:
            self.numbers = self.cell >= 20

    @classmethod
    def of(cls, values: Sequence[Sequence[float]], scale: Scale | None = None,
           **kw: object) -> Grid:
        rows = [[Cell(float(v)) for v in row] for row in values]
        return cls(rows, scale or Scale.of([list(r) for r in values]), **kw)  # type: ignore[arg-type]

    @property
    def size(self) -> tuple[int, int]:
        width = len(self.cells[0]) * self.cell if self.cells else 0
        caption = SMALL + 6 if self.caption else 0
        return width, len(self.cells) * self.cell + caption


@dataclass
class Table:
    """Rows of text in columns (a network's layers); ``marked``: the step's row."""

    head: list[str]
    rows: list[list[str]]
    marked: int | None = None
    widths: list[int] = field(default_factory=list)  # px per column, from the text if empty

    def columns(self) -> list[int]:
        if self.widths:
            return self.widths
        return [int(max(text_width(r[i], SMALL + 1) for r in [self.head, *self.rows])) + 18
                for i in range(len(self.head))]

    @property
    def size(self) -> tuple[int, int]:
        return sum(self.columns()), (len(self.rows) + 1) * ROW


ROW = 22  # a table row's height


@dataclass
class Panel:
    title: str
    note: str = ""  # beside the title, softer: "6 × 6"
    grids: Sequence[Grid | Table] = field(default_factory=list)
    across: bool = False  # grids side by side (channels) instead of stacked
    marked: bool = False  # the step's panel (a pipeline's stage): framed in the accent

    def size(self) -> tuple[int, int]:
        sizes = [g.size for g in self.grids] or [(0, 0)]
        if self.across:
            w = sum(s[0] for s in sizes) + GAP // 2 * (len(sizes) - 1)
            h = max(s[1] for s in sizes)
        else:
            w = max(s[0] for s in sizes)
            h = sum(s[1] for s in sizes) + GAP // 2 * (len(sizes) - 1)
        head = text_width(self.title, TITLE, True) + (text_width(self.note, SMALL + 1) + 8
                                                 if self.note else 0)
        return int(max(w, head)) + 2 * PAD, h + 2 * PAD + TITLE + 10


def _draw_grid(scene: Scene, theme: Theme, grid: Grid, x: float, y: float) -> None:
    c = grid.cell
    font = max(9, min(18, round(c * 0.4)))
    for r, row in enumerate(grid.cells):
        for k, cell in enumerate(row):
            cx, cy = x + k * c, y + r * c
            if cell.kind == "blank" or cell.value is None:
                scene.add(Rect(cx + 1, cy + 1, c - 2, c - 2, theme.panel, theme.line, 1))
                continue
            if cell.kind == "pad":
                fill, ink = theme.pad, theme.pad_ink
            elif theme.data:
                fill = grid.scale.fill(cell.value)
                ink = "#ffffff" if grid.scale.dark(cell.value) else "#000000"
            else:
                fill, ink = theme.panel, theme.ink
            if cell.kind == "later":  # not computed yet: faded, as the page shows it
                fill = mix(fill, theme.panel, theme.later)
                ink = theme.ink  # readable on the faded fill (the page does the same)
            if c < 12:  # a picture's pixel: the colour alone, edge to edge
                scene.add(Rect(cx, cy, c, c, fill))
                continue
            scene.add(Rect(cx + 1, cy + 1, c - 2, c - 2, fill,
                           theme.pad_ink if cell.kind == "pad" else theme.line, 1,
                           dashed=cell.kind == "pad"))
            if grid.numbers:
                text = fmt(cell.value)
                size = float(font)
                while size > 7 and text_width(text, size) > c - 6:  # long numbers shrink
                    size -= 1
                scene.add(Text(cx + c / 2, cy + c / 2 - (2 if cell.corner else 0),
                               text, size, ink,
                               role="pad" if cell.kind == "pad" else "value"))
            if cell.corner and grid.numbers:
                scene.add(Text(cx + c - 3, cy + c - 6, cell.corner, SMALL - 2, ink,
                               anchor="end", role="weight"))
    for (r, k), mark in grid.marks.items():
        colour = theme.accent if mark in ("current", "row") else theme.frame
        width = 3 if mark != "source" else 2.5
        scene.add(Rect(x + k * c + 1.5, y + r * c + 1.5, c - 3, c - 3, None, colour, width,
                       dashed=mark == "source"))
    if grid.caption:
        scene.add(Text(x, y + len(grid.cells) * c + SMALL / 2 + 5, grid.caption, SMALL,
                       theme.soft, anchor="start", role="caption"))


def _draw_table(scene: Scene, theme: Theme, table: Table, x: float, y: float) -> None:
    widths = table.columns()
    total = sum(widths)
    for i, row in enumerate([table.head, *table.rows]):
        top = y + i * ROW
        if table.marked is not None and i == table.marked + 1:
            scene.add(Rect(x, top, total, ROW, theme.pad, theme.accent, 2.5))
        elif i == 0:
            scene.add(Rect(x, top + ROW - 1, total, 1, theme.line))
        cx = x
        for k, (text, w) in enumerate(zip(row, widths, strict=True)):
            right = k > 0 and i > 0 and text[:1].isdigit()
            scene.add(Text(cx + w - 8 if right else cx + 4, top + ROW / 2, text, SMALL + 1,
                           theme.soft if i == 0 else theme.ink,
                           anchor="end" if right else "start", bold=i == 0,
                           role="head" if i == 0 else "cell"))
            cx += w


def _draw_panel(scene: Scene, theme: Theme, panel: Panel, x: float, y: float,
                height: float) -> None:
    w, _ = panel.size()
    scene.add(Rect(x, y, w, height, theme.panel, theme.accent if panel.marked else theme.line,
                   3 if panel.marked else 1))
    scene.add(Text(x + PAD, y + PAD + TITLE / 2, panel.title, TITLE, theme.ink,
                   anchor="start", bold=True, role="title"))
    if panel.note:
        scene.add(Text(x + PAD + text_width(panel.title, TITLE, True) + 8, y + PAD + TITLE / 2,
                       panel.note, SMALL + 1, theme.soft, anchor="start", role="note"))
    gx, gy = x + PAD, y + PAD + TITLE + 10
    for grid in panel.grids:
        if isinstance(grid, Table):
            _draw_table(scene, theme, grid, gx, gy)
        else:
            _draw_grid(scene, theme, grid, gx, gy)
        gw, gh = grid.size
        if panel.across:
            gx += gw + GAP // 2
        else:
            gy += gh + GAP // 2


def wrap(text: str, size: float, width: float) -> list[str]:
    """A long formula broken at its " + " (or spaces) to fit ``width`` pixels."""
    if text_width(text, size) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = "    " + word
        else:
            current = candidate
    lines.append(current)
    return lines


LINE = 16  # a formula line's type size


def compose(theme: Theme, title: str, panels: Sequence[Panel], lines: Sequence[str] = (),
            *, heading: str = "", min_width: int = 420) -> Scene:
    """Panels side by side under a heading, the lines (formulas) under them; a row
    wider than 1,600 px (a projector and a quarter) is stacked instead (a matrix C beside
    vec(x))."""
    sizes = [p.size() for p in panels]
    row_w = sum(w for w, _ in sizes) + GAP * max(0, len(sizes) - 1)
    stacked = row_w > 1600 and len(panels) > 1
    if stacked:
        row_w = max(w for w, _ in sizes)
    longest = max((text_width(line, LINE) for line in lines), default=0.0)
    width = math.ceil(max(min_width, row_w + 2 * GAP, text_width(heading, TITLE, True) + 2 * GAP,
                          min(longest, 1400) + 2 * GAP))  # a formula up to 1,400 px: one line
    wrapped = [piece for line in lines for piece in wrap(line, LINE, width - 2 * GAP)]
    top = GAP + (TITLE + 14 if heading else 0)
    row_h = max((h for _, h in sizes), default=0)
    block_h = sum(h for _, h in sizes) + GAP * (len(sizes) - 1) if stacked else row_h
    height = top + block_h + (GAP + len(wrapped) * (LINE + 8) if wrapped else 0) + GAP
    scene = Scene(width, height, theme.paper, title)
    if heading:
        scene.add(Text(GAP, GAP + TITLE / 2, heading, TITLE, theme.ink, anchor="start",
                       bold=True, role="heading"))
    x, y = GAP, top
    for panel, (w, h) in zip(panels, sizes, strict=True):
        _draw_panel(scene, theme, panel, x, y, h if stacked else row_h)
        if stacked:
            y += h + GAP
        else:
            x += w + GAP
    y = top + block_h + GAP
    for piece in wrapped:
        scene.add(Text(GAP, y + LINE / 2, piece, LINE, theme.ink, anchor="start",
                       role="formula"))
        y += LINE + 8
    return scene
