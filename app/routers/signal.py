"""POST /api/conv1d: a signal's convolution, step by step, through the 2-D index map."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.jsonroute import JsonBodyRoute
from app.limits import check_conv2d
from app.render import conv_exact, page, trace_info
from app.schemas.common import ERROR_RESPONSES
from app.schemas.signal import Conv1dRequest
from app.serialize import dumps, gc_paused, lists
from engine.conv import conv2d_trace, run_conv2d
from engine.signal import as_signal, plan_conv1d

router = APIRouter(prefix="/api", tags=["signals"], route_class=JsonBodyRoute)


def _answer(request: Conv1dRequest) -> bytes:
    plan, arithmetic, rank = plan_conv1d(
        request.input, request.kernel, bias=request.bias, stride=request.stride,
        padding=request.padding, dilation=request.dilation, groups=request.groups,
        padding_mode=request.padding_mode, flip_kernel=request.flip_kernel)
    check_conv2d(plan)
    with gc_paused():
        result = run_conv2d(plan)
        as_int = conv_exact(result)
        out = as_signal(result.output)
        shown = out[0] if rank == 1 and out.shape[0] == 1 else out
        (left, right) = plan.padding[1]
        body: dict[str, Any] = {
            "output": lists(shown, as_int), "output_shape": list(shown.shape),
            "padded_input": lists(as_signal(result.padded_input), as_int),
            "padding": [left, right], "kernel": lists(result.kernel[:, :, 0, :], as_int),
            "bias": lists(result.bias, as_int), "stride": plan.stride[1],
            "dilation": plan.dilation[1], "groups": plan.groups,
            "padding_mode": plan.padding_mode, "flip_kernel": plan.flip_kernel,
            "arithmetic": [arithmetic],
        }
        span = page(request.trace, result.n_steps, int(result.kernel[0].size))
        steps: list[dict[str, Any]] = []
        if span is not None:
            t = conv2d_trace(result, start=span[0], limit=span[1])
            for j in range(len(t.value)):
                steps.append({
                    "index": span[0] + j, "out": [int(t.out[j, 0]), int(t.out[j, 2])],
                    "window": t.window[j, :, 1].tolist(), "padding": t.padding[j].tolist(),
                    "products": lists(t.products[j], as_int),
                    "partial_sums": lists(t.partial_sums[j], as_int),
                    "bias": lists(t.bias[j], as_int), "value": lists(t.value[j], as_int)})
        body["trace"] = trace_info(span[0] if span else 0, len(steps), result.n_steps)
        body["steps"] = steps
        data = dumps(body)
        del body
    return data


@router.post("/conv1d", responses=ERROR_RESPONSES, summary="1-D convolution, step by step")
async def conv1d(request: Conv1dRequest) -> Response:
    """Convolve a signal `input` ((L) or (C_in, L)) with `kernel` as
    `torch.nn.functional.conv1d` does, or as true convolution s(t) = Σ x(a)·w(t − a) with
    `flip_kernel`; `padding` takes `"causal"` too ((k − 1)·d on the left, as WaveNet's
    layers). The one axis's arithmetic, and one step per output sample (`out` [channel,
    t], `window`: the padded positions read, `products`, `partial_sums`, `bias`,
    `value`), pageable. Limits as for conv2d."""
    return Response(await run_in_threadpool(_answer, request), media_type="application/json")
