"""JSON out: engine results to bytes, fast.

Responses are built from NumPy columns with ``tolist`` and written by orjson
(FastAPI's default encoder is ~90× slower on a large trace; PERFORMANCE.md).
When every number of a request is a whole number and no sum can leave the
range where float64 counts exactly, every array is written as integers, so
52 reads ``52``, never ``52.0``.
"""

from __future__ import annotations

import gc
import itertools
import math
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import numpy as np
import orjson
from fastapi import Response
from numpy.typing import NDArray

from engine.errors import InputError

_EXACT = 2.0**53
OVERFLOW = ("the values are too large: a sum or product in this computation overflows "
            "float64 (keep magnitudes below about 1e150)")
_lock = threading.Lock()
_pauses = 0


def exact_integers(*arrays: NDArray[np.float64], terms: int) -> bool:
    """True when all values are whole and any sum of ``terms`` products stays exact.

    >>> exact_integers(np.array([1.0, 2.0]), np.array([3.0]), terms=4)
    True
    >>> exact_integers(np.array([0.5]), terms=1)
    False
    """
    present = [a.ravel() for a in arrays if a.size]
    if not present:
        return True
    # One array, few calls: on the small arrays of a lecture example each NumPy call
    # costs more than its arithmetic.
    flat = np.concatenate(present) if len(present) > 1 else present[0]
    if not (flat == np.rint(flat)).all():  # false for NaN too
        return False
    magnitude = np.abs(flat)
    largest_of_all = max(1.0, float(magnitude.max()))
    if largest_of_all < _EXACT and largest_of_all ** len(present) * max(1, terms) < _EXACT:
        return True  # even the largest value in every factor stays exact (the usual case)
    starts = list(itertools.accumulate((len(a) for a in present[:-1]), initial=0))
    largest = np.maximum.reduceat(magnitude, starts)  # the largest |value| of each
    bound = math.prod(max(1.0, m) for m in largest.tolist())
    return bound * max(1, terms) < _EXACT


def lists(array: NDArray[Any], as_int: bool) -> Any:
    """Nested lists of ``array``: integers when ``as_int`` or when every value of the
    array is a whole number anyway (an input echoed beside a fractional bias reads
    ``[1, 2]``, not ``[1.0, 2.0]``), else floats without −0.

    >>> lists(np.array([1.0, 2.0]), False), lists(np.array([0.5, -0.0]), False)
    ([1, 2], [0.5, 0.0])
    """
    if as_int:
        return _tolist(array.astype(np.int64))
    if array.dtype.kind == "f":
        if not np.isfinite(array).all():  # JSON has no infinity: orjson would write null
            raise InputError("input", OVERFLOW)
        if array.size and exact_integers(array, terms=1):
            return _tolist(array.astype(np.int64))
        return _tolist(array + 0.0)
    return _tolist(array)


# Values per C call that holds the GIL (tolist, orjson.dumps). A heavy request builds
# its answer in a worker thread; between such calls the event loop gets the GIL back
# and answers the light requests waiting meanwhile (README, "Limits": health p99).
PIECE = 32_768


def _tolist(array: NDArray[Any]) -> Any:
    """``array.tolist()``, a piece at a time when it is large.

    >>> _tolist(np.arange(6).reshape(2, 3))
    [[0, 1, 2], [3, 4, 5]]
    """
    if array.size <= PIECE or array.ndim == 0:
        return array.tolist()
    if array.ndim > 1:
        return [_tolist(part) for part in array]
    out: list[Any] = []
    for i in range(0, len(array), PIECE):
        out.extend(array[i:i + PIECE].tolist())
    return out


def dumps(body: Any) -> bytes:
    """``orjson.dumps(body)``, its long lists written a piece at a time (see ``PIECE``).

    >>> dumps({"a": list(range(3)), "b": [[1], [2]]})
    b'{"a":[0,1,2],"b":[[1],[2]]}'
    """
    return orjson.dumps(_in_pieces(body))


_ITEMS = 1024  # list items per piece: a step of a trace holds up to ~64 values


def _in_pieces(value: Any) -> Any:
    """Objects are walked, arrays (lists of lists) row by row; a list of objects (a
    trace's steps) is cut into pieces without walking each step, a list of numbers
    only when it is long."""
    if isinstance(value, dict):
        return {k: _in_pieces(v) for k, v in value.items()}
    if not isinstance(value, list) or not value:
        return value
    if isinstance(value[0], list):
        rows = [_in_pieces(v) for v in value]
        if len(rows) > _ITEMS:
            return _joined([rows[i:i + _ITEMS] for i in range(0, len(rows), _ITEMS)])
        return rows
    size = _ITEMS if isinstance(value[0], dict) else PIECE
    if len(value) > size:
        return _joined([value[i:i + size] for i in range(0, len(value), size)])
    return value


def _joined(parts: list[list[Any]]) -> orjson.Fragment:
    return orjson.Fragment(b"[" + b",".join(orjson.dumps(p)[1:-1] for p in parts if p) + b"]")


def shared_rows(flags: NDArray[np.bool_]) -> list[Any]:
    """``flags.tolist()`` for a 2-D boolean array, all-false rows sharing one list object.

    The padding flags of a trace are all false but for the windows along the border:
    sharing that one row spares building and freeing a list per inner step.

    >>> shared_rows(np.array([[True, False], [False, False], [False, False]]))
    [[True, False], [False, False], [False, False]]
    """
    n, taps = flags.shape
    rows: list[Any] = [[False] * taps] * n
    some = np.flatnonzero(flags.any(axis=1))
    for i, row in zip(some.tolist(), flags[some].tolist()):
        rows[i] = row
    return rows


def pair_lists(rows: NDArray[np.intp], cols: NDArray[np.intp], n_cols: int) -> Any:
    """``[[row, col], …]`` nested like ``rows``, sharing one list object per position.

    A trace repeats the same few thousand positions hundreds of thousands of
    times; orjson writes shared objects as often as they occur, so building
    each pair once makes the trace several times cheaper.
    """
    if rows.size <= 16_384:  # small: building the shared table costs more than it saves
        return np.stack([rows, cols], axis=-1).tolist()
    flat = rows * n_cols + cols
    n_rows = int(rows.max()) + 1 if rows.size else 0
    grid: list[Any] = np.indices((n_rows, n_cols)).reshape(2, -1).T.tolist()
    grid.append(None)  # ragged on purpose: a 1-D array of list objects, not a 2-D array
    table = np.array(grid, dtype=object)[:-1]
    return table[flat].tolist()


def gc_paused(when: bool = True) -> AbstractContextManager[None]:
    """Pause the cyclic collector while building a big acyclic response.

    A 16,000-step trace allocates ~500,000 lists; the collector would walk
    them again and again (measured: 10× slower). Nothing built here forms a
    cycle, and reference counting still frees it all. ``when`` false skips the
    pause: for a small response the lock and the switch cost more than they save.
    """
    return _paused() if when else nullcontext()


@contextmanager
def _paused() -> Iterator[None]:
    global _pauses
    with _lock:
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0:
                gc.enable()


def json_response(payload: Any, status_code: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status_code,
                    media_type="application/json")
