"""POST /api/figure: a view's stage at a step as SVG, PNG, GIF or TikZ, drawn on the
server from the same answer the view's own endpoint gives the page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import APIRouter, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from app import workload
from app.figure import chains, matrices, raster, scatter, svg, tikz, windows
from app.figure.draw import Panel, compose
from app.figure.scene import Scene
from app.figure.style import THEMES
from app.jsonroute import JsonBodyRoute
from app.limits import LIMITS, check_limit
from app.routers import api, matrix, network, pipeline, pool, signal, transposed, volume
from app.schemas.common import ERROR_RESPONSES
from app.schemas.conv import Conv2dRequest
from app.schemas.figure import FigureRequest
from app.schemas.matrix import BackwardRequest, MatrixRequest
from app.schemas.network import NetworkRequest
from app.schemas.pipeline import PipelineRequest
from app.schemas.pool import MaxUnpool2dRequest, Pool2dRequest
from app.schemas.signal import Conv1dRequest
from app.schemas.transposed import ConvTranspose2dRequest
from app.schemas.volume import Conv3dRequest
from engine.errors import InputError

router = APIRouter(prefix="/api", tags=["figures"], route_class=JsonBodyRoute)

Layout = tuple[str, list[Panel], list[str]]


@dataclass(frozen=True)
class View:
    model: type[BaseModel]
    endpoint: Callable[[Any], Awaitable[Response]]
    draw: Callable[[dict[str, Any], dict[str, Any], int], Layout]  # (body, answer, step)
    traced: bool = True  # stepped by the endpoint's trace page (else: layers, stages)
    history: bool = False  # the step is drawn with every step before it (a scatter's)


VIEWS: dict[str, View] = {
    "conv2d": View(Conv2dRequest, api.conv2d, windows.conv2d),
    "conv1d": View(Conv1dRequest, signal.conv1d, windows.conv1d),
    "conv3d": View(Conv3dRequest, volume.conv3d, windows.conv3d),
    "pool2d": View(Pool2dRequest, pool.pool2d_endpoint, windows.pool2d),
    "conv_transpose2d": View(ConvTranspose2dRequest, transposed.conv_transpose2d_endpoint,
                             scatter.conv_transpose2d),
    "max_unpool2d": View(MaxUnpool2dRequest, pool.max_unpool2d_endpoint, scatter.max_unpool2d,
                         history=True),
    "conv2d/matrix": View(MatrixRequest, matrix.conv2d_matrix_endpoint, matrices.matrix),
    "conv2d/backward": View(BackwardRequest, matrix.conv2d_backward_endpoint,
                            matrices.backward),
    "network": View(NetworkRequest, network.network, chains.network, traced=False),
    "pipeline": View(PipelineRequest, pipeline.pipeline_endpoint, chains.pipeline,
                     traced=False),
}

# A figure drawing more numbers than this (a 24×24 map and its output, say) takes one
# of the worker's heavy slots (app/workload.py) while it is drawn.
_LIGHT_CELLS = 2_000

MEDIA = {"svg": "image/svg+xml", "png": "image/png", "gif": "image/gif",
         "tikz": "application/x-tex"}
SUFFIX = {"svg": "svg", "png": "png", "gif": "gif", "tikz": "tex"}


def _parsed(view: View, body: dict[str, Any]) -> BaseModel:
    try:
        return view.model.model_validate(body)
    except ValidationError as error:
        raise RequestValidationError([{**e, "loc": ("body", "request", *e["loc"])}
                                      for e in error.errors()]) from None


async def _answer(view: View, body: dict[str, Any]) -> dict[str, Any]:
    try:
        response = await view.endpoint(_parsed(view, body))
    except InputError as error:  # the inner request's fault: named under "request"
        error.loc = ("request", *getattr(error, "loc", (error.field,)))  # type: ignore[attr-defined]
        raise
    answer: dict[str, Any] = orjson.loads(bytes(response.body))
    return answer


def _steps(request: FigureRequest, answer: dict[str, Any]) -> int:
    if request.view == "conv2d/backward":  # ΔX's steps, then ΔW's
        return int(answer["trace"]["total"]) + int(answer["kernel_trace"]["total"])
    if VIEWS[request.view].traced:
        return int(answer["trace"]["total"])
    return len(answer["layers"] if request.view == "network" else answer["stages"])


_NOT_DRAWN = ("steps", "kernel_steps", "arithmetic", "equivalent", "full_convolution",
              "symbolic", "formulas")


def _cells(answer: Any) -> int:
    """How many numbers an answer's maps hold: a bound on the cells one frame draws."""
    if isinstance(answer, list):
        return sum(_cells(v) for v in answer)
    if isinstance(answer, dict):
        return sum(_cells(v) for k, v in answer.items() if k not in _NOT_DRAWN)
    return 1


def _scenes(request: FigureRequest, body: dict[str, Any], answer: dict[str, Any],
            steps: range) -> list[Scene]:
    view = VIEWS[request.view]
    theme = THEMES[request.theme]
    scenes = []
    for k in steps:
        heading, panels, lines = view.draw(body, answer, k)
        scenes.append(compose(theme, f"convviz {request.view} figure: {heading}", panels,
                              lines, heading=heading))
    return scenes


