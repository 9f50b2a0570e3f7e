"""HTML pages: the lab's views, one page each, sharing base.html and the ES modules.

Each page names its JSON twin (the API endpoint it renders) and restores its
state from the URL. ``VIEWS`` is also the navigation bar, in this order.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.paths import TEMPLATES
from engine.presets import EXAMPLES

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES)


def static_url(path: str) -> str:
    """Root-relative asset URLs. ``url_for`` would write the Host header's scheme and
    name into the page: behind a TLS-terminating balancer the assets would load over
    http and be blocked as mixed content, and no rendered page could be reused."""
    return f"/static/{path}"


templates.env.globals["static"] = static_url


@dataclass(frozen=True)
class View:
    path: str
    template: str
    title: str
    twin: str  # the API endpoint this page renders


VIEWS = (
    View("/", "lab.html", "Convolution", "POST /api/conv2d"),
    View("/transposed", "transposed.html", "Transposed", "POST /api/conv_transpose2d"),
    View("/pool", "pool.html", "Pooling", "POST /api/pool2d"),
    View("/matrix", "matrix.html", "As a matrix", "POST /api/conv2d/matrix"),
    View("/backward", "backward.html", "Backward", "POST /api/conv2d/backward"),
    View("/signal", "signal.html", "Signals", "POST /api/conv1d"),
    View("/volume", "volume.html", "Volumes", "POST /api/conv3d"),
    View("/network", "network.html", "Networks", "POST /api/network"),
    View("/pipeline", "pipeline.html", "Pictures", "POST /api/pipeline"),
    View("/practice", "practice.html", "Practice", "GET /api/exercises/{id}"),
)


@functools.cache  # a page depends on nothing but its view: render it once per process
def _html(view: View) -> bytes:
    return templates.get_template(view.template).render(
        examples=EXAMPLES, views=VIEWS, current=view.path, twin=view.twin).encode()


def _page(view: View) -> Callable[[], Awaitable[HTMLResponse]]:
    async def page() -> HTMLResponse:
        return HTMLResponse(_html(view))
    page.__doc__ = f"{view.title}; its JSON twin is {view.twin}."
    return page


for _view in VIEWS:
    router.add_api_route(_view.path, _page(_view), methods=["GET"], response_class=HTMLResponse,
                         name=f"page:{_view.path}")
