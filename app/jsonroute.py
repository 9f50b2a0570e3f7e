"""Routes whose JSON body is parsed and validated in one pass.

For a JSON body FastAPI checks the content type with ``email.message``,
decodes the bytes with ``json.loads``, validates the Python objects and then
solves the dependencies: about 30 µs per request here, a third of what the
engine spends on a traced 8×8 convolution. For a route whose parameters are its
body and path parameters, :class:`JsonBodyRoute` hands the raw bytes to
pydantic-core's ``validate_json`` (one pass, in Rust) and awaits the endpoint
directly.

Nothing else changes: the route is declared as usual, so the OpenAPI schema is
FastAPI's own; a bad body raises the same ``RequestValidationError`` with
``loc`` starting at ``"body"``, which ``app/errors.py`` shapes like any other;
the content type was checked before (``app/bodylimit.py``). Routes with query,
header or cookie parameters, dependencies or a non-``Response`` return keep
FastAPI's handler.
"""

from __future__ import annotations

import codecs
import inspect
import typing
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from app import workload

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

_BOM = codecs.BOM_UTF8
_MISSING = [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]


class JsonBodyRoute(APIRoute):
    """An ``APIRoute`` that validates its JSON body, and its path parameters, in one pass."""

    def get_route_handler(self) -> Handler:
        return lean_handler(self) or super().get_route_handler()


def lean_handler(route: APIRoute) -> Handler | None:
    """The one-pass handler of ``route``, or None when it needs FastAPI's machinery."""
    dependant = route.dependant
    others = (dependant.query_params, dependant.header_params, dependant.cookie_params,
              dependant.dependencies)
    if len(dependant.body_params) != 1 or any(others) or (
            not inspect.iscoroutinefunction(route.endpoint)):
        return None
    hints = typing.get_type_hints(route.endpoint, include_extras=True)
    returns = hints.get("return")
    fields = [*dependant.path_params, dependant.body_params[0]]
    if not (isinstance(returns, type) and issubclass(returns, Response)) or any(
            f.name not in hints for f in fields):
        return None
    # Path parameters keep their constraints (pattern, length): they live in the hint.
    path = [(f.name, f.alias, TypeAdapter(hints[f.name])) for f in dependant.path_params]
    name = dependant.body_params[0].name
    body_adapter: TypeAdapter[Any] = TypeAdapter(hints[name])
    endpoint = route.endpoint

    async def handler(request: Request) -> Response:
        values: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for key, alias, adapter in path:
            try:
                values[key] = adapter.validate_python(request.path_params[alias])
            except ValidationError as exc:
                errors += _located(exc, "path", alias)
        if _large(request):  # its parse alone is heavy: wait for a slot first
            await workload.reserve()
        body = await request.body()
        if body.startswith(_BOM):  # allowed, and ignored, by RFC 8259
            body = body[len(_BOM):]
        if not body:
            errors += _MISSING
        else:
            try:
                if len(body) > workload.LIGHT_BODY_BYTES:  # off the event loop
                    values[name] = await run_in_threadpool(body_adapter.validate_json, body)
                else:
                    values[name] = body_adapter.validate_json(body)
            except ValidationError as exc:
                errors += _located(exc, "body")
        if errors:  # all of them at once, path first, as FastAPI reports them
            raise RequestValidationError(errors, body=body)
        response: Response = await endpoint(**values)
        return response

    return handler


def _large(request: Request) -> bool:
    """A body declared over ``LIGHT_BODY_BYTES``, or of unknown length (chunked)."""
    length = request.headers.get("content-length")
    if length is None:
        return "transfer-encoding" in request.headers
    return not length.isdigit() or int(length) > workload.LIGHT_BODY_BYTES


def _located(exc: ValidationError, *where: str) -> list[dict[str, Any]]:
    return [{**e, "loc": (*where, *e["loc"])} for e in exc.errors(include_url=False)]
