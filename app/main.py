"""The app factory and the ``convviz`` console command."""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import plotly
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from app import __version__, errors
from app.bodylimit import BodyLimit
from app.limits import LIMITS
from app.paths import STATIC
from app.routers import api, pages

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

DESCRIPTION = """
Convolution arithmetic, step by step: a NumPy engine that computes 2-D convolution
(stride, padding, dilation, channels, groups, bias, true convolution or
cross-correlation) and explains every output cell and every output size.

Parameter names follow `torch.nn.functional`; `kernel` is PyTorch's `weight`.
Indices in JSON are 0-based. Errors share one shape: `{"detail": [{"loc", "msg",
"type"}]}`, 422 for invalid input and 413 for a request over a size limit
(`GET /api/limits` lists them).
"""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Objects made at start-up live for the whole process: keep them out of
    # the collector's way (p99 latency, PERFORMANCE.md).
    gc.collect()
    gc.freeze()
    yield


def create_app() -> FastAPI:
    """Build the application: API, pages, static files, middleware."""
    app = FastAPI(title="convviz", version=__version__, description=DESCRIPTION,
                  lifespan=_lifespan)
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    async def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    origins = [o for o in os.environ.get("CONVVIZ_CORS_ORIGINS", "").split(",") if o]
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["content-type"])
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimit, max_bytes=LIMITS.max_body_bytes)
    return app


def run() -> None:
    """Serve the app with uvicorn (``convviz --help``)."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="convviz", description="Serve convviz.")
    parser.add_argument("--host", default=os.environ.get("CONVVIZ_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONVVIZ_PORT", "8000")))
    parser.add_argument("--workers", type=int,
                        default=int(os.environ.get("CONVVIZ_WORKERS", "1")))
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    uvicorn.run("app.main:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, timeout_graceful_shutdown=5)
