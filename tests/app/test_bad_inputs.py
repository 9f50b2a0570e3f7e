"""Every bad input of the catalogue, sent to a real uvicorn server over a socket.

Each must be refused with a 4xx in the one error shape, naming the field or the
limit; after each, the same server must still compute the stride-3 example
right. Requests go over raw sockets so that oversized, chunked and lying
bodies reach the server exactly as a misbehaving client would send them.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.app.bad_inputs import CATALOGUE, CATEGORIES, STRIDE_3, STRIDE_3_OUTPUT, BadInput
from tests.server import Server, running_server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as base:
        yield base


def _head(path: str, content_type: str | None, framing: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             "Accept-Encoding: identity", framing]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_all(sock: socket.socket) -> bytes:
    reply = b""
    try:
        while chunk := sock.recv(65536):
            reply += chunk
    except ConnectionResetError:
        pass  # the server closed on a body it refused; what it said first is in `reply`
    return reply


def send(server: Server, case: BadInput) -> tuple[int, dict[str, str], bytes, float]:
    """(status, headers, body, seconds) of one request sent as the case says."""
    start = time.perf_counter()
    if case.transport == "chunked":
        framing = "Transfer-Encoding: chunked"
        pieces = [b"%x\r\n%s\r\n" % (len(case.body[i:i + 65536]), case.body[i:i + 65536])
                  for i in range(0, len(case.body), 65536)]
    else:
        declared = case.declared if case.transport == "announced" else len(case.body)
        framing = f"Content-Length: {declared}"
        pieces = [case.body[i:i + 65536] for i in range(0, len(case.body), 65536)]
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(_head(case.path, case.content_type, framing))
        for piece in pieces:
            # Stop sending once the server has answered (it may refuse before the end).
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break
        reply = _read_all(sock)
    elapsed = time.perf_counter() - start
    head, _, body = reply.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body, elapsed


def good_request_answers(server: Server) -> Any:
    case = BadInput("good", "", "/api/conv2d", json.dumps(STRIDE_3).encode(), 200, (), "")
    status, _, body, _ = send(server, case)
    assert status == 200
    return json.loads(body)["output"]


def test_the_catalogue_covers_every_kind_of_mistake() -> None:
    assert {case.category for case in CATALOGUE} == set(CATEGORIES)
    assert len({case.name for case in CATALOGUE}) == len(CATALOGUE) >= 30
    endpoints = {case.path for case in CATALOGUE}
    assert endpoints >= {"/api/conv2d", "/api/shape", "/api/conv_transpose2d", "/api/pool2d",
                         "/api/pool2d/backward", "/api/max_unpool2d"}


@pytest.mark.parametrize("case", CATALOGUE, ids=[case.name for case in CATALOGUE])
def test_bad_input_is_refused_naming_the_problem(server: Server, case: BadInput) -> None:
    status, headers, body, elapsed = send(server, case)
    assert status == case.status, body[:300]
    assert headers["content-type"] == "application/json"
    detail = json.loads(body)["detail"]
    first = detail[0]
    assert set(first) == {"loc", "msg", "type"}
    assert tuple(first["loc"]) == case.loc, first
    assert case.words in first["msg"], first["msg"]
    named = str(case.loc[-1]) if len(case.loc) > 1 else case.loc[0]
    assert named in first["msg"], "the message names the field it is about"
    if case.transport != "whole":
        assert elapsed < 5, "refused without waiting for the body the client announced"
    assert good_request_answers(server) == STRIDE_3_OUTPUT


def test_no_bad_input_can_make_a_500(server: Server) -> None:
    # Every catalogue body against every endpoint it was not written for.
    paths = sorted({case.path for case in CATALOGUE})
    for case in CATALOGUE:
        if case.transport != "whole" or len(case.body) > 1_000_000:
            continue
        for path in paths:
            status, headers, body, _ = send(server, BadInput(
                case.name, case.category, path, case.body, 0, (), "",
                content_type=case.content_type))
            assert status < 500, (case.name, path, body[:300])
            if status >= 400:
                assert headers["content-type"] == "application/json", (case.name, path)
                assert json.loads(body)["detail"][0]["msg"], (case.name, path)
    assert good_request_answers(server) == STRIDE_3_OUTPUT


def body_routes(server: Server) -> list[str]:
    """Every route that takes a body, its path parameters filled with their documented
    examples (so what is refused is the body, not the path)."""
    import urllib.request

    with urllib.request.urlopen(server + "/openapi.json", timeout=10) as reply:
        paths = json.loads(reply.read())["paths"]
    routes = []
    for path, ops in paths.items():
        for op in ops.values():
            if "requestBody" not in op:
                continue
            for parameter in op.get("parameters", []):
                if parameter["in"] == "path":
                    example = parameter["schema"].get("examples", [parameter.get("example")])[0]
                    path = path.replace("{" + parameter["name"] + "}", str(example))
            routes.append(path)
    return routes


GENERIC: list[tuple[str, bytes, str | None, int, tuple[str, ...], str]] = [
    ("malformed JSON", b'{"a": [1, 2', "application/json", 422, ("body",), "not valid JSON"),
    ("wrong content type", b"{}", "text/plain", 415, ("header", "content-type"), "JSON"),
    ("array body", b"[]", "application/json", 422, ("body",), "body"),
]


def test_every_route_with_a_body_refuses_the_generic_mistakes(server: Server) -> None:
    """Routes added later (matrix, backward, exercises) are covered from /openapi.json."""
    routes = body_routes(server)
    assert "/api/conv2d" in routes and "/api/max_unpool2d" in routes
    for path in routes:
        for name, body, content_type, status, loc, words in GENERIC:
            case = BadInput(name, "", path, body, status, loc, words, content_type=content_type)
            got, _, reply, _ = send(server, case)
            assert got == status, (path, name, reply[:300])
            first = json.loads(reply)["detail"][0]
            assert tuple(first["loc"]) == loc and words in first["msg"], (path, name, first)
        unknown = BadInput("unknown", "", path, b'{"__nope__": 1}', 422, (), "")
        got, _, reply, _ = send(server, unknown)
        assert got == 422, (path, reply[:300])
        assert ["body", "__nope__"] in [item["loc"] for item in json.loads(reply)["detail"]]
        oversized = BadInput("oversized", "", path, b"", 413, (), "", transport="announced",
                             declared=10**9)
        got, _, reply, _ = send(server, oversized)
        assert got == 413 and b"max_body_bytes" in reply, path
    assert good_request_answers(server) == STRIDE_3_OUTPUT
