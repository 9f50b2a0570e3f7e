"""Health, presets, the OpenAPI document and offline assets."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import ROUTERS, create_app
from engine.presets import EXAMPLES, KERNELS


def test_health(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok", "version": "0.1.0"}


def test_presets_hold_every_example_and_kernel(client: TestClient) -> None:
    body = client.get("/api/presets").json()
    assert [e["id"] for e in body["examples"]] == [e["id"] for e in EXAMPLES]
    names = {k["id"] for k in body["kernels"]}
    assert {"identity", "box-blur", "gaussian", "sharpen", "sobel-x", "sobel-y", "scharr-x",
            "scharr-y", "vertical-edge", "horizontal-edge", "laplacian", "emboss"} <= names
    assert len(body["kernels"]) == len(KERNELS)


def test_every_conv2d_preset_reproduces_its_slide_through_the_api(client: TestClient) -> None:
    examples = client.get("/api/presets").json()["examples"]
    checked = 0
    for example in examples:
        if example["op"] != "conv2d" or example["expected_output"] is None:
            continue
        response = client.post("/api/conv2d", json=example["params"] | {"trace": False})
        assert response.json()["output"] == example["expected_output"], example["id"]
        checked += 1
    assert checked >= 8


def test_openapi_documents_every_field(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    props = schema["components"]["schemas"]["Conv2dRequest"]["properties"]
    for name in ("input", "kernel", "bias", "stride", "padding", "dilation", "groups",
                 "padding_mode", "flip_kernel", "trace"):
        assert props[name].get("description"), name
    assert set(schema["paths"]) >= {"/api/health", "/api/conv2d", "/api/shape", "/api/presets",
                                    "/api/limits"}
    responses = schema["paths"]["/api/conv2d"]["post"]["responses"]
    assert {"200", "413", "422"} <= set(responses)


def test_routes_on_the_app_document_what_included_routers_would() -> None:
    """add_routes (flat, for speed) against FastAPI's include_router: the same OpenAPI
    document, and the same routes answering."""
    flat = create_app()
    nested = FastAPI(title=flat.title, version=flat.version, description=flat.description)
    for router in ROUTERS:
        nested.include_router(router)
    assert flat.openapi() == nested.openapi()
    names = {getattr(r, "name", None) for r in flat.routes}
    assert {"page:/", "page:/practice", "conv2d", "static"} <= names


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_load_their_assets_locally(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert "cdn" not in html.lower() and "googleapis" not in html
    for asset in ("/static/vendor/swagger-ui-bundle.js", "/static/vendor/redoc.standalone.js"):
        if asset in html:
            assert client.get(asset).status_code == 200


def test_plotly_is_served_from_the_installed_package(client: TestClient) -> None:
    response = client.get("/static/vendor/plotly.min.js", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.content) > 1_000_000
    assert response.content.startswith(b"/**") and b"plotly" in response.content[:2000]
    assert client.get("/static/vendor/nope.js").status_code == 404


def test_limits_are_published(client: TestClient) -> None:
    limits = client.get("/api/limits").json()
    assert limits["max_body_bytes"] > 0 and limits["max_trace_steps"] > 0


@pytest.mark.parametrize("path", ["/", "/transposed", "/pool", "/matrix", "/backward",
                                  "/practice"])
def test_pages_link_assets_by_root_relative_urls(client: TestClient, path: str) -> None:
    """No scheme or host in the page: behind a TLS-terminating proxy the assets load
    from the page's own origin, and a rendered page can be served to every client."""
    html = client.get(path, headers={"host": "lecture.example:8443"}).text
    assert "lecture.example" not in html and "http://" not in html
    assert 'href="/static/css/base.css"' in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset
