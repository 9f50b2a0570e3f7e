"""POST /api/pipeline: a picture through a chain of stages, every stage's output, and one
stage's cell-by-cell steps."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from app import workload
from app.jsonroute import JsonBodyRoute
from app.limits import check_limit, trace_page_limit
from app.render import page, trace_info
from app.schemas.common import ERROR_RESPONSES, TracePage
from app.schemas.pipeline import PipelineRequest, StageTrace
from app.serialize import dumps, gc_paused, lists
from engine import pipeline
from engine.params import as_matrix

router = APIRouter(prefix="/api", tags=["pipeline"], route_class=JsonBodyRoute)


def _check_stage(p: pipeline.PlannedStage) -> None:
    """A stage's own limits, as soon as it is planned (before the next is planned)."""
    loc = (*p.stage.loc, "op")
    if len(p.out_shape) == 3:
        check_limit(loc, f"stage {p.index}'s channel count", p.out_shape[0], "max_channels")
    check_limit(loc, f"stage {p.index}'s output cell count", p.cells, "max_output_cells")
    for cost, name in (("im2col", "max_im2col_cells"), ("windows", "max_window_cells"),
                       ("padded", "max_padded_cells")):
        if cost in p.costs:
            check_limit(loc, f"stage {p.index}'s {cost} cell count", p.costs[cost], name)


def _check_chain(planned: list[pipeline.PlannedStage], input_cells: int) -> None:
    """The whole chain's limits, before any stage runs."""
    total_cells = sum(p.cells for p in planned)
    total_work = sum(p.work for p in planned)
    check_limit(("stages",), "the cells of every stage's output together", total_cells,
                "max_pipeline_cells")
    check_limit(("stages",), "the multiply-add count of the chain", total_work,
                "max_multiply_adds")
    workload.charge(work=total_work, cells=total_cells + input_cells)


def _plan(request: PipelineRequest) -> tuple[np.ndarray, list[pipeline.PlannedStage]]:
    x = as_matrix(request.input, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    check_limit(("input",), "the input's cell count", int(x3.size), "max_input_cells")
    check_limit(("input",), "the number of input channels", x3.shape[0], "max_channels")
    planned = pipeline.plan_pipeline(pipeline.input_shape(x), pipeline.parse_stages(
        request.stages), _check_stage)
    _check_chain(planned, int(x3.size))
    trace = request.trace
    if isinstance(trace, StageTrace):
        if trace.stage >= len(planned):
            check = f"must be the index of a stage (0 to {len(planned) - 1}), got {trace.stage}"
            raise pipeline.Stage("", {}, ("trace",)).error("stage", check)
        page(_page(trace), planned[trace.stage].cells, _products(planned[trace.stage]))  # charges
    return x3, planned


def _page(trace: StageTrace) -> TracePage:
    return TracePage(start=trace.start, limit=trace.limit)


def _products(p: pipeline.PlannedStage) -> int:
    """Numbers one step of the stage writes (a convolution's products)."""
    if p.stage.op in ("conv2d", "conv_transpose2d", "linear"):
        return max(1, p.work // max(1, p.cells))
    return 1


def _stage_body(run: pipeline.StageRun, request: PipelineRequest) -> dict[str, Any]:
    out = run.output
    body: dict[str, Any] = {
        "index": run.planned.index, "op": run.op,
        "input_shape": list(run.planned.in_shape), "output_shape": list(out.shape),
        "range": [float(out.min()), float(out.max())],
    }
    if request.outputs:
        body["output"] = lists(out, False)
    if request.reads:
        body["reads"] = pipeline.reads(run)
    r = run.result
    if run.op == "batch_norm2d":
        e = r.extra
        body |= {"mean": e["mean"].tolist(), "var": e["var"].tolist(),
                 "running_mean": e["running_mean"].tolist(),
                 "running_var": e["running_var"].tolist()}
    elif run.op in ("max_pool2d", "min_pool2d"):
        body["indices"] = r.indices.tolist()
    elif run.op == "dropout":
        body["mask"] = r.extra["mask"].astype(int).tolist()
    trace = request.trace
    if isinstance(trace, StageTrace) and trace.stage == run.planned.index:
        total = out.size
        span = (trace.start, trace_page_limit(trace.limit, _products(run.planned)))
        if span[0] >= total:
            raise pipeline.Stage("", {}, ("trace",)).error(
                "start", f"start {span[0]} is outside the {total} steps of stage {trace.stage}")
        stop = min(total, span[0] + span[1])
        body["steps"] = pipeline.steps(run, span[0], stop)
        body["trace"] = trace_info(span[0], stop - span[0], total)
    return body


def _answer(request: PipelineRequest) -> bytes:
    workload.charge()  # in this thread: wait for the slot the charges asked for
    x, planned = _plan(request)
    with gc_paused():
        runs = pipeline.run_pipeline(x, planned)
        body = {"input_shape": list(x.shape),
                "stages": [_stage_body(run, request) for run in runs]}
        data = dumps(body)
        del body, runs
    return data


@router.post("/pipeline", responses=ERROR_RESPONSES, summary="A picture through a chain")
async def pipeline_endpoint(request: PipelineRequest) -> Response:
    """Run `input` through `stages` (convolutions, activations, normalisations, pooling,
    unpooling, dropout, flatten, linear) as the chain of torch.nn.functional calls would,
    in float64. Every shape is checked for the whole chain before any work; a bad stage
    is a 422 naming `stages → i → field`. Each stage answers its output and shape and
    value range, optionally which input cells each output cell reads (`reads`), and the
    stage named by `trace` its cell-by-cell steps (the formula with the numbers), paged."""
    return Response(await run_in_threadpool(_answer, request), media_type="application/json")
