"""exact_integers against a plain-Python reading of its definition.

It decides whether a response is written with integers (52) or floats (52.0):
every value whole, and the product of each array's largest magnitude, times the
number of terms, below 2⁵³ (where float64 still counts every integer).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.serialize import exact_integers, lists

VALUES = st.one_of(
    st.integers(-2**40, 2**40).map(float),
    st.integers(-9, 9).map(float),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
)
ARRAYS = st.lists(VALUES, max_size=12).map(lambda v: np.array(v, dtype=np.float64))


def reference(arrays: list[np.ndarray], terms: int) -> bool:
    present = [a.tolist() for a in arrays if a.size]
    if any(not (math.isfinite(v) and float(v).is_integer()) for a in present for v in a):
        return False
    bound = math.prod(max(1.0, max(abs(v) for v in a)) for a in present)
    return bound * max(1, terms) < 2.0**53


@settings(max_examples=400, deadline=None)
@given(st.lists(ARRAYS, min_size=1, max_size=3), st.integers(0, 2000))
def test_agrees_with_its_definition(arrays: list[np.ndarray], terms: int) -> None:
    assert exact_integers(*arrays, terms=terms) == reference(arrays, terms)


def test_lists_write_whole_numbers_as_integers_and_never_minus_zero() -> None:
    assert lists(np.array([[1.0, -2.0]]), as_int=True) == [[1, -2]]
    assert lists(np.array([0.5, -0.0]), as_int=False) == [0.5, 0.0]
    assert lists(np.array([3.0, -0.0]), as_int=False) == [3, 0]