def _draw(request: FigureRequest, body: dict[str, Any], answer: dict[str, Any],
          frames: range) -> bytes:
    """In a worker thread, holding a heavy slot when the figure is large: the scenes,
    their pixels checked against the limit, then the file."""
    workload.charge()  # waits here for the slot the charge before the thread asked for
    scenes = _scenes(request, body, answer, frames)
    if request.format in ("png", "gif"):
        scale = _scale(request)
        pixels = sum(round(s.width * scale) * round(s.height * scale) for s in scenes)
        check_limit(("scale",), "the pixels of this figure (a lower scale, or fewer steps, "
                                "draws fewer)", pixels, "max_figure_pixels")
    return _render(request, scenes)


def _scale(request: FigureRequest) -> float:
    if request.scale is not None:
        return request.scale
    return 1.0 if request.format == "gif" else 2.0


def _render(request: FigureRequest, scenes: list[Scene]) -> bytes:
    if request.format == "svg":
        return svg.render(scenes[0])
    if request.format == "png":
        return raster.png(scenes[0], _scale(request))
    if request.format == "gif":
        return raster.gif(scenes, _scale(request), request.frame_ms)
    return tikz.render(scenes[0]).encode()


async def _fetch(request: FigureRequest, view: View) -> tuple[dict[str, Any], dict[str, Any]]:
    """The view's endpoint answer with the trace page the figure draws."""
    body = dict(request.request)
    gif = request.format == "gif"
    if view.traced:
        if view.history and request.step >= LIMITS.max_trace_steps:
            raise InputError("step", f"a scatter's step is drawn with every step before it: "
                                     f"at most {LIMITS.max_trace_steps - 1:,} here")
        first = 0 if gif or view.history else request.step
        body["trace"] = {"start": first, "limit": LIMITS.max_figure_frames if gif
                         else request.step + 1 - first}
    elif request.view == "pipeline":
        body |= {"trace": False, "outputs": True}
    try:
        return body, await _answer(view, body)
    except InputError as error:
        if gif or getattr(error, "field", "") != "trace":
            raise
        raise InputError("step", error.message.replace("start ", "")) from None


async def _backward(request: FigureRequest, view: View
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The backward page steps through ΔX (one step per ΔY cell) and then ΔW (one per
    weight): a first answer counts both, a second holds the page of the step drawn."""
    one = {"start": 0, "limit": 1}
    body = {**request.request, "full_convolution_trace": False}
    probe = await _answer(view, {**body, "trace": one, "kernel_trace": one})
    nx, nw = probe["trace"]["total"], probe["kernel_trace"]["total"]
    if request.format == "gif":
        check_limit(("format",), "the frames of this gif (one per step)", nx + nw,
                    "max_figure_frames")
        pages: dict[str, Any] = {"trace": {"start": 0, "limit": max(1, nx)},
                                 "kernel_trace": {"start": 0, "limit": max(1, nw)}}
    elif request.step < nx:
        pages = {"trace": {"start": request.step, "limit": 1}, "kernel_trace": False}
    elif request.step < nx + nw:
        pages = {"trace": False, "kernel_trace": {"start": request.step - nx, "limit": 1}}
    else:
        raise InputError("step", f"{request.step} is outside the {nx + nw} steps (ΔX's "
                                 f"{nx}, then ΔW's {nw})")
    body |= pages
    return body, await _answer(view, body)


@router.post("/figure", responses={**ERROR_RESPONSES, 200: {"content": {
    m: {} for m in MEDIA.values()}, "description": "The figure"}},
    summary="A view's stage as SVG, PNG, GIF or TikZ", response_class=Response)
async def figure(request: FigureRequest) -> Response:
    """Draw `view`'s stage for `request` (that view's own body) at `step`, with the page's
    colours, labels and numbers: SVG with text as text, PNG, an animated GIF of every
    step (one frame each, up to `max_figure_frames`), or a standalone TikZ document that
    compiles with pdflatex. Step 0 of the stride-3 example is h₁₁ = 3·1 + 2·2 + … = 52."""
    view = VIEWS[request.view]
    gif = request.format == "gif"
    if request.view != "pipeline":  # its picture is drawn as block averages: counted after
        check_limit(("request",), "the numbers this figure would draw (the request's "
                                  "own, at least)", _cells(request.request), "max_figure_cells")
    if request.view == "conv2d/backward":
        body, answer = await _backward(request, view)
    else:
        body, answer = await _fetch(request, view)
    total = _steps(request, answer)
    if gif:
        check_limit(("format",), "the frames of this gif (one per step)", total,
                    "max_figure_frames")
        frames = range(total)
    else:
        if request.step >= total:
            raise InputError("step", f"{request.step} is outside the {total} steps "
                                     f"(0 to {total - 1})")
        frames = range(request.step, request.step + 1)
    cells = (chains.drawn_cells(answer) if request.view == "pipeline" else _cells(answer)) \
        * len(frames)
    check_limit(("request",), "the numbers this figure would draw", cells, "max_figure_cells")
    if cells > _LIGHT_CELLS:  # drawing is CPU work in Python: a large figure is heavy
        workload.charge(work=workload.LIGHT_WORK + 1)
    data = await run_in_threadpool(_draw, request, body, answer, frames)
    name = f"convviz-{request.view.replace('/', '-')}" + ("" if gif else f"-step{request.step + 1}")
    return Response(data, media_type=MEDIA[request.format], headers={
        "Content-Disposition": f'inline; filename="{name}.{SUFFIX[request.format]}"'})
