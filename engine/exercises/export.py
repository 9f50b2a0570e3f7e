"""Exercises as JSON-ready dicts, and what a worksheet is.

``public`` is what a student may see (no answer); ``solution`` adds the
answer key in exactly the form the grader accepts, and the worked steps. The
file formats that render a worksheet are in ``engine.exercises.formats``; they
import this module, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from engine.exercises.model import Answer, Exercise
from engine.exercises.numbers import as_fraction, num

FORMATS = ("json", "markdown", "moodle", "gift", "qti")
MEDIA_TYPES = {"json": "application/json", "markdown": "text/markdown",
               "moodle": "application/xml", "gift": "text/plain", "qti": "application/zip"}
EXTENSIONS = {"json": "json", "markdown": "md", "moodle": "xml", "gift": "gift.txt",
              "qti": "qti.zip"}


class Figures(Protocol):
    """Draws an exercise's given matrices (app/figure/givens.py): the engine's
    renderers place the figures, the web layer draws them."""

    def tikz(self, exercise: Exercise) -> tuple[str, float] | None:
        """A tikzpicture and its width in pt, or None (nothing to draw)."""

    def png(self, exercise: Exercise) -> bytes | None:
        """A PNG, or None."""


@dataclass(frozen=True)
class Worksheet:
    """The exercises of one export and how they were asked for."""

    exercises: list[Exercise]
    type: str | None
    difficulty: int
    seed: int
    answers: bool
    ids: bool = False  # print each exercise's id on the student sheet (the key always has them)
    figures: Figures | None = None  # Markdown and Moodle: a figure of the given matrices

    @property
    def title(self) -> str:
        what = self.type or "mixed"
        return f"convviz {what} worksheet, difficulty {self.difficulty}, seed {self.seed}"

    @property
    def filename(self) -> str:
        return f"convviz-{self.type or 'mixed'}-d{self.difficulty}-s{self.seed}"


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def answer_numbers(answer: Answer) -> Any:
    """The key as JSON numbers (whole numbers as integers), shaped like the answer."""
    if answer.value.ndim == 0:
        return _number(float(answer.value))
    return np.vectorize(_number, otypes=[object])(answer.value).tolist()


def answer_texts(answer: Answer) -> Any:
    """The key as the strings a student would type: ``"52"``, ``"-3"``, ``"15/4"``."""
    def text(value: float) -> str:
        return num(value).replace("−", "-")
    if answer.value.ndim == 0:
        return text(float(answer.value))
    return np.vectorize(text, otypes=[object])(answer.value).tolist()


def is_exact(answer: Answer) -> bool:
    """True when every value of the key is a fraction with a small denominator."""
    return all(as_fraction(float(v)) is not None for v in answer.value.reshape(-1))


def accepts(exercise: Exercise, fractions: bool = True) -> str:
    """What the answer boxes take, in words, for the prompt: whole numbers, or decimals
    within the tolerance, and fractions only where the target reads them (the API's
    check and the printed sheets do; a Moodle or GIFT numerical box does not).

    >>> from engine.exercises import exercise
    >>> accepts(exercise("conv-size.1.0.v1"))
    'Answer with whole numbers.'
    """
    whole = all(float(v).is_integer() for v in exercise.answer.value.reshape(-1))
    tol = exercise.tolerance
    if tol == 0:
        return "Answer with whole numbers." if whole else "Answer with exact values."
    places = max(0, -int(np.floor(np.log10(tol))))
    decimals = f"decimals to {places} places (within ±{tol:g})"
    if whole:
        return f"Answer with whole numbers; decimals within ±{tol:g} count too."
    if fractions and is_exact(exercise.answer):
        return f"Answer with {decimals} or fractions such as 15/4."
    return f"Answer with {decimals}."


def shape_hidden(exercise: Exercise) -> Exercise:
    """The exercise with its answer's size as part of the question (grids only: a vector's
    labels name its entries): the prompt says so, ``public`` leaves the shape out and
    the check does not tell a wrong-sized grid the size it should have."""
    if exercise.answer.kind != "grid":
        return exercise
    return replace(exercise, answer=replace(exercise.answer, reveal_shape=False),
                   prompt=f"{exercise.prompt} Its size is part of the question: work it "
                          f"out too.")


def public(exercise: Exercise) -> dict[str, Any]:
    """The exercise without its answer."""
    answer = exercise.answer
    shape = list(answer.value.shape) if answer.reveal_shape else None
    return {
        "id": exercise.id, "type": exercise.type, "difficulty": exercise.difficulty,
        "seed": exercise.seed, "version": exercise.version, "title": exercise.title,
        "prompt": exercise.prompt,
        "givens": [{"name": g.name, "label": g.label, "value": g.value, "text": g.text}
                   for g in exercise.givens],
        "answer_kind": answer.kind, "answer_name": answer.name,
        "answer_labels": list(answer.labels) if answer.kind == "vector" else None,
        "answer_shape": shape, "tolerance": exercise.tolerance,
        "accepts": accepts(exercise),
    }


def solution(exercise: Exercise) -> dict[str, Any]:
    """The answer key (numbers and typed strings, both accepted by the check) and steps."""
    return {"id": exercise.id, "answer": answer_numbers(exercise.answer),
            "answer_text": answer_texts(exercise.answer), "steps": list(exercise.steps)}


def worksheet_json(sheet: Worksheet) -> dict[str, Any]:
    """The JSON export: every exercise, with its solution when ``answers``."""
    items = []
    for exercise in sheet.exercises:
        item = public(exercise)
        if sheet.answers:
            item["solution"] = solution(exercise)
        items.append(item)
    return {"title": sheet.title, "type": sheet.type, "difficulty": sheet.difficulty,
            "seed": sheet.seed, "count": len(items), "answers": sheet.answers,
            "exercises": items}
