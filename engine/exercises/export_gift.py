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


def _questions(exercise: Exercise, with_steps: bool) -> list[str]:
    """One numerical question per entry: GIFT has no question with several numerical
    blanks, so a vector or grid asks for one entry per question, saying so (Moodle XML
    holds the whole grid as one Cloze question); the worked steps are the general
    feedback (``####``) when the sheet carries answers."""
    answer = exercise.answer
    body = export_html.question(exercise, border=True,
                                accepts=accepts(exercise, fractions=False))
    tol = ascii_num(exercise.tolerance)
    feedback = f" ####{escape(export_html.steps(exercise))}" if with_steps else ""
    lines = []
    count = int(answer.value.size)
    for n, (index, value) in enumerate(np.ndenumerate(answer.value)):
        label = answer.cell_label(tuple(int(i) for i in index))
        title = exercise.id if answer.kind == "scalar" else f"{exercise.id} {label}"
        ask = ("" if answer.kind == "scalar" else
               f"<p>Part {n + 1} of {count}: give only {html.escape(label)} here (GIFT "
               f"asks one number per question; the Moodle XML export asks for the whole "
               f"{html.escape(answer.name)} in one question).</p>")
        lines.append(f"::{escape(title)}::[html]{escape(body + ask)}"
                     f"{{#{ascii_num(float(value))}:{tol}{feedback}}}")
    return lines


def render(sheet: Worksheet) -> str:
    """The worksheet in GIFT, a ``$CATEGORY`` per exercise type."""
    out = [f"// {sheet.title}", ""]
    order = list(dict.fromkeys((e.type, e.difficulty) for e in sheet.exercises))
    for type_, level in order:
        out += [f"$CATEGORY: {category_path(type_, level)}", ""]
        for exercise in sheet.exercises:
            if (exercise.type, exercise.difficulty) == (type_, level):
                for question in _questions(exercise, sheet.answers):
                    out += [question, ""]
    return "\n".join(out)
