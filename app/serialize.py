"""JSON out: engine results to bytes, fast.

Responses are built from NumPy columns with ``tolist`` and written by orjson
(FastAPI's default encoder is ~90× slower on a large trace). Arrays whose
values are all whole numbers are written as integers, so 52 reads ``52``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import orjson
from fastapi import Response
from numpy.typing import NDArray

from engine.geometry import AxisArithmetic

_EXACT = 2.0**53


def plain(array: NDArray[Any]) -> Any:
    """Nested lists, as integers when every value is a whole number."""
    if array.dtype.kind == "f" and array.size and np.all(np.abs(array) < _EXACT):
        as_int = array.astype(np.int64)
        if np.array_equal(as_int, array):
            return as_int.tolist()
    if array.dtype.kind == "f":
        # -0.0 is a rounding artefact here, not a value anyone typed.
        return (array + 0.0).tolist()
    return array.tolist()


def arithmetic_json(axes: tuple[AxisArithmetic, AxisArithmetic]) -> list[dict[str, Any]]:
    return [asdict(a) for a in axes]


def json_response(payload: Any, status_code: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status_code,
                    media_type="application/json")
