"""POST /api/conv3d: a volume's convolution, step by step, through the same index map and
the same plan as 2-D (three axes: depth, height, width)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.jsonroute import JsonBodyRoute
from app.limits import check_conv2d
from app.render import axis_steps, conv_exact, conv_result, page
from app.schemas.common import ERROR_RESPONSES
from app.schemas.volume import Conv3dRequest
from app.serialize import dumps, gc_paused
from engine.conv import plan_conv3d, run_conv2d

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
        body["trace"], body["steps"] = axis_steps(result, span, as_int)
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
