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
from app.schemas.pipeline import (
    GradTrace,
    LossSpec,
    PipelineBackwardRequest,
    PipelineRequest,
    StageTrace,
)
from app.serialize import dumps, gc_paused, lists
from engine import pipeline
from engine.contrast import default_size
from engine.errors import InputError
from engine.params import as_matrix
from engine.pipeline import backward as chain_backward
from engine.pipeline import chainrule
from engine.pipeline.plan import POOLS

router = APIRouter(prefix="/api", tags=["pipeline"], route_class=JsonBodyRoute)
_TERMS_PER_PAGE = 65_536


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


def _plan_stages(value: Any, stages: Any) -> tuple[np.ndarray, list[pipeline.PlannedStage]]:
    """The picture as (C, H, W) and every stage planned, each within the limits."""
    x = as_matrix(value, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    check_limit(("input",), "the input's cell count", int(x3.size), "max_input_cells")
    check_limit(("input",), "the number of input channels", x3.shape[0], "max_channels")
    return x3, pipeline.plan_pipeline(pipeline.input_shape(x), pipeline.parse_stages(stages),
                                      _check_stage)


def _plan(request: PipelineRequest) -> tuple[np.ndarray, list[pipeline.PlannedStage]]:
    x3, planned = _plan_stages(request.input, request.stages)
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
    if p.stage.op in ("conv2d", "conv_transpose2d", "linear", *POOLS):
        return max(1, p.work // max(1, p.cells))
    if p.stage.op == "local_contrast_norm":
        return int(p.stage.args["size"] or default_size(p.stage.args["sigma"]))
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


def _backward_answer(request: PipelineBackwardRequest) -> bytes:
    workload.charge()
    x3, planned = _plan_stages(request.input, request.stages)
    for p in planned:
        if p.stage.op in chain_backward.NO_BACKWARD:
            raise p.stage.error("op", f"the backward pass of {p.stage.op} is not built yet")
    # forward and backward: every output and every gradient answered
    check_limit(("stages",), "the cells of every stage's output and gradient together",
                2 * sum(p.cells for p in planned) + int(x3.size), "max_pipeline_cells")
    check_limit(("stages",), "the multiply-add count of the chain, forward and backward",
                3 * sum(p.work for p in planned), "max_multiply_adds")
    workload.charge(work=3 * sum(p.work for p in planned),
                    cells=2 * sum(p.cells for p in planned))
    trace = request.trace
    if isinstance(trace, GradTrace) and trace.stage >= len(planned):
        raise pipeline.Stage("", {}, ("trace",)).error(
            "stage", f"must be the index of a stage (0 to {len(planned) - 1}), got {trace.stage}")
    with gc_paused():
        runs = pipeline.run_pipeline(x3, planned)
        last = runs[-1].output
        if request.grad_output is not None:
            if request.loss is not None:
                raise pipeline.Stage("", {}, ()).error(
                    "grad_output", "give either grad_output or loss, not both")
            g = as_matrix(request.grad_output, "grad_output", ranks=(1, 2, 3))
            if g.size != last.size:
                raise pipeline.Stage("", {}, ()).error(
                    "grad_output", f"must have the last output's shape {list(last.shape)}, "
                                   f"got {list(g.shape)}")
            loss = None
            grad = g.reshape(last.shape)
        else:
            spec = request.loss or LossSpec(type="sum")
            try:
                loss = chain_backward.loss_of(last, spec.type, spec.target)
            except InputError as error:
                raise pipeline.Stage("", {}, ("loss",)).error(error.field, error.message) from None
            grad = loss.grad
        grads = chain_backward.backward(runs, grad)
        updated = (chain_backward.sgd_step(grads, request.learning_rate)
                   if request.learning_rate is not None else None)
        body: dict[str, Any] = {
            "input_shape": list(x3.shape),
            "loss": None if loss is None else {"type": loss.kind, "value": loss.value,
                                               "formula": loss.formula},
            "stages": [_grad_body(sg, request, updated[i] if updated else None)
                       for i, sg in enumerate(grads)]}
        data = dumps(body)
        del body, runs, grads
    return data


def _rms(a: np.ndarray) -> float:
    return float(np.sqrt(np.mean(a * a))) if a.size else 0.0


def _grad_body(sg: chain_backward.StageGrad, request: PipelineBackwardRequest,
               updated: dict[str, Any] | None) -> dict[str, Any]:
    run = sg.run
    body: dict[str, Any] = {
        "index": run.planned.index, "op": run.op, "input_shape": list(run.input.shape),
        "output_shape": list(run.output.shape),
        "range": [float(run.output.min()), float(run.output.max())],
        "grad_output": lists(sg.grad_output, False), "grad_input": lists(sg.grad_input, False),
        "grad_input_rms": _rms(sg.grad_input), "grad_output_rms": _rms(sg.grad_output),
        "grad_input_range": [float(sg.grad_input.min()), float(sg.grad_input.max())],
    }
    if request.outputs:
        body["output"] = lists(run.output, False)
    if request.reads:
        body["reads"] = pipeline.reads(run)
    for name, value in sg.params.items():
        body[name] = lists(value, False)
    if updated:
        body["updated"] = {k: lists(np.asarray(v), False) for k, v in updated.items()}
    trace = request.trace
    if isinstance(trace, GradTrace) and trace.stage == run.planned.index:
        if trace.of == "grad_input":
            total = sg.grad_input.size
        elif trace.of in sg.params:
            total = sg.params[trace.of].size
        else:
            have = ", ".join(["grad_input", *sg.params])
            raise pipeline.Stage("", {}, ("trace",)).error(
                "of", f"stage {trace.stage} ({run.op}) has {have}, not {trace.of}")
        # Steps are written in Python, a term at a time: a page walks at most this many.
        limit = max(1, min(trace_page_limit(trace.limit, 64),
                           _TERMS_PER_PAGE // chainrule.per_step(sg, trace.of)))
        if trace.start >= total:
            raise pipeline.Stage("", {}, ("trace",)).error(
                "start", f"start {trace.start} is outside the {total} steps")
        stop = min(total, trace.start + limit)
        body["steps"] = (chainrule.input_steps(sg, trace.start, stop) if trace.of == "grad_input"
                         else chainrule.param_steps(sg, trace.of, trace.start, stop))
        body["trace"] = {"of": trace.of, **trace_info(trace.start, stop - trace.start, total)}
    return body


@router.post("/pipeline/backward", responses=ERROR_RESPONSES,
             summary="Backpropagation through the chain")
async def pipeline_backward(request: PipelineBackwardRequest) -> Response:
    """Run the chain forward, score its last output (`loss`: sum, mse, cross_entropy; or
    give `grad_output`), then backward stage by stage as autograd would: every stage's
    `grad_output` and `grad_input`, `grad_kernel` / `grad_bias` (conv2d, linear's
    `grad_weight`), `grad_weight` / `grad_bias` (batch norm's γ and β); with
    `learning_rate` the parameters after one SGD step (`updated`); with `trace`, one
    gradient's chain rule cell by cell (upstream × local = product, then the sum)."""
    return Response(await run_in_threadpool(_backward_answer, request),
                    media_type="application/json")
