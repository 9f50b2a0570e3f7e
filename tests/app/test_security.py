"""Security headers, CSP, escaping, CORS, path traversal and gzip, on the server side.

The browser side (no script runs from a malicious preset, cell or URL) is the
browser tests' job; here: what the server sends.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.routers import pages
from tests.server import Server, running_server

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
EVIL = "https://evil.example"


def csp(response: Any) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S | re.I)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def assert_strict(response: Any) -> None:
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["script-src"][0] == "'self'"
    every_source = [s for sources in policy.values() for s in sources]
    assert "'unsafe-eval'" not in every_source
    assert "'unsafe-inline'" not in policy["script-src"]
    # No third-party origin anywhere: only keywords, hashes and the data:/blob: schemes.
    assert all(s.startswith("'") or s in {"data:", "blob:"} for s in every_source), every_source
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("GET", "/", None, 200),
    ("GET", "/api/health", None, 200),
    ("GET", "/openapi.json", None, 200),
    ("GET", "/static/css/base.css", None, 200),
    ("GET", "/static/vendor/plotly.min.js", None, 200),
    ("POST", "/api/conv2d", {"input": [[1]], "kernel": [[1]]}, 200),
    ("POST", "/api/conv2d", {"input": [[1]]}, 422),
    ("GET", "/api/nope", None, 404),
    ("GET", "/api/conv2d", None, 405),
])
def test_every_kind_of_response_carries_the_security_headers(
        client: TestClient, method: str, path: str, body: Any, status: int) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == status
    assert_strict(response)
    assert csp(response)["script-src"] == ["'self'"]


def test_a_body_refused_for_its_size_carries_the_headers_too(client: TestClient) -> None:
    response = client.post("/api/conv2d", content=b"[" * (9 * 1024 * 1024),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert_strict(response)


def test_style_src_allows_inline_styles_only_because_plotly_needs_them(
        client: TestClient) -> None:
    policy = csp(client.get("/"))
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["connect-src"] == ["'self'"]


def test_the_lab_page_has_no_inline_script_and_only_same_origin_assets(
        client: TestClient) -> None:
    html = client.get("/").text
    assert inline_scripts(html) == []
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for url in sources:
        assert url.startswith(("/", "#", "data:")) or url.startswith("http://testserver/"), url


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_doc_pages_allow_exactly_their_own_inline_scripts_by_hash(
        client: TestClient, path: str, encoding: str) -> None:
    response = client.get(path, headers={"accept-encoding": encoding})
    assert response.status_code == 200
    assert_strict(response)
    scripts = inline_scripts(response.text)
    assert len(scripts) == (1 if path == "/docs" else 0)  # Swagger UI boots inline
    assert csp(response)["script-src"] == ["'self'"] + [sha256(s) for s in scripts]
    workers = csp(response)["worker-src"]
    assert workers == (["'self'", "blob:"] if path == "/redoc" else ["'self'"])


def test_templates_autoescape_html() -> None:
    autoescape = pages.templates.env.autoescape
    assert callable(autoescape) and autoescape("lab.html") is True


def test_a_malicious_preset_name_is_rendered_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    evil: dict[str, Any] = {"id": '"><script>alert(1)</script>', "name": PAYLOAD,
                            "deck": "<b>001</b>", "op": "conv2d", "params": {},
                            "expected_output": None}
    monkeypatch.setattr(pages, "EXAMPLES", [evil])
    pages._html.cache_clear()  # pages are rendered once per process
    try:
        with TestClient(create_app()) as client:
            html = client.get("/").text
    finally:
        pages._html.cache_clear()
    assert PAYLOAD not in html and "<script>alert" not in html and "<b>001" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_url_state_is_not_reflected_into_the_page(client: TestClient) -> None:
    response = client.get("/", params={"input": PAYLOAD, "kernel": PAYLOAD, "step": PAYLOAD})
    assert response.status_code == 200
    assert "alert" not in response.text


def post_routes(client: TestClient) -> list[str]:
    paths = client.get("/openapi.json").json()["paths"]
    return [path for path, ops in paths.items() if "post" in ops]


def test_no_error_echoes_markup_as_html(client: TestClient) -> None:
    routes = post_routes(client)
    assert "/api/conv2d" in routes and "/api/pool2d" in routes
    bodies: list[Any] = [
        {PAYLOAD: 1},
        {"input": [[PAYLOAD]], "kernel": [[1]], "mode": PAYLOAD, "padding_mode": PAYLOAD,
         "op": PAYLOAD, "padding": PAYLOAD},
        PAYLOAD,
    ]
    for route in routes:
        for body in bodies:
            response = client.post(route, json=body)
            assert 400 <= response.status_code < 500, (route, body)
            assert response.headers["content-type"] == "application/json", route
            assert response.headers["x-content-type-options"] == "nosniff"
            assert isinstance(response.json()["detail"], list)
    for response in (client.get("/" + PAYLOAD), client.get("/api/" + PAYLOAD),
                     client.get("/static/" + PAYLOAD)):
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"


def test_cors_is_off_by_default(client: TestClient) -> None:
    preflight = client.options("/api/conv2d", headers={
        "origin": EVIL, "access-control-request-method": "POST",
        "access-control-request-headers": "content-type"})
    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
    simple = client.get("/api/health", headers={"origin": EVIL})
    assert simple.status_code == 200
    assert not any(h.startswith("access-control-") for h in simple.headers)


def test_cors_allows_exactly_the_configured_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVVIZ_CORS_ORIGINS", "https://course.example, https://lab.example")
    with TestClient(create_app()) as client:
        for origin in ("https://course.example", "https://lab.example"):
            preflight = client.options("/api/conv2d", headers={
                "origin": origin, "access-control-request-method": "POST",
                "access-control-request-headers": "content-type"})
            assert preflight.status_code == 200
            assert preflight.headers["access-control-allow-origin"] == origin
            assert "POST" in preflight.headers["access-control-allow-methods"]
            response = client.post("/api/conv2d", headers={"origin": origin},
                                   json={"input": [[2]], "kernel": [[3]], "trace": False})
            assert response.json()["output"] == [[6]]
            assert response.headers["access-control-allow-origin"] == origin
            assert_strict(preflight)
        refused = client.options("/api/conv2d", headers={
            "origin": EVIL, "access-control-request-method": "POST"})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        other = client.get("/api/health", headers={"origin": EVIL})
        assert "access-control-allow-origin" not in other.headers


def test_large_responses_are_gzipped_and_small_ones_are_not(client: TestClient) -> None:
    body = {"input": [[(r * 7 + c) % 10 for c in range(32)] for r in range(32)],
            "kernel": [[1, 0, -1]] * 3}
    plain = client.post("/api/conv2d", json=body, headers={"accept-encoding": "identity"})
    zipped = client.post("/api/conv2d", json=body, headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()  # httpx decoded it
    assert int(zipped.headers["content-length"]) < len(plain.content) / 5
    small = client.get("/api/health", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers


# -- path traversal, over a real socket so that no client normalizes the path first ---------

@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as base:
        yield base


def raw_get(server: Server, target: str) -> tuple[int, bytes]:
    request = (f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               f"Accept-Encoding: identity\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


SECRETS = (b"[build-system]", b"def create_app", b"root:", b"class Limits", b"convviz")
TRAVERSALS = [
    "/static/../pyproject.toml",
    "/static/../../etc/passwd",
    "/static/%2e%2e/pyproject.toml",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2fpyproject.toml",
    "/static/css/..%2f..%2fapp%2fmain.py",
    "/static/%2e%2e%2fapp%2flimits.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..\\..\\pyproject.toml",
    "/static/vendor/../../pyproject.toml",
    "/static/vendor/..%2f..%2fpyproject.toml",
    "/static/vendor/%2e%2e%2f%2e%2e%2fapp%2fmain.py",
    "/static/vendor/%2fetc%2fpasswd",
    "/static/vendor/plotly.min.js%00.txt",
    "/static/vendor/plotly.min.js/../../../pyproject.toml",
    "/static/js/..%252f..%252fpyproject.toml",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_static_paths_cannot_leave_their_folders(server: Server, target: str) -> None:
    status, body = raw_get(server, target)
    assert status in {400, 404}, (target, status, body[:200])
    for secret in SECRETS[:4]:
        assert secret not in body, target
    assert json.loads(body)["detail"][0]["type"] in {"http_404", "http_400"}


def test_static_files_are_still_served(server: Server) -> None:
    status, body = raw_get(server, "/static/css/base.css")
    assert status == 200 and b"{" in body
    status, body = raw_get(server, "/static/vendor/plotly.min.js")
    assert status == 200 and len(body) > 1_000_000
    status, body = raw_get(server, "/static/vendor/swagger-ui.css")
    assert status == 200 and gzip.compress(body)


def test_static_files_come_from_memory_with_etag_gzip_and_head(client: TestClient) -> None:
    from app.paths import STATIC

    on_disk = (STATIC / "css" / "base.css").read_bytes()
    first = client.get("/static/css/base.css", headers={"accept-encoding": "gzip"})
    assert first.status_code == 200 and first.content == on_disk
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["content-type"] == "text/css; charset=utf-8"
    assert int(first.headers["content-length"]) < len(on_disk) / 2
    again = client.get("/static/css/base.css", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = client.head("/static/js/views/lab/main.js", headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == "text/javascript; charset=utf-8"
    lab_js = STATIC / "js" / "views" / "lab" / "main.js"
    assert int(head.headers["content-length"]) == lab_js.stat().st_size
    post = client.post("/static/js/views/lab/main.js")
    assert post.status_code == 405 and post.json()["detail"][0]["type"] == "http_405"
    assert client.get("/static/js").status_code == 404
    assert client.get("/static/").status_code == 404


def test_named_origins_may_frame_and_nothing_else_changes(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("CONVVIZ_FRAME_ANCESTORS",
                       "https://moodle.example.edu  http://localhost:8001")
    client = TestClient(create_app())
    for path in ("/", "/api/health", "/docs"):
        response = client.get(path)
        assert csp(response)["frame-ancestors"] == ["https://moodle.example.edu",
                                                    "http://localhost:8001"]
        assert "x-frame-options" not in response.headers
        assert csp(response)["script-src"][0] == "'self'"


@pytest.mark.parametrize("value", ["*", "'none'", "https://a.example/path", "javascript:x",
                                   "moodle.example.edu"])
def test_a_frame_ancestor_that_is_not_an_origin_stops_the_start(
        monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CONVVIZ_FRAME_ANCESTORS", value)
    with pytest.raises(ValueError, match="CONVVIZ_FRAME_ANCESTORS"):
        create_app()
