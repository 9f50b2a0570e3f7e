"""Pooling, its backward pass, and max-unpooling."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app.jsonroute import JsonBodyRoute
from app.limits import check_sizes, check_windows
from app.render import page, trace_info
from app.schemas.common import ERROR_RESPONSES
from app.schemas.pool import (
    MaxUnpool2dRequest,
    MaxUnpool2dResponse,
    Pool2dRequest,
    Pool2dResponse,
    PoolBackwardRequest,
    PoolBackwardResponse,
    PoolParams,
)
from app.serialize import dumps, exact_integers, gc_paused, lists
from engine.errors import InputError
from engine.geometry import pool_axis
from engine.params import as_matrix
from engine.pool import (
    Pool2dResult,
    plan_max_unpool2d,
    pool2d,
    pool2d_backward,
    pool2d_trace,
    run_max_unpool2d,
)
from engine.primitives import as_pair

router = APIRouter(prefix="/api", tags=["pooling"], route_class=JsonBodyRoute)


def _shaped(array: Any, rank: int) -> Any:
    return array[0] if rank == 2 and array.shape[0] == 1 else array


def _pool(request: PoolParams) -> Pool2dResult:
    """Check the sizes from the geometry alone, then pool."""
    x = as_matrix(request.input, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    k = as_pair(request.kernel_size, "kernel_size", minimum=1)
    s = as_pair(request.stride if request.stride is not None else request.kernel_size,
                "stride", minimum=1)
    p = as_pair(request.padding, "padding", minimum=0)
    d = as_pair(request.dilation, "dilation", minimum=1)
    out = [pool_axis(axis, input_size=x3.shape[i + 1], kernel_size=k[i], stride=s[i],
                     padding=p[i], dilation=d[i], ceil_mode=request.ceil_mode).output_size
           for i, axis in enumerate(("height", "width"))]
    cells = x3.shape[0] * out[0] * out[1]
    check_sizes("kernel_size", input_cells=x3.size, output_cells=cells,
                work=cells * k[0] * k[1], channels=x3.shape[0])
    check_windows("kernel_size", cells * k[0] * k[1])
    return pool2d(x, mode=request.mode, kernel_size=k, stride=s, padding=p, dilation=d,
                  ceil_mode=request.ceil_mode, count_include_pad=request.count_include_pad)


@router.post("/pool2d", response_model=Pool2dResponse, responses=ERROR_RESPONSES,
             summary="Max, average or min pooling, window by window")
async def pool2d_endpoint(request: Pool2dRequest) -> Response:
    """Pool each channel as `torch.nn.functional.max_pool2d` / `avg_pool2d` do (min pooling
    is `-max_pool2d(-x)`), with the winners' flat indices (PyTorch's `return_indices`)
    and a step per output cell: the window, the values, which one won or the sum and
    divisor."""
    return Response(await run_in_threadpool(_pool_body, request), media_type="application/json")


def _pool_body(request: Pool2dRequest) -> bytes:
    result = _pool(request)
    with gc_paused():
        as_int = exact_integers(result.frame, terms=1) and result.mode != "avg"
        rank = result.input_rank
        imap = result.index_map
        body: dict[str, Any] = {
            "output": lists(_shaped(result.output, rank), as_int or _whole(result.output)),
            "output_shape": list(_shaped(result.output, rank).shape),
            "indices": None if result.indices is None else _shaped(result.indices, rank).tolist(),
            "padded_input": lists(result.frame, exact_integers(result.frame, terms=1)),
            "padding": imap.padding, "mode": result.mode, "kernel_size": imap.kernel_size,
            "stride": imap.stride, "dilation": imap.dilation,
            "ceil_mode": result.arithmetic[0].ceil_mode,
            "count_include_pad": result.count_include_pad, "arithmetic": result.arithmetic,
        }
        total = result.output.size
        span = page(request.trace, total, imap.kernel_size[0] * imap.kernel_size[1])
        steps: list[dict[str, Any]] = []
        if span is not None:
            t = pool2d_trace(result, start=span[0], limit=span[1])
            whole = exact_integers(t.values, terms=1)
            none = [None] * len(t.value)
            columns = zip(
                range(t.start, t.start + len(t.value)), t.out.tolist(), t.window.tolist(),
                t.padding.tolist(), lists(t.values, whole),
                none if t.winner is None else t.winner.tolist(),
                none if t.total is None else lists(t.total, whole),
                none if t.divisor is None else lists(t.divisor, True),
                lists(t.value, _whole(t.value)))
            steps = [{"index": i, "out": o, "window": w, "padding": p, "values": v,
                      "winner": wn, "sum": s, "divisor": d, "value": val}
                     for i, o, w, p, v, wn, s, d, val in columns]
        body["trace"] = trace_info(span[0] if span else 0, len(steps), total)
        body["steps"] = steps
        return dumps(body)


def _whole(array: Any) -> bool:
    return exact_integers(array, terms=1)


@router.post("/pool2d/backward", response_model=PoolBackwardResponse,
             responses=ERROR_RESPONSES, summary="The gradient of pooling")
async def pool2d_backward_endpoint(request: PoolBackwardRequest) -> Response:
    """Route `grad_output` (default all ones) back to the input: to the winner of each
    window for max and min, spread evenly over the window for avg (the share of padding
    cells is dropped), as PyTorch's autograd does."""
    return Response(await run_in_threadpool(_backward_body, request),
                    media_type="application/json")


