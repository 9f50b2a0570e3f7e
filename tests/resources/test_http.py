"""HTTP at the edges, against a real uvicorn served with app.http's protocol: HEAD,
Accept-Encoding's q-values, a refused body a client sends whole before reading,
URLs past the parser's limit, requests that never finish arriving, and shutdown."""

from __future__ import annotations

import gzip
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import orjson
import pytest

from tests.resources.probes import post, raw
from tests.server import ROOT, Server, free_port, running_server, uvicorn_command


@pytest.mark.parametrize("path", ["/", "/pool", "/api/health", "/api/presets", "/api/limits",
                                  "/static/vendor/plotly.min.js", "/static/css/base.css",
                                  "/api/exercises/conv-output.2.12345.v1", "/docs"])
def test_head_answers_wherever_get_does(server: Server, path: str) -> None:
    get = urllib.request.urlopen(server + path, timeout=30)
    body = get.read()
    head = urllib.request.urlopen(urllib.request.Request(server + path, method="HEAD"),
                                  timeout=30)
    assert head.status == get.status == 200
    assert head.read() == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert int(head.headers["content-length"]) == len(body)
    assert head.headers["content-security-policy"]


@pytest.mark.parametrize("accept, gzipped", [("gzip", True), ("gzip;q=0", False),
                                             ("br, gzip; q=0.0", False), ("GZIP;q=0.5", True),
                                             ("identity", False)])
def test_accept_encoding_is_read_with_its_q_values(server: Server, accept: str,
                                                   gzipped: bool) -> None:
    for path in ("/api/presets", "/static/js/views/lab/main.js",
                 "/static/vendor/plotly.min.js"):
        request = urllib.request.Request(server + path, headers={"accept-encoding": accept})
        with urllib.request.urlopen(request, timeout=30) as reply:
            body = reply.read()
            assert (reply.headers.get("content-encoding") == "gzip") is gzipped, (path, accept)
            assert (body[:2] == b"\x1f\x8b") is gzipped
            if gzipped:
                gzip.decompress(body)


def test_a_client_that_sends_the_whole_oversized_body_first_reads_the_413(
        server: Server) -> None:
    limit = orjson.loads(urllib.request.urlopen(server + "/api/limits").read())["max_body_bytes"]
    body = b'{"input": [[' + b"1," * (limit // 2 + 1000) + b'1]], "kernel": [[1]]}'
    request = urllib.request.Request(server + "/api/conv2d", data=body,
                                     headers={"content-type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:  # not BrokenPipeError
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413
    assert "max_body_bytes" in refused.value.read().decode()


def test_a_url_past_the_parsers_limit_gets_our_error_shape_and_headers(server: Server) -> None:
    answer = raw(server.port, b"GET /?" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    for header in (b"content-security-policy:", b"x-content-type-options: nosniff",
                   b"content-type: application/json"):
        assert header in head
    assert "#" in orjson.loads(body)["detail"][0]["msg"]


def test_a_half_sent_head_is_closed_with_408(server: Server) -> None:
    start = time.monotonic()
    answer = raw(server.port, b"GET /api/health HTTP/1.1\r\nHost: x\r\n", timeout=30)
    took = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408 ") and 9 < took < 20
    assert b"content-security-policy:" in answer


def test_a_body_that_stops_arriving_is_closed_with_408(server: Server) -> None:
    start = time.monotonic()
    answer = raw(server.port, b"POST /api/shape HTTP/1.1\r\nHost: x\r\n"
                              b"content-type: application/json\r\ncontent-length: 100\r\n\r\n"
                              b'{"op": ', timeout=40)
    took = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408 ") and 9 < took < 25, answer[:200]
    assert b"content-security-policy:" in answer


def test_max_unpool2d_refuses_a_huge_output_before_allocating_it(server: Server) -> None:
    body = orjson.dumps({"input": [[1] * 64] * 64, "indices": [[0] * 64] * 64,
                         "kernel_size": 1024, "stride": 1024})
    status, headers, answer = post(server.port, "/api/max_unpool2d", body)
    assert status == 413 and "max_output_cells" in answer.decode()
    assert "content-security-policy" in headers


def test_sigterm_during_a_heavy_request_exits_promptly() -> None:
    port = free_port()
    command = uvicorn_command(port)
    # The tests' server waits 2 s for a lingering response; the product's waits 5 s.
    with running_server(command=command, port=port) as base:
        heavy = orjson.dumps({"input": [[[1] * 79] * 79] * 16,
                              "kernel": [[[[1] * 16] * 16] * 16] * 11, "trace": False})
        sender = subprocess.Popen([sys.executable, "-c", (
            "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request("
            f"'{base}/api/conv2d', data=sys.stdin.buffer.read(), headers={{'content-type': "
            "'application/json'}), timeout=60)")], stdin=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=ROOT)
        assert sender.stdin is not None
        sender.stdin.write(heavy)
        sender.stdin.close()
        time.sleep(0.5)  # the convolution is under way
        start = time.monotonic()
        base.process.send_signal(signal.SIGTERM)
        base.process.wait(timeout=30)
        assert time.monotonic() - start < 8
        sender.kill()
        sender.wait()


def test_a_port_still_answers_health_after_all_this(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass
    assert urllib.request.urlopen(server + "/api/health", timeout=5).status == 200
