"""The app factory: API, pages, static and vendored files, middleware (the ``convviz``
command is app/cli.py)."""

from __future__ import annotations

import functools
import gc
import gzip
import os
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
import plotly
from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app import __version__, errors
from app.bodylimit import BodyLimit
from app.limits import LIMITS
from app.negotiation import HttpSemantics
from app.paths import STATIC
from app.routers import (
    api,
    code,
    exercises,
    figure,
    images,
    matrix,
    network,
    pages,
    pipeline,
    pool,
    signal,
    stages,
    transposed,
    volume,
)
from app.security import SecurityHeaders, frame_ancestors
from app.staticfiles import MemoryStaticFiles
from app.workload import WorkloadMiddleware

_OFFLINE = Path(fastapi_offline.__file__).parent / "static"
# Third-party assets served from installed packages: lecture halls have no internet.
VENDOR = {
    "plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
    "swagger-ui-bundle.js": _OFFLINE / "swagger-ui-bundle.js",
    "swagger-ui.css": _OFFLINE / "swagger-ui.css",
    "redoc.standalone.js": _OFFLINE / "redoc.standalone.js",
    "favicon.png": _OFFLINE / "favicon.png",
}

DESCRIPTION = """
Convolution arithmetic, step by step: a NumPy engine that computes 2-D convolution
(stride, padding, dilation, channels, groups, bias, true convolution or
cross-correlation), transposed convolution, max/average/min pooling and
max-unpooling, convolution as a matrix (the sparse C, im2col) and the backward pass,
1-D convolution of signals (causal padding too), whole networks (shapes, parameters,
MACs, receptive fields), and pictures through a chain of stages (activations, batch and
local response normalisation, deck 003's contrast normalisation, pooling, dropout, linear)
forward and backward with every chain-rule step; and explains every output cell and
every output size. Sample pictures, the PyTorch and NumPy code behind a request, and
seeded exercises with answer keys, grading and worksheet exports (JSON, Markdown, Moodle
XML, GIFT).

Parameter names follow `torch.nn.functional`; `kernel` is PyTorch's `weight`.
Indices in JSON are 0-based. Errors share one shape: `{"detail": [{"loc", "msg",
"type"}]}`, 422 for invalid input and 413 for a request over a size limit
(`GET /api/limits` lists them).
"""


SWITCH_INTERVAL_S = float(os.environ.get("CONVVIZ_SWITCH_INTERVAL_S", "0.001"))
_MEDIA = {"js": "text/javascript", "css": "text/css"}


# Compressed once per process, in a thread started with the app, so that no request
# pays for it (plotly.min.js is 4.8 MB: 0.2–0.4 s of CPU) and start-up does not wait.
_GZIPPED: dict[str, bytes] = {}
_gzip_lock = threading.Lock()


# ReDoc's sidebar draws Redocly's logo from their CDN: the one thing a docs page would
# ask of the internet (a CSP error in the console, and nothing in a lecture hall).
_OFFLINE_URLS = {"redoc.standalone.js": [(b"https://cdn.redoc.ly/redoc/logo-mini.svg",
                                          b"/static/vendor/favicon.png")]}


@functools.cache
def _vendor_bytes(name: str) -> bytes:
    body = VENDOR[name].read_bytes()
    for remote, local in _OFFLINE_URLS.get(name, []):
        body = body.replace(remote, local)
    return body


def _gzipped(name: str) -> bytes:
    with _gzip_lock:  # one compression per file, however many ask at once
        if name not in _GZIPPED:
            _GZIPPED[name] = gzip.compress(_vendor_bytes(name), compresslevel=6)
        return _GZIPPED[name]


def _compress_vendor() -> None:
    for name in VENDOR:
        if name.endswith((".js", ".css")):
            _gzipped(name)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Objects made at start-up live for the whole process: keep them out of
    # the collector's way (p99 latency, PERFORMANCE.md).
    gc.collect()
    gc.freeze()
    # A heavy request builds its JSON in a worker thread, holding the GIL; the event
    # loop gets it back at each switch interval, several times per small request.
    # 1 ms instead of 5 ms took /api/health's p99 beside back-to-back 36 MB traces
    # from 68 ms to the figure in the README, for ~1% of the heavy request's time.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    threading.Thread(target=_compress_vendor, name="convviz-gzip", daemon=True).start()
    yield


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """Put the routes of ``router`` on the app itself, where ``include_router`` would nest it.

    FastAPI 0.16x keeps an included router as one route that it matches twice per
    request, walking the router's routes each time: behind six routers a static file
    or a page paid ~45 µs of routing, more than serving it. The routes are complete
    already (their router gave them its prefix, tags and route class), so the OpenAPI
    schema is the same (tests/app/test_pages_and_docs.py compares the two).
    """
    app.router.routes.extend(router.routes)


# In the order routes are matched: the busiest first (api's conv2d), the pages last.
ROUTERS = (api.router, matrix.router, transposed.router, pool.router, network.router,
           signal.router, volume.router, stages.router, pipeline.router, images.router, code.router,
           figure.router,
           exercises.router, pages.router)


def create_app() -> FastAPI:
    """Build the application: API, pages, static files, middleware."""
    app = FastAPI(title="convviz", version=__version__, description=DESCRIPTION,
                  lifespan=_lifespan, docs_url=None, redoc_url=None)
    errors.install(app)
    for router in ROUTERS:
        add_routes(app, router)

    @app.get("/static/vendor/{name}", include_in_schema=False)
    async def vendor(name: str, request: Request) -> Response:
        if name not in VENDOR:
            raise HTTPException(404)
        headers = {"cache-control": "public, max-age=86400", "vary": "accept-encoding"}
        if "gzip" in request.headers.get("accept-encoding", "") and name.endswith((".js", ".css")):
            # Compressed once per process: plotly.min.js is 4.8 MB, ~0.2 s of CPU to gzip.
            body = _GZIPPED.get(name) or await run_in_threadpool(_gzipped, name)
            return Response(body, headers=headers | {"content-encoding": "gzip"},
                            media_type=_MEDIA[name.rsplit(".", 1)[1]])
        media = _MEDIA.get(name.rsplit(".", 1)[1]) or "image/png"
        return Response(await run_in_threadpool(_vendor_bytes, name), headers=headers,
                        media_type=media)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="convviz API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/vendor/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title="convviz API",
                              redoc_js_url="/static/vendor/redoc.standalone.js",
                              redoc_favicon_url="/static/vendor/favicon.png",
                              with_google_fonts=False)

    # From memory: no thread hops under load, no request path reaches the disk.
    app.mount("/static", MemoryStaticFiles(STATIC), name="static")
    # Middleware, innermost first: the last added sees a request first.
    origins = [o.strip() for o in os.environ.get("CONVVIZ_CORS_ORIGINS", "").split(",")
               if o.strip()]
    if origins:  # CORS is off unless origins are configured
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["content-type"])
    app.add_middleware(WorkloadMiddleware)  # a ticket per request, its slot freed at the end
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    app.add_middleware(BodyLimit, max_bytes=LIMITS.max_body_bytes)
    app.add_middleware(HttpSemantics)  # HEAD wherever GET; Accept-Encoding's q-values
    # Outermost: refusals (413, CORS preflight) get the headers too.
    app.add_middleware(SecurityHeaders,
                       ancestors=frame_ancestors(os.environ.get("CONVVIZ_FRAME_ANCESTORS")))
    return app