def _backward_body(request: PoolBackwardRequest) -> bytes:
    result = _pool(request)
    grad_input = pool2d_backward(result, request.grad_output)
    grad = (np.ones(result.output.shape) if request.grad_output is None
            else np.asarray(request.grad_output, dtype=np.float64).reshape(result.output.shape))
    # avg routes each gradient to every tap of its window: that many items per step.
    kh, kw = result.index_map.kernel_size
    span = page(request.trace, result.output.size, kh * kw if result.mode == "avg" else 1)
    routes: list[dict[str, Any]] = []
    if span is not None:
        t = pool2d_trace(result, start=span[0], limit=span[1])
        (top, _), (left, _) = result.index_map.padding
        flat = grad.ravel()[span[0]:span[0] + len(t.value)]
        share = flat if t.divisor is None else flat / t.divisor
        windows, padded = t.window.tolist(), t.padding.tolist()
        for j, out in enumerate(t.out.tolist()):
            taps = ([int(t.winner[j])] if t.winner is not None
                    else [i for i, p in enumerate(padded[j]) if not p])
            routes.append({"out": out, "grad": float(flat[j]),
                           "targets": [[windows[j][i][0] - top, windows[j][i][1] - left]
                                       for i in taps],
                           "amount": float(share[j])})
    rank = result.input_rank
    body = {
        "grad_input": lists(_shaped(grad_input, rank), _whole(grad_input)),
        "grad_output": lists(_shaped(grad, rank), _whole(grad)),
        "output": lists(_shaped(result.output, rank), _whole(result.output)),
        "indices": None if result.indices is None else _shaped(result.indices, rank).tolist(),
        "trace": trace_info(span[0] if span else 0, len(routes), result.output.size),
        "routes": routes,
    }
    return dumps(body)


@router.post("/max_unpool2d", response_model=MaxUnpool2dResponse, responses=ERROR_RESPONSES,
             summary="Max-unpooling with remembered positions")
async def max_unpool2d_endpoint(request: MaxUnpool2dRequest) -> Response:
    """Put each value back at the position max pooling remembered (deck 000: "remember
    positions when pooling, reuse them when unpooling"), as
    `torch.nn.functional.max_unpool2d`; every other output cell is 0."""
    return Response(await run_in_threadpool(_unpool_body, request),
                    media_type="application/json")


def _unpool_body(request: MaxUnpool2dRequest) -> bytes:
    plan = plan_max_unpool2d(request.input, request.indices, kernel_size=request.kernel_size,
                             stride=request.stride, padding=request.padding,
                             output_size=request.output_size)
    c = plan.input.shape[0]
    check_sizes("output_size" if request.output_size is not None else "kernel_size",
                input_cells=plan.input.size, output_cells=plan.output_cells,
                work=plan.input.size, channels=c)
    result = run_max_unpool2d(plan)
    rank = result.input_rank
    total = result.input.size
    span = page(request.trace, total, 1)
    steps = []
    if span is not None:
        start, stop = span[0], min(total, span[0] + span[1])
        if start >= total:
            raise InputError("trace", f"start {start} is outside the {total} steps")
        flat_targets = result.targets.ravel()
        values = result.input.ravel()
        whole = _whole(values)
        for k in range(start, stop):
            ch, cell = divmod(k, result.input[0].size)
            row, col = divmod(cell, result.input.shape[2])
            r, cc = divmod(int(flat_targets[k]), result.output_size[1])
            steps.append({"index": k, "source": [ch, row, col],
                          "value": int(values[k]) if whole else float(values[k]),
                          "target": [ch, r, cc],
                          "overwritten": bool(result.overwritten.ravel()[k])})
    s = as_pair(request.stride if request.stride is not None else request.kernel_size,
                "stride", minimum=1)
    k_size = as_pair(request.kernel_size, "kernel_size", minimum=1)
    p = as_pair(request.padding, "padding", minimum=0)
    h, w = result.input.shape[1:]
    default = (f"(H − 1)·s + k − 2p = ({h} − 1)·{s[0]} + {k_size[0]} − 2·{p[0]} = "
               f"{result.default_size[0]} rows and ({w} − 1)·{s[1]} + {k_size[1]} − "
               f"2·{p[1]} = {result.default_size[1]} columns")
    out_h, out_w = result.output_size
    explanation = (
        f"Output size per axis: {default}" if (out_h, out_w) == tuple(result.default_size) else
        f"Output size {out_h} × {out_w}, as output_size asks (the default would be "
        f"{default})")
    explanation += (f"; each value goes to the flat position row·{out_w} + col its index "
                    f"names, every other cell is 0.")
    body = {
        "output": lists(_shaped(result.output, rank), _whole(result.output)),
        "output_shape": list(_shaped(result.output, rank).shape),
        "default_size": list(result.default_size), "explanation": explanation,
        "trace": trace_info(span[0] if span else 0, len(steps), total), "steps": steps,
    }
    return dumps(body)
