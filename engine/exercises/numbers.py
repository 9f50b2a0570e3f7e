"""Numbers as a student writes them: whole numbers, fractions, short decimals.

Answers are float64 from the engine; the values of an exercise are small
integers, so every answer is a rational with a small denominator (an average
divides by the window size). These helpers find that fraction and write it
the way the lecture decks do (``−`` for minus, ``·`` for a product).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

_MINUS = "−"


def as_fraction(value: float) -> Fraction | None:
    """The fraction with denominator at most 1000 equal to ``value``, or None.

    >>> as_fraction(3.75), as_fraction(10 / 9), as_fraction(2 ** 0.5)
    (Fraction(15, 4), Fraction(10, 9), None)
    """
    guess = Fraction(value).limit_denominator(1000)
    if abs(float(guess) - value) <= 1e-9 * max(1.0, abs(value)):
        return guess
    return None


def num(value: float) -> str:
    """``value`` for people: ``52``, ``−3``, ``15/4``; other values to 6 decimals.

    >>> num(52.0), num(-3.0), num(3.75), num(-0.0)
    ('52', '−3', '15/4', '0')
    """
    value = float(value)
    if value.is_integer():  # most numbers of an exercise: no fraction to look for
        text = str(int(value))
        return text.replace("-", _MINUS) if text != "0" else text
    exact = as_fraction(value)
    if exact is None:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    elif exact.denominator == 1:
        text = str(exact.numerator)
    else:
        text = f"{exact.numerator}/{exact.denominator}"
    if text in ("-0", "0"):
        return "0"
    return text.replace("-", _MINUS)


def ascii_num(value: float) -> str:
    """``value`` as a plain decimal for machines (Moodle, GIFT): ``-3``, ``3.75``, ``1.1111111111``.

    >>> ascii_num(-3.0), ascii_num(3.75), ascii_num(10 / 9)
    ('-3', '3.75', '1.1111111111')
    """
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")


def paren(value: float) -> str:
    """A factor inside a product: negative numbers in parentheses.

    >>> paren(-2.0), paren(3.0)
    ('(−2)', '3')
    """
    text = num(value)
    return f"({text})" if text.startswith(_MINUS) or "/" in text else text


def dot(a: Iterable[float], b: Iterable[float]) -> str:
    """A sum of products, written out: ``1·2 + 3·(−1)``.

    >>> dot([1, 3], [2, -1])
    '1·2 + 3·(−1)'
    """
    return " + ".join(f"{paren(x)}·{paren(y)}" for x, y in zip(a, b))


def plus(terms: Iterable[float]) -> str:
    """``1 + (−2) + 3``.

    >>> plus([1, -2, 3])
    '1 + (−2) + 3'
    """
    return " + ".join(paren(t) for t in terms)


def small_ints(rng: np.random.Generator, low: int, high: int, shape: tuple[int, ...]
               ) -> NDArray[np.float64]:
    """Whole numbers ``low … high`` (inclusive) as float64, for hand calculation."""
    return rng.integers(low, high, size=shape, endpoint=True).astype(np.float64)


def int_lists(array: NDArray[np.float64]) -> object:
    """Nested lists with whole numbers as ``int`` (the values of a given)."""
    if np.array_equal(array, np.rint(array)):
        return array.astype(np.int64).tolist()
    return (array + 0.0).tolist()


def cell_name(name: str, *index: int) -> str:
    """A cell as the lectures name it, counting from 1 (the API's positions count from 0).

    >>> cell_name("Y", 0, 2), cell_name("X", 1, 0, 4)
    ('Y[1, 3]', 'X[2, 1, 5]')
    """
    return f"{name}[{', '.join(str(i + 1) for i in index)}]"


FROM_1 = "rows and columns count from 1, as in the lectures"
