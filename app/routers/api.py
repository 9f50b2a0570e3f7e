"""The JSON API: thin endpoints that validate, call the engine and serialize."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app import __version__, workload
from app.jsonroute import JsonBodyRoute
from app.limits import LIMITS, check_conv2d
from app.render import conv_exact, conv_result, conv_trace, page
from app.schemas.common import ERROR_RESPONSES, TracePage
from app.schemas.conv import Conv2dRequest, Conv2dResponse
from app.schemas.presets import PresetsResponse
from app.schemas.shape import ShapeRequest, ShapeResponse
from app.serialize import dumps, gc_paused, json_response
from engine import InputError, conv_axis, pool_axis, transposed_axis
from engine.conv import Conv2dPlan, plan_conv2d, run_conv2d, run_conv2d_traced
from engine.geometry import AxisArithmetic
from engine.params import AXES, as_sizes, resolve_padding
from engine.presets import EXAMPLES, KERNELS
from engine.signal import padding_1d

router = APIRouter(prefix="/api", tags=["api"], route_class=JsonBodyRoute)
# Routes are matched in the order declared, twice per request (FastAPI selects the
# router, then the route): the busiest come first, after the liveness probe.

# Requests costing more multiply-adds than this, or answering more cells than
# app/workload.py calls light, run in a worker thread, so the event loop keeps
# answering small requests meanwhile (BLAS drops the GIL).
_INLINE_WORK = workload.LIGHT_WORK

# A request whose whole trace fits in one page of at most this many steps gets its
# output from the trace's own sums (one gather instead of im2col, a matrix product
# and a second gather for the trace).
_FUSED_STEPS = 1024

_PRESETS = orjson.dumps({"examples": EXAMPLES, "kernels": KERNELS})


@router.get("/health", summary="Liveness")
async def health() -> dict[str, str]:
    """Answers `{"status": "ok"}` while the server runs."""
    return {"status": "ok", "version": __version__}


@router.post("/conv2d", response_model=Conv2dResponse, responses=ERROR_RESPONSES,
             summary="2-D convolution, step by step")
async def conv2d(request: Conv2dRequest) -> Response:
    """Convolve `input` with `kernel` as `torch.nn.functional.conv2d` does (or as true
    convolution with `flip_kernel`), and explain it: the padded input, the output-size
    arithmetic per axis, and one step per output cell (window, products, partial sums,
    bias, value). Turn the trace off, or page it, for large inputs."""
    plan = plan_conv2d(
        request.input, request.kernel, bias=request.bias, stride=request.stride,
        padding=request.padding, dilation=request.dilation, groups=request.groups,
        padding_mode=request.padding_mode, flip_kernel=request.flip_kernel)
    check_conv2d(plan)
    page(request.trace, plan.n_steps, int(plan.kernel[0].size))  # charges the trace
    ticket = workload.current()
    if ticket is not None and not ticket.heavy:  # small work, small answer: no thread hop
        ticket.inline = True
        body = _conv2d_body(plan, request.trace)
    else:
        body = await run_in_threadpool(_held, plan, request.trace)
    return Response(body, media_type="application/json")


def _held(plan: Conv2dPlan, trace: bool | TracePage) -> bytes:
    workload.charge()  # in this thread, wait for the slot the charges above asked for
    return _conv2d_body(plan, trace)


def _conv2d_body(plan: Conv2dPlan, trace: bool | TracePage) -> bytes:
    with gc_paused(when=plan.multiply_adds > _INLINE_WORK // 100):
        span = page(trace, plan.n_steps, int(plan.kernel[0].size))
        whole = span is not None and span[0] == 0 and span[1] >= plan.n_steps
        if whole and plan.n_steps <= _FUSED_STEPS:
            result, steps = run_conv2d_traced(plan)  # the whole trace, with the output
        else:
            result, steps = run_conv2d(plan), None
        as_int = conv_exact(result)
        body = conv_result(result, as_int)
        body["trace"], body["steps"] = conv_trace(result, trace, as_int, steps)
        data = orjson.dumps(body) if plan.multiply_adds <= _INLINE_WORK // 100 else dumps(body)
        # Freed by reference counting while the collector still sleeps: were the lists
        # alive when it wakes, its first pass would walk every one of them.
        del body
    return data


@router.post("/shape", response_model=ShapeResponse, responses=ERROR_RESPONSES,
             summary="Output-size arithmetic, explained")
async def shape(request: ShapeRequest) -> Response:
    """The output size of `conv2d`, `conv_transpose2d` or `pool2d` (or their 1-D forms
    `conv1d`, `conv_transpose1d`, `pool1d`, or `conv3d`) for the given sizes and
    parameters, per axis with the formula (Dumoulin & Visin's Relationship, and the
    lecture decks' notation), the numbers substituted and what the floor dropped."""
    try:
        arithmetic = _shape_arithmetic(request)
    except InputError as error:
        # The engine names the matrices (kernel, input); this request gives their sizes.
        if error.field in _SIZE_FIELDS:
            raise InputError(_SIZE_FIELDS[error.field], error.message) from None
        raise
    return json_response({
        "op": request.op, "output_size": [a.output_size for a in arithmetic],
        "arithmetic": arithmetic,
        "explanation": " ".join(a.explanation for a in arithmetic),
    })


_SIZE_FIELDS = {"kernel": "kernel_size", "input": "input_size"}


# Spatial axes of each operation /api/shape answers for.
_SHAPE_AXES = {"conv1d": 1, "conv_transpose1d": 1, "pool1d": 1, "conv2d": 2,
               "conv_transpose2d": 2, "pool2d": 2, "conv3d": 3}


def _shape_arithmetic(request: ShapeRequest) -> tuple[AxisArithmetic, ...]:
    ndim = _SHAPE_AXES[request.op]
    axes = AXES[ndim]
    size = as_sizes(request.input_size, "input_size", ndim=ndim, minimum=1)
    kernel = as_sizes(request.kernel_size, "kernel_size", ndim=ndim, minimum=1)
    pooling = request.op.startswith("pool")
    default_stride = request.kernel_size if pooling else 1
    stride = as_sizes(request.stride if request.stride is not None else default_stride,
                      "stride", ndim=ndim, minimum=1)
    dilation = as_sizes(request.dilation, "dilation", ndim=ndim, minimum=1)
    if request.op in ("conv1d", "conv2d", "conv3d"):
        if request.op == "conv1d":
            pads: tuple[tuple[int, int], ...] = (padding_1d(
                request.padding, kernel[0], dilation[0], stride[0]),)
        elif request.padding == "causal":
            raise InputError("padding", '"causal" applies to conv1d only')
        else:
            pads = resolve_padding(request.padding, kernel_size=kernel, dilation=dilation,
                                   stride=stride)
        return tuple(conv_axis(axes[i], input_size=size[i], kernel_size=kernel[i],
                               stride=stride[i], padding=pads[i], dilation=dilation[i],
                               op=request.op if ndim != 2 else "conv2d")
                     for i in range(ndim))
    if isinstance(request.padding, str):
        raise InputError("padding", f'"{request.padding}" applies to conv1d, conv3d and conv2d '
                         f"only; give an integer or one per axis ({', '.join(axes)})")
    pad = as_sizes(request.padding, "padding", ndim=ndim, minimum=0)
    if request.op.startswith("conv_transpose"):
        extra = as_sizes(request.output_padding, "output_padding", ndim=ndim, minimum=0)
        return tuple(transposed_axis(
            axes[i], input_size=size[i], kernel_size=kernel[i], stride=stride[i],
            padding=pad[i], dilation=dilation[i], output_padding=extra[i])
            for i in range(ndim))
    return tuple(pool_axis(
        axes[i], input_size=size[i], kernel_size=kernel[i], stride=stride[i],
        padding=pad[i], dilation=dilation[i], ceil_mode=request.ceil_mode)
        for i in range(ndim))


@router.get("/limits", summary="The size limits in force")
async def limits() -> dict[str, int]:
    """Every size limit of the API; a request over one is refused with 413 naming it."""
    return dict(LIMITS.__dict__)


@router.get("/presets", response_model=PresetsResponse, summary="Lecture examples and kernels")
async def presets() -> Response:
    """Every worked example of the lecture decks, as a request body for its endpoint
    with the output the slide states, and the classic named kernels."""
    return Response(_PRESETS, media_type="application/json")
