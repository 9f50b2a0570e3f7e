"""POST /api/conv_transpose2d: the scatter, Cᵀ·x, and the equivalent convolution."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.jsonroute import JsonBodyRoute
from app.limits import check_sizes
from app.render import conv_exact, conv_result, conv_trace, page, trace_info
from app.schemas.common import ERROR_RESPONSES
from app.schemas.transposed import ConvTranspose2dRequest, ConvTranspose2dResponse
from app.serialize import dumps, exact_integers, gc_paused, lists
from engine.conv import conv2d_with_output
from engine.geometry import count, zeros_between
from engine.transposed import (
    ConvTranspose2dResult,
    conv_transpose2d_trace,
    equivalent_conv,
    plan_conv_transpose2d,
    run_conv_transpose2d,
)

router = APIRouter(prefix="/api", tags=["transposed convolution"], route_class=JsonBodyRoute)


@router.post("/conv_transpose2d", response_model=ConvTranspose2dResponse,
             responses=ERROR_RESPONSES, summary="Transposed convolution, three ways")
async def conv_transpose2d_endpoint(request: ConvTranspose2dRequest) -> Response:
    """Transposed convolution as `torch.nn.functional.conv_transpose2d`, explained: the
    scatter trace (each input cell places a scaled copy of the kernel, with the running
    sum: deck 002's A1 … A9), the overlap map Cᵀ·1, the shape arithmetic (Relationships
    8–14 of Dumoulin & Visin), and the equivalent direct convolution over the
    zero-inserted, padded input with the flipped kernel, with its own gather trace."""
    return Response(await run_in_threadpool(_body, request), media_type="application/json")


def _body(request: ConvTranspose2dRequest) -> bytes:
    plan = plan_conv_transpose2d(
        request.input, request.kernel, bias=request.bias, stride=request.stride,
        padding=request.padding, output_padding=request.output_padding,
        dilation=request.dilation, groups=request.groups)
    check_sizes("kernel", input_cells=plan.input.size, output_cells=plan.output_cells,
                work=plan.multiply_adds, channels=plan.input.shape[0])
    with gc_paused():
        result = run_conv_transpose2d(plan)
        as_int = exact_integers(result.input, result.kernel, result.bias,
                                terms=int(result.kernel.size) + 1)
        body = _result_json(result, as_int)
        body["trace"], body["steps"] = _scatter_steps(result, request, as_int)
        body["equivalent"] = _equivalent(result, request)
        return dumps(body)


def _result_json(result: ConvTranspose2dResult, as_int: bool) -> dict[str, Any]:
    output = result.output
    shape = list(output.shape)
    if result.input_rank == 2 and output.shape[0] == 1:
        output, shape = output[0], shape[1:]
    imap = result.index_map
    return {
        "output": lists(output, as_int), "output_shape": shape,
        "input": lists(result.input, as_int), "kernel": lists(result.kernel, as_int),
        "bias": lists(result.bias, as_int), "stride": imap.stride,
        "padding": result.padding, "output_padding": result.output_padding,
        "dilation": imap.dilation, "groups": result.groups, "arithmetic": result.arithmetic,
        "canvas": lists(result.canvas, as_int), "coverage": lists(result.coverage, True),
        "coverage_note": _coverage_note(result),
    }


def _coverage_note(result: ConvTranspose2dResult) -> str:
    imap = result.index_map
    notes = []
    for axis, k, s, d in zip(("height", "width"), imap.kernel_size, imap.stride, imap.dilation):
        span = (k - 1) * d + 1
        if s > 1 and span % s:
            notes.append(f"along the {axis} the kernel spans {span}, not a multiple of the "
                         f"stride {s}, so neighbouring copies overlap unevenly")
    low, high = int(result.coverage.min()), int(result.coverage.max())
    if low == high:
        counts = f"Every output cell receives {count(low, 'contribution')}."
    else:
        counts = f"Each output cell receives between {low} and {high} contributions."
    if high <= 1:
        return counts + (" The copies never overlap; the cells between them get nothing but "
                         "the bias: the stride is longer than the kernel." if low == 0 else
                         " The copies tile the output without overlapping.")
    if not notes:
        return counts + " The overlap is even: no checkerboard pattern from the geometry."
    return (counts + " Uneven overlap: " + "; ".join(notes) + ". Cells hit more often "
            "come out stronger: the checkerboard artifact of transposed convolutions.")


def _scatter_steps(result: ConvTranspose2dResult, request: ConvTranspose2dRequest,
                   as_int: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    total = result.input.size
    per_step = result.kernel[0].size + result.output.size
    span = page(request.trace, total, per_step)
    if span is None:
        return trace_info(0, 0, total), []
    t = conv_transpose2d_trace(result, start=span[0], limit=span[1])
    running = t.running_sum
    if result.input_rank == 2 and running.shape[1] == 1:
        running = running[:, 0]
    columns = zip(range(t.start, t.start + len(t.value)), t.source.tolist(),
                  lists(t.value, as_int), t.targets.tolist(), t.cropped.tolist(),
                  lists(t.amounts, as_int), lists(running, as_int))
    steps = [{"index": i, "source": s, "value": v, "targets": tg, "cropped": c,
              "amounts": a, "running_sum": r} for i, s, v, tg, c, a, r in columns]
    return trace_info(span[0], len(steps), total), steps


def _equivalent(result: ConvTranspose2dResult, request: ConvTranspose2dRequest
                ) -> dict[str, Any]:
    conv = conv2d_with_output(equivalent_conv(result), result.output)
    as_int = conv_exact(conv)
    body = conv_result(conv, as_int)
    (top, _), (left, _) = conv.index_map.padding
    h, w = conv.index_map.input_size
    info, steps = conv_trace(conv, request.equivalent_trace, as_int, field="equivalent_trace")
    s = result.index_map.stride
    return {
        "input": lists(conv.padded_input[:, top:top + h, left:left + w], as_int),
        "padded_input": body["padded_input"], "padding": body["padding"],
        "kernel": body["kernel"], "dilation": body["dilation"],
        "arithmetic": body["arithmetic"],
        "note": (f"A stride-1 convolution over the input with {zeros_between(s)}, padded by "
                 f"(k − 1)·d − p, with the kernel rotated 180°, gives the same output as the "
                 f"scatter."),
        "trace": info, "steps": steps,
    }
