"""Grading an answer: per-cell partial credit, fractions, tolerances, format errors.

A format error (a word where a number belongs, a ragged grid, the wrong number
of entries) is reported as such, cell by cell, and is not a wrong answer: the
student fixes the typing without losing an attempt (PrairieLearn's rule).
Numbers may be JSON numbers or strings: ``"15/9"``, ``"-3/4"``, ``"−2"``,
``"1.5"``, ``"2e-1"``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from engine.exercises.model import Answer

Status = Literal["correct", "partial", "incorrect", "format_error"]
MAX_REPORTED = 20
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_FRACTION = re.compile(r"([+-]?\d+)\s*/\s*([+-]?\d+)")
_MAX_TEXT = 64


class NotANumber(ValueError):
    """A cell that cannot be read as a number; the message says why."""


@dataclass(frozen=True)
class FormatProblem:
    """``index`` is the cell ([] for the whole answer), ``given`` what was typed."""

    index: tuple[int, ...]
    given: str
    message: str


@dataclass(frozen=True)
class Grade:
    """``cells`` (the answer's shape) is true where the given value is within the
    tolerance; ``score`` is the fraction of right cells, None for a format error."""

    status: Status
    score: float | None
    cells: NDArray[np.bool_] | None
    right: int
    total: int
    problems: tuple[FormatProblem, ...]
    message: str


def parse_number(value: Any) -> float:
    """A finite float from a JSON number or a string (decimal or fraction).

    >>> parse_number("15/9") == 15 / 9, parse_number(" −3/4 "), parse_number(2)
    (True, -0.75, 2.0)

    Raises
    ------
    NotANumber
        With the reason, e.g. a zero denominator.
    """
    if isinstance(value, bool) or value is None:
        raise NotANumber(f"{_show(value)} is not a number")
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            raise NotANumber("is too large") from None
        if not math.isfinite(number):
            raise NotANumber("must be a finite number")
        return number
    if not isinstance(value, str):
        raise NotANumber(f"expected a number, got {_kind(value)}")
    text = value.strip().replace("−", "-") if len(value) <= _MAX_TEXT else ""
    if not text:
        raise NotANumber("is empty" if not value.strip() else f"is longer than {_MAX_TEXT} "
                         f"characters")
    text = _decimal_comma(value, text)
    if _DECIMAL.fullmatch(text):
        number = float(text)
        if not math.isfinite(number):
            raise NotANumber("is too large")
        return number
    match = _FRACTION.fullmatch(text)
    if match:
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if denominator == 0:
            raise NotANumber(f"{value!r} divides by zero")
        try:
            return float(Fraction(numerator, denominator))
        except OverflowError:
            raise NotANumber("is too large") from None
    raise NotANumber(f"{value!r} is not a number: write e.g. 3, -2, 1.5 or 15/9")


def _decimal_comma(value: str, text: str) -> str:
    """A decimal comma read as a point (``1,5`` is 1.5); a comma that may separate
    thousands (``1,234``, ``1,234.5``, ``1,2,3``) is refused, never guessed."""
    if "," not in text:
        return text
    whole, _, decimals = text.partition(",")
    if "," in decimals or "." in text or (len(decimals) == 3 and decimals.isdigit()):
        raise NotANumber(f"{value!r} is ambiguous: a comma may separate thousands; write "
                         f"decimals with a point (1.234) and no thousands separator (1234)")
    return f"{whole}.{decimals}"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "text" if isinstance(value, str) else "a value"


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return _kind(value)
    return str(value)[:_MAX_TEXT]


def _shape_text(answer: Answer) -> str:
    if answer.kind == "scalar":
        return "one number"
    if answer.kind == "vector":
        return f"a list of {len(answer.labels)} numbers [{', '.join(answer.labels)}]"
    shape = answer.value.shape
    if len(shape) == 2:
        return f"a {shape[0]}×{shape[1]} grid ({shape[0]} rows of {shape[1]} numbers)"
    return f"a {'×'.join(map(str, shape))} array ({shape[0]} channels of {shape[1]} rows " \
           f"of {shape[2]} numbers)"


def _structure(given: Any, rank: int) -> tuple[int, ...] | str:
    """The shape of a nested list of exactly ``rank`` levels, or what is wrong with it."""
    shape: list[int] = []
    level = [given]
    for depth in range(1, rank + 1):
        if not all(isinstance(item, list) for item in level):
            bad = next(item for item in level if not isinstance(item, list))
            return f"got {_kind(bad)} where a list belongs (nesting level {depth})"
        lengths = sorted({len(item) for item in level})
        if len(lengths) > 1:
            return f"the lists at nesting level {depth} differ in length ({lengths})"
        shape.append(lengths[0] if lengths else 0)
        level = [x for item in level for x in item]
    if any(isinstance(item, list) for item in level):
        return f"got a list where a number belongs (nesting level {rank + 1})"
    return tuple(shape)


def check(answer: Answer, given: Any, tolerance: float) -> Grade:
    """Grade ``given`` against the answer key, cell by cell.

    >>> key = Answer("grid", "Y", np.array([[1.0, 2.0], [1 / 3, 4.0]]))
    >>> g = check(key, [[1, "2"], ["1/3", 5]], 0.01)
    >>> g.status, g.score, g.cells.tolist()
    ('partial', 0.75, [[True, True], [True, False]])
    """
    rank = answer.value.ndim
    total = int(answer.value.size)
    if rank == 0:
        cells_in: list[Any] = [given]
        shape: tuple[int, ...] = ()
    else:
        found = _structure(given, rank)
        expected = answer.value.shape
        what = (_shape_text(answer) if answer.reveal_shape
                else f"a {rank}-D grid of numbers (lists of rows of equal length)")
        if isinstance(found, str):
            return _format_error(total, (FormatProblem((), _show(given),
                                                       f"expected {what}: {found}"),))
        if found != expected:
            dims = "×".join(map(str, found))
            if answer.reveal_shape:
                got = f"{found[0]} entries" if rank == 1 else f"a {dims} grid"
                return _format_error(total, (FormatProblem(
                    (), _show(given), f"expected {what}, got {got}"),))
            return Grade("incorrect", 0.0, None, 0, total, (),
                         f"Your grid is {dims}: that is not the size of the answer.")
        shape = expected
        cells_in = np.array(given, dtype=object).reshape(-1).tolist() if total else []
    values = np.zeros(total)
    problems = []
    for flat, cell in enumerate(cells_in):
        try:
            values[flat] = parse_number(cell)
        except NotANumber as error:
            index = tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()
            problems.append(FormatProblem(index, _show(cell), str(error)))
    if problems:
        return _format_error(total, tuple(problems[:MAX_REPORTED]))
    key = answer.value.reshape(-1)
    slack = 1e-9 * np.maximum(1.0, np.abs(key))
    ok = np.abs(values - key) <= tolerance + slack
    right = int(ok.sum())
    status: Status = "correct" if right == total else "partial" if right else "incorrect"
    score = credit(key, ok) if answer.credit == "entries" else float(ok.all())
    message = ("Correct." if status == "correct" else
               f"{right} of {total} right (credit {score:.2f})." if total > 1 else "Not right.")
    return Grade(status, score, ok.reshape(shape), right, total, (), message)


CREDIT_POLICY = (
    "Credit goes to the entries that carry information. In an answer of four entries or "
    "more whose key repeats one value more often than any other (the zeros of an "
    "unpooled map or of a row of C, say), the entries holding that value are the "
    "background: the score is the fraction of the other entries that are right, minus "
    "half the fraction of background entries that are wrong, never below 0, so a "
    "constant answer, or one that copies the background everywhere, earns nothing. "
    "Any other answer is scored as the fraction of its entries that are right, except a "
    "receptive field's [size, stride], which is right or wrong as a whole (Moodle, GIFT "
    "and QTI, which have no all-or-nothing across blanks, mark its two entries apart). "
    "Moodle's "
    "Cloze blanks carry the same policy in whole marks: each informative blank weighs "
    "enough that copying the background earns at most 0.2.")


def _background(flat_key: NDArray[np.float64]) -> NDArray[np.bool_] | None:
    """Where the key holds its repeated background value, or None when it has none."""
    if flat_key.size < 4:  # a size [h, w] or [d, h, w] with equal entries has no background
        return None
    values, counts = np.unique(np.round(flat_key, 9), return_counts=True)
    top = int(counts.argmax())
    if counts[top] < 2 or counts[top] == flat_key.size or (counts == counts[top]).sum() > 1:
        return None  # no repeated value, one value throughout, or no single most common
    found: NDArray[np.bool_] = np.abs(flat_key - values[top]) <= 1e-9 * max(
        1.0, abs(float(values[top])))
    return found


def weights(key: NDArray[np.float64]) -> NDArray[np.int64]:
    """Whole-number marks per entry for an LMS that has no negative marks (Moodle's Cloze
    blanks): the background weighs 1, each informative entry enough that copying the
    background everywhere earns at most 0.2 of the marks.

    >>> weights(np.array([0.0, 0, 0, 5])).tolist()
    [1, 1, 1, 12]
    """
    flat = key.reshape(-1)
    background = _background(flat)
    out = np.ones(flat.size, dtype=np.int64)
    if background is not None:
        n_bg, n_inf = int(background.sum()), int((~background).sum())
        out[~background] = max(1, -(-4 * n_bg // n_inf))  # ⌈4·n_bg / n_inf⌉
    return out.reshape(key.shape)


def credit(key: NDArray[np.float64], ok: NDArray[np.bool_]) -> float:
    """The score of an answer right where ``ok``, by :data:`CREDIT_POLICY`.

    >>> credit(np.array([0.0, 0, 0, 5]), np.array([True, True, True, False]))
    0.0
    >>> credit(np.array([0.0, 0, 0, 5]), np.array([False, True, True, True]))
    0.8333333333333334
    >>> credit(np.array([1.0, 2, 3, 4]), np.array([True, True, True, False]))
    0.75
    """
    flat_key, flat_ok = key.reshape(-1), ok.reshape(-1)
    background = _background(flat_key)
    if background is None:
        return float(flat_ok.mean())
    informative = ~background
    gained = float(flat_ok[informative].mean())
    lost = float((~flat_ok[background]).mean())
    return max(0.0, gained - 0.5 * lost)


def _format_error(total: int, problems: tuple[FormatProblem, ...]) -> Grade:
    return Grade("format_error", None, None, 0, total, problems,
                 "The answer could not be read: fix the format (this costs no attempt).")
