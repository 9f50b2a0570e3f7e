"""POST /api/conv3d: a volume's convolution, step by step, through the same index map and
the same plan as 2-D (three axes: depth, height, width)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.jsonroute import JsonBodyRoute
from app.limits import check_conv2d
from app.render import conv_exact, conv_result, page, trace_info
from app.schemas.common import ERROR_RESPONSES
from app.schemas.volume import Conv3dRequest
from app.serialize import dumps, gc_paused, lists
from engine.conv import conv2d_trace, plan_conv3d, run_conv2d
from engine.errors import InputError

router = APIRouter(prefix="/api", tags=["volumes"], route_class=JsonBodyRoute)


def _answer(request: Conv3dRequest) -> bytes:
    plan = plan_conv3d(
        request.input, request.kernel, bias=request.bias, stride=request.stride,
        padding=request.padding, dilation=request.dilation, groups=request.groups,
        padding_mode=request.padding_mode, flip_kernel=request.flip_kernel)
    check_conv2d(plan)
    with gc_paused():
        result = run_conv2d(plan)
        as_int = conv_exact(result)
        body: dict[str, Any] = conv_result(result, as_int)
        span = page(request.trace, result.n_steps, int(result.kernel[0].size))
        steps: list[dict[str, Any]] = []
        if span is not None:
            if span[0] >= result.n_steps:
                raise InputError("trace", f"start {span[0]} is outside the "
                                          f"{result.n_steps} steps")
            t = conv2d_trace(result, start=span[0], limit=span[1])
            for j in range(len(t.value)):
                steps.append({
                    "index": span[0] + j, "out": t.out[j].tolist(),
                    "window": t.window[j].tolist(), "padding": t.padding[j].tolist(),
                    "products": lists(t.products[j], as_int),
                    "partial_sums": lists(t.partial_sums[j], as_int),
                    "bias": lists(t.bias[j], as_int), "value": lists(t.value[j], as_int)})
        body["trace"] = trace_info(span[0] if span else 0, len(steps), result.n_steps)
        body["steps"] = steps
        data = dumps(body)
        del body
    return data


@router.post("/conv3d", responses=ERROR_RESPONSES, summary="3-D convolution, step by step")
async def conv3d(request: Conv3dRequest) -> Response:
    """Convolve a volume `input` ((D, H, W) or (C_in, D, H, W)) with `kernel` as
    `torch.nn.functional.conv3d` does (or as true convolution with `flip_kernel`): every
    parameter of conv2d with three entries (depth, height, width) where it takes two.
    The answer has each axis's arithmetic and one step per output cell (`out` [channel,
    depth, row, col], `window`: the padded [depth, row, col] each tap reads, `products`
    per input channel, `partial_sums`, `bias`, `value`), pageable. Limits as for conv2d."""
    return Response(await run_in_threadpool(_answer, request), media_type="application/json")
