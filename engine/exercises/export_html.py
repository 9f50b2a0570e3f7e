"""HTML pieces shared by the Moodle and GIFT exports: matrices as tables, the givens."""

from __future__ import annotations

import html
from typing import Any

from engine.exercises.model import Exercise
from engine.exercises.numbers import num


def table(rows: list[list[str]], border: bool) -> str:
    """An HTML table of already-escaped cell contents."""
    attrs = ' border="1" cellpadding="4" style="border-collapse:collapse"' if border else ""
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table{attrs}>{body}</table>"


def matrix(value: Any, name: str, border: bool) -> str:
    """A 2-D matrix as one table, a 3-D one as a table per channel."""
    if isinstance(value[0][0], list):
        return "".join(matrix(channel, f"{name}[{c + 1}]", border)
                       for c, channel in enumerate(value))
    cells = [[html.escape(num(float(v))) for v in row] for row in value]
    return f"<p>{html.escape(name)}</p>{table(cells, border)}"


def givens(exercise: Exercise, border: bool) -> str:
    """Matrices as tables, then the other givens as a list."""
    parts = [matrix(g.value, g.label, border) for g in exercise.givens if g.is_matrix]
    others = [f"<li>{html.escape(g.label)}: {html.escape(g.text)}</li>"
              for g in exercise.givens if not g.is_matrix]
    if others:
        parts.append("<ul>" + "".join(others) + "</ul>")
    return "".join(parts)


def question(exercise: Exercise, border: bool, accepts: str = "") -> str:
    """The prompt (with what the answer boxes take) and the givens."""
    prompt = f"{exercise.prompt} {accepts}".strip()
    return f"<p>{html.escape(prompt)}</p>{givens(exercise, border)}"


def steps(exercise: Exercise) -> str:
    items = "".join(f"<li>{html.escape(s)}</li>" for s in exercise.steps)
    return f"<ol>{items}</ol>"
