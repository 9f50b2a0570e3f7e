"""Markdown with LaTeX math, for printing: the exercises, then (optionally) the key."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.exercises.export import Worksheet, accepts
from engine.exercises.model import Answer, Exercise
from engine.exercises.numbers import as_fraction


def latex_number(value: float) -> str:
    r"""``52``, ``-3``, ``\frac{15}{4}``, ``-\frac{1}{9}``.

    >>> latex_number(-3.0), latex_number(3.75)
    ('-3', '\\frac{15}{4}')
    """
    exact = as_fraction(value)
    if exact is None:
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if exact.denominator == 1:
        return str(exact.numerator)
    sign = "-" if exact < 0 else ""
    return f"{sign}\\frac{{{abs(exact.numerator)}}}{{{exact.denominator}}}"


def bmatrix(value: Any) -> str:
    rows = [" & ".join(latex_number(float(v)) for v in row) for row in value]
    return "\\begin{bmatrix} " + " \\\\ ".join(rows) + " \\end{bmatrix}"


def _latex_name(name: str) -> str:
    return name.replace("Δ", "\\Delta ")


def matrix_math(name: str, value: Any) -> list[str]:
    """``X = [...]``, or one ``X_{c}`` per channel for a 3-D array."""
    if isinstance(value[0][0], list):
        return [f"{_latex_name(name)}_{{{c}}} = {bmatrix(ch)}" for c, ch in enumerate(value)]
    return [f"{_latex_name(name)} = {bmatrix(value)}"]


def _exercise(n: int, exercise: Exercise) -> list[str]:
    lines = [f"## {n}. {exercise.title}", "", f"`{exercise.id}`", "",
             f"{exercise.prompt} {accepts(exercise)}", ""]
    math = [m for g in exercise.givens if g.is_matrix for m in matrix_math(g.label, g.value)]
    if math:
        lines += ["$$", " \\qquad ".join(math), "$$", ""]
    lines += [f"- {g.label}: {g.text}" for g in exercise.givens if not g.is_matrix]
    return [*lines, ""]


def answer_math(answer: Answer) -> str:
    value = answer.value
    if answer.kind == "scalar":
        return f"{_latex_name(answer.name)} = {latex_number(float(value))}"
    if answer.kind == "vector":
        return ", \\quad ".join(f"\\text{{{label}}} = {latex_number(float(v))}"
                                for label, v in zip(answer.labels, value))
    return " \\qquad ".join(matrix_math(answer.name, np.asarray(value).tolist()))


def render(sheet: Worksheet) -> str:
    """The worksheet as Markdown; ``$$ … $$`` blocks hold the LaTeX."""
    lines = [f"# {sheet.title}", "",
             f"{len(sheet.exercises)} exercises. Rows and columns are counted from 1, as in "
             f"the lectures. Write fractions as 15/4 or decimals.", ""]
    for n, exercise in enumerate(sheet.exercises, 1):
        lines += _exercise(n, exercise)
    if sheet.answers:
        lines += ["---", "", "# Answers", ""]
        for n, exercise in enumerate(sheet.exercises, 1):
            lines += [f"## {n}. `{exercise.id}`", "", "$$", answer_math(exercise.answer),
                      "$$", ""]
            lines += [f"{i}. {step}" for i, step in enumerate(exercise.steps, 1)]
            lines.append("")
    return "\n".join(lines)
