"""JsonBodyRoute answers exactly as FastAPI's own route handler would.

The oracle is FastAPI itself: the same endpoint functions are mounted twice,
once with the default ``APIRoute`` and once with ``JsonBodyRoute``, and every
body below must get the same status and the same JSON from both, with two
exceptions in wording, where status and ``loc`` still agree:

- a syntax error ("not valid JSON"): ``json`` and pydantic-core describe it in
  their own words;
- a body that is JSON but not an object: "Input should be an object" where
  FastAPI says "a valid dictionary or object to extract fields from".
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app import errors
from app.jsonroute import JsonBodyRoute, lean_handler
from app.routers import api, exercises, matrix, pool, transposed
from app.schemas.conv import Conv2dRequest

CONV = b'{"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 0], [0, -1]]}'

CONV_BODIES: dict[str, bytes] = {
    "good": CONV,
    "good, trace paged": CONV[:-1] + b', "trace": {"start": 1, "limit": 2}}',
    "good, padding word escaped": CONV[:-1] + b', "padding": "\\u0073ame"}',
    "good, utf-8 byte order mark": b"\xef\xbb\xbf" + CONV,
    "good, key given twice": CONV[:-1] + b', "input": [[5, 6], [7, 8]]}',
    "missing kernel": b'{"input": [[1, 2], [3, 4]]}',
    "unknown field": CONV[:-1] + b', "strides": 2}',
    "string cell": b'{"input": [[1, "x"]], "kernel": [[1]]}',
    "two bad fields": b'{"input": [[1, "x"]], "kernel": [[1]], "stride": 0, "bias": "b"}',
    "NaN literal": b'{"input": [[NaN, 1]], "kernel": [[1]]}',
    "overflowing number": b'{"input": [[1e400, 1]], "kernel": [[1]]}',
    "huge integer": CONV[:-1] + b', "stride": 123456789012345678901234567890}',
    "array": b"[1, 2]",
    "null": b"null",
    "number": b"42",
    "string": b'"input"',
    "empty": b"",
    "malformed": b'{"input": [[1, 2',
    "trailing garbage": CONV + b" x",
    "not UTF-8": b'{"input": [[1]], "kernel": [[1]], "padding_mode": "\xff"}',
    "deep nesting": b"[" * 600 + b"]" * 600,
}


def twin_clients() -> dict[str, TestClient]:
    clients = {}
    for route_class in (APIRoute, JsonBodyRoute):
        router = APIRouter(route_class=route_class)
        router.post("/conv2d")(api.conv2d)
        router.post("/check/{exercise_id}")(exercises.check_answer)
        app = FastAPI()
        errors.install(app)
        app.include_router(router)
        clients[route_class.__name__] = TestClient(app)
    return clients


CLIENTS = twin_clients()


def both(path: str, body: bytes) -> tuple[Any, Any]:
    answers = []
    for client in (CLIENTS["APIRoute"], CLIENTS["JsonBodyRoute"]):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        answers.append((response.status_code, response.json()))
    return answers[0], answers[1]


WORDED_APART = {"json_invalid", "model_type", "model_attributes_type"}


def comparable(answer: tuple[int, Any]) -> tuple[int, Any]:
    status, payload = answer
    if status == 422 and any(e["type"] in WORDED_APART for e in payload["detail"]):
        return status, [e["loc"] for e in payload["detail"]]
    return status, payload


@pytest.mark.parametrize("body", CONV_BODIES.values(), ids=CONV_BODIES.keys())
def test_a_body_gets_what_fastapi_would_answer(body: bytes) -> None:
    fastapi_answer, lean_answer = both("/conv2d", body)
    assert comparable(lean_answer) == comparable(fastapi_answer)


def test_the_twins_disagree_only_in_the_wording_of_a_syntax_error() -> None:
    fastapi_answer, lean_answer = both("/conv2d", CONV_BODIES["malformed"])
    assert fastapi_answer[0] == lean_answer[0] == 422
    for answer in (fastapi_answer, lean_answer):
        assert answer[1]["detail"][0]["msg"].startswith("body: the body is not valid JSON")


GOOD_ID = "conv-output.1.7.v1"
CHECKS: dict[str, tuple[str, bytes]] = {
    "good id, good answer": (GOOD_ID, b'{"answer": 3}'),
    "good id, answer missing": (GOOD_ID, b"{}"),
    "malformed id, good answer": ("not-an-id", b'{"answer": 3}'),
    "malformed id and body": ("not-an-id", b'{"answer": 3, "extra": 1}'),
    "overlong id": ("a" * 60 + ".1.1.v1", b'{"answer": 3}'),
    "unknown type": ("no-such-type.1.7.v1", b'{"answer": 3}'),
    "malformed id, empty body": ("not-an-id", b""),
}


@pytest.mark.parametrize(("exercise_id", "body"), CHECKS.values(), ids=CHECKS.keys())
def test_path_and_body_errors_come_as_fastapi_reports_them(exercise_id: str, body: bytes
                                                           ) -> None:
    fastapi_answer, lean_answer = both(f"/check/{exercise_id}", body)
    assert comparable(lean_answer) == comparable(fastapi_answer)


def test_every_json_post_route_of_the_app_takes_the_one_pass_handler() -> None:
    routers = (api.router, exercises.router, matrix.router, pool.router, transposed.router)
    posts = [r for router in routers for r in router.routes
             if isinstance(r, APIRoute) and "POST" in (r.methods or ())]
    assert len(posts) >= 10
    for route in posts:
        assert isinstance(route, JsonBodyRoute), route.path
        assert lean_handler(route) is not None, route.path


def test_a_route_with_a_query_parameter_keeps_fastapis_handler() -> None:
    router = APIRouter(route_class=JsonBodyRoute)

    @router.post("/q")
    async def with_query(limit: int, request: Conv2dRequest) -> Response:
        return Response(json.dumps({"limit": limit}).encode())

    assert lean_handler(router.routes[0]) is None  # type: ignore[arg-type]
    app = FastAPI()
    app.include_router(router)
    response = TestClient(app).post("/q?limit=3", content=CONV,
                                    headers={"content-type": "application/json"})
    assert response.json() == {"limit": 3}
