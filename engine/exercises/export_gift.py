"""GIFT: one numerical question per answer value (``::title:: text {#52:0.01}``).

GIFT has no Cloze, so a vector or a grid becomes one question per entry, each
with the whole exercise and the entry it asks for. Every special character
of GIFT (``~ = # { } :`` and the backslash) in titles and texts is escaped.
"""

from __future__ import annotations

import html

import numpy as np

from engine.exercises import export_html
from engine.exercises.export import Worksheet, accepts
from engine.exercises.export_moodle import category_path
from engine.exercises.model import Exercise
from engine.exercises.numbers import ascii_num

SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    r"""Backslash every GIFT special character; newlines become ``\n``.

    >>> escape("a: {b} = #1 ~ c")
    'a\\: \\{b\\} \\= \\#1 \\~ c'
    """
    out = "".join(f"\\{ch}" if ch in SPECIAL else ch for ch in text)
    return out.replace("\n", "\\n")


def _questions(exercise: Exercise) -> list[str]:
    answer = exercise.answer
    body = export_html.question(exercise, border=False,
                                accepts=accepts(exercise, fractions=False))
    tol = ascii_num(exercise.tolerance)
    lines = []
    for index, value in np.ndenumerate(answer.value):
        label = answer.cell_label(tuple(int(i) for i in index))
        title = exercise.id if answer.kind == "scalar" else f"{exercise.id} {label}"
        ask = f"<p>Give {html.escape(label)}.</p>" if answer.kind != "scalar" else ""
        lines.append(f"::{escape(title)}::[html]{escape(body + ask)}"
                     f"{{#{ascii_num(float(value))}:{tol}}}")
    return lines


def render(sheet: Worksheet) -> str:
    """The worksheet in GIFT, a ``$CATEGORY`` per exercise type."""
    out = [f"// {sheet.title}", ""]
    order = list(dict.fromkeys((e.type, e.difficulty) for e in sheet.exercises))
    for type_, level in order:
        out += [f"$CATEGORY: {category_path(type_, level)}", ""]
        for exercise in sheet.exercises:
            if (exercise.type, exercise.difficulty) == (type_, level):
                for question in _questions(exercise):
                    out += [question, ""]
    return "\n".join(out)
