"""One error shape for every endpoint: ``{"detail": [{"loc", "msg", "type"}]}``.

Validation errors (422) come from pydantic or from the engine's InputError;
size limits give 413. ``loc`` always names the field; the union routing tags
of the schemas are dropped from it, and the offending input is not echoed
back (it may be a megabyte of matrix).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import workload
from app.limits import LimitExceeded
from app.schemas.common import UNION_TAGS
from engine.errors import InputError
from engine.exercises.ids import ExerciseIdError, parse_id
from engine.params import AXES


def error_body(loc: list[Any], msg: str, type_: str) -> dict[str, Any]:
    return {"detail": [{"loc": loc, "msg": msg, "type": type_}]}


# Parameters given as one number or [height, width].
PAIRS = frozenset({"stride", "padding", "dilation", "output_padding", "kernel_size",
                   "input_size", "output_size"})

# What a string parameter with a pattern must look like, said in words.
PATTERNS = {"exercise_id": "an exercise id: the form is <type>.<difficulty>.<seed>.v<version>, "
                           "e.g. conv-output.2.12345.v1"}


def _id_problem(text: str) -> str | None:
    """What the engine says is wrong with an id the schema's pattern refused (which
    part: a leading zero, a difficulty or seed out of range), if it says anything."""
    try:
        parse_id(text)
    except ExerciseIdError as error:
        return error.message
    return None


def _axes_of(body: Any, name: Any) -> tuple[str, ...]:
    """The axis names of a per-axis list in the request: [length], [height, width] or
    [depth, height, width], by the list's own length (2-D when it cannot be told). The
    raw body is searched, not parsed: a refused 8 MB body must not cost a parse."""
    if isinstance(body, (bytes, bytearray)) and isinstance(name, str):
        found = re.search(rb'"' + re.escape(name.encode()) + rb'"\s*:\s*\[([^\[\]]*)\]', body)
        if found:
            return AXES.get(found.group(1).count(b",") + 1, AXES[2])
    return AXES[2]


def _clean(error: dict[str, Any], body: Any = None) -> dict[str, Any]:
    loc = [part for part in error.get("loc", ()) if part not in UNION_TAGS]
    msg = str(error.get("msg", "invalid"))
    if error.get("type") == "json_invalid":
        loc = ["body"]  # the position FastAPI gives is a character offset, not a field
        msg = f"the body is not valid JSON: {error.get('ctx', {}).get('error', msg)}"
    field = " → ".join(str(p) for p in loc[1:]) or "body"
    if len(loc) == 3 and loc[1] in PAIRS and isinstance(loc[2], int):
        names = _axes_of(body, loc[1])  # [height, width] or [depth, height, width]: say which
        if 0 <= loc[2] < len(names):
            field = f"{loc[1]} ({names[loc[2]]})"
    if error.get("type") == "string_pattern_mismatch" and loc[-1:] and loc[-1] in PATTERNS:
        msg = _id_problem(str(error.get("input"))) or (
            f"'{error.get('input')}' is not {PATTERNS[str(loc[-1])]}")
    if not msg.startswith(field):
        msg = f"{field}: {msg}"
    return {"loc": loc, "msg": msg, "type": str(error.get("type", "value_error"))}


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    seen: set[str] = set()
    detail = []
    for error in exc.errors():
        item = _clean(dict(error), getattr(exc, "body", None))
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            detail.append(item)
    return JSONResponse({"detail": detail}, status_code=422)


async def _input_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    # A network's layer errors carry their JSON path (["layers", 4, "body", 1, "kernel_size"]).
    loc = ["body", *getattr(exc, "loc", (exc.field,))]
    return JSONResponse(error_body(loc, str(exc), "value_error"), status_code=422)


async def _limit(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LimitExceeded)
    return JSONResponse(error_body(["body", *exc.loc], f"{exc.field}: {exc.message}",
                                   "too_large"), status_code=413)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # Starlette could not read the body at all (not UTF-8, not JSON): a 422 like any
        # other invalid body, so clients handle one status for "your input is wrong".
        return JSONResponse(error_body(["body"], f"body: the body is not valid JSON "
                                       f"({exc.detail})", "json_invalid"), status_code=422)
    return JSONResponse(error_body([], str(exc.detail), f"http_{exc.status_code}"),
                        status_code=exc.status_code, headers=exc.headers)


async def _busy(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(error_body([], workload.busy_message(str(exc)), "busy"),
                        status_code=503, headers={"retry-after": str(workload.RETRY_AFTER_S)})


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(LimitExceeded, _limit)
    app.add_exception_handler(workload.Busy, _busy)
