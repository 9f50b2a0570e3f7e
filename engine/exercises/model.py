"""What an exercise is: givens, a question, an answer key and the worked steps.

An exercise is a pure function of its id (type, difficulty, seed, generator
version); nothing is stored. ``Draft`` is what a generator returns; the
catalog stamps the id on it to make an ``Exercise``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

AnswerKind = Literal["scalar", "vector", "grid"]


@dataclass(frozen=True)
class Given:
    """One piece of data the question gives: a matrix, a number, a pair or a word.

    ``value`` is JSON-ready (nested lists for a matrix, [height, width] for a
    pair); ``text`` is how a person reads a non-matrix value ("7 × 5").
    """

    name: str
    label: str
    value: Any
    text: str = ""

    @property
    def is_matrix(self) -> bool:
        return isinstance(self.value, list) and bool(self.value) and isinstance(
            self.value[0], list)


@dataclass(frozen=True)
class Answer:
    """The answer key. ``value`` is 0-D (scalar), 1-D (vector: one entry per label)
    or 2-D/3-D (a grid named ``name``, e.g. Y with cells Y[row, col]).
    ``reveal_shape`` says whether a wrong-sized grid may be told its expected size."""

    kind: AnswerKind
    name: str
    value: NDArray[np.float64]
    labels: tuple[str, ...] = ()
    reveal_shape: bool = True
    # "entries": credit per entry (grading.CREDIT_POLICY); "whole": all or nothing, for
    # answers whose entries only mean something together (a receptive field's size and
    # stride).
    credit: str = "entries"

    def cell_label(self, index: tuple[int, ...]) -> str:
        """How feedback names one cell, counting from 1 as the lectures do: ``height``,
        ``Y[1, 3]`` (the API's position [0, 2]) or the answer's name."""
        if self.kind == "vector":
            return self.labels[index[0]]
        if self.kind == "scalar":
            return self.name
        return f"{self.name}[{', '.join(str(i + 1) for i in index)}]"


@dataclass(frozen=True)
class Draft:
    """A generated exercise before it is given its id."""

    title: str
    prompt: str
    givens: tuple[Given, ...]
    answer: Answer
    steps: tuple[str, ...]
    tolerance: float


@dataclass(frozen=True)
class Exercise:
    """One reproducible exercise: the same id gives the same exercise, on any machine."""

    id: str
    type: str
    difficulty: int
    seed: int
    version: int
    title: str
    prompt: str
    givens: tuple[Given, ...]
    answer: Answer
    steps: tuple[str, ...]
    tolerance: float

    def given(self, name: str) -> Any:
        """The value of the given called ``name``."""
        for g in self.givens:
            if g.name == name:
                return g.value
        raise KeyError(name)


@dataclass(frozen=True)
class TypeSpec:
    """One kind of exercise: its name (the first part of an id), what it asks, how
    each difficulty level changes it, and the generator that draws one."""

    name: str
    family: str
    title: str
    description: str
    answer_kind: AnswerKind
    levels: tuple[str, str, str]
    generate: Any  # Callable[[np.random.Generator, int], Draft]
    version: int = 1
    # The generators of earlier versions, so that an id handed out before keeps naming
    # what it named: ((1, generate_v1), …).
    older: tuple[tuple[int, Any], ...] = ()
    # From this version on the catalog draws again (from the same random numbers) while a
    # draft is degenerate: an all-zero given matrix or answer, or, for true convolution,
    # a kernel whose rotation gives the cross-correlation's answer.
    sound_from: int = 2

    def generator(self, version: int) -> Any:
        """The generator of ``version``, or None when the type never had it."""
        return self.generate if version == self.version else dict(self.older).get(version)
