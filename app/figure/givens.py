"""The figure of an exercise's given matrices (X, K, ΔY, …) as heat-coloured grids, for
the worksheets' exports: TikZ for the Markdown/PDF sheet, PNG for Moodle. The answer is
never drawn: the figure shows what the question gives, nothing it asks."""

from __future__ import annotations

from typing import Any

from app.figure import raster, tikz
from app.figure.draw import Grid, Panel, compose, shape_of, size_text
from app.figure.scene import Scene
from app.figure.style import THEMES, Scale
from engine.exercises.model import Exercise

MAX_SIDE = 16  # a given wider or taller than this is left to the matrix in the text


def _planes(value: Any) -> list[Any]:
    return value if len(shape_of(value)) == 3 else [value]


def scene(exercise: Exercise, theme: str = "print") -> Scene | None:
    """The given matrices side by side (None when the exercise gives none that fit)."""
    panels = []
    for g in exercise.givens:
        if not g.is_matrix or max(shape_of(g.value)[-2:]) > MAX_SIDE:
            continue
        planes = _planes(g.value)
        scale = Scale.of(g.value, g.name in ("input", "x"))
        panels.append(Panel(g.label, size_text(g.value), [
            Grid.of(p, scale, caption=f"channel {i + 1}" if len(planes) > 1 else "",
                    cell=32) for i, p in enumerate(planes[:4])], across=len(planes) > 1))
    if not panels:
        return None
    return compose(THEMES[theme], f"{exercise.title}: the given matrices", panels)


class Figures:
    """The worksheets' figure hook (engine.exercises.export.Figures): each exercise's
    given matrices, in the print theme (a sheet is printed) or the light one (Moodle)."""

    def tikz(self, exercise: Exercise) -> tuple[str, float] | None:
        """A tikzpicture (no document around it) and its width in pt."""
        drawn = scene(exercise, "print")
        return None if drawn is None else (tikz.picture(drawn), drawn.width * 0.75)

    def png(self, exercise: Exercise) -> bytes | None:
        drawn = scene(exercise, "light")
        return None if drawn is None else raster.png(drawn, 1.0)
