"""Run a planned chain: each stage by the engine's own operation, in float64, keeping
what its cell-by-cell steps and the maps of what each cell reads need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine import stages as elementwise
from engine.contrast import local_contrast_norm
from engine.conv import run_conv2d
from engine.errors import InputError
from engine.pipeline.plan import POOLS, PlannedStage, plan_conv, plan_transposed
from engine.pipeline.spec import ACTIVATIONS
from engine.pool import plan_max_unpool2d, pool2d, run_max_unpool2d
from engine.transposed import run_conv_transpose2d

Array = NDArray[np.float64]


@dataclass(frozen=True)
class StageRun:
    """A stage computed: its plan, its input and output, and the engine's result (a
    Conv2dResult, Pool2dResult, StageResult, …) its steps are read from."""

    planned: PlannedStage
    input: Array
    output: Array
    result: Any

    @property
    def op(self) -> str:
        return self.planned.stage.op


def _vector(value: Any, n: int, default: float) -> Array:
    if value is None:
        return np.full(n, default)
    return np.broadcast_to(np.asarray(value, dtype=np.float64).reshape(-1), (n,)).copy()


def _run_one(p: PlannedStage, x: Array, done: list[StageRun]) -> StageRun:
    op, a = p.stage.op, p.stage.args
    try:
        return _compute(p, op, a, x, done)
    except InputError as error:
        if hasattr(error, "loc"):
            raise
        raise p.stage.error(error.field, error.message) from None


def _compute(p: PlannedStage, op: str, a: Any, x: Array, done: list[StageRun]) -> StageRun:
    if op == "conv2d":
        c = run_conv2d(plan_conv(p.stage, x))
        return StageRun(p, x, c.output, c)
    if op == "conv_transpose2d":
        t = run_conv_transpose2d(plan_transposed(p.stage, x))
        return StageRun(p, x, t.output, t)
    if op in POOLS:
        mode = op.split("_")[0]
        kw = {"dilation": a["dilation"]} if mode != "avg" else {
            "count_include_pad": a["count_include_pad"]}
        r = pool2d(x, mode=mode, kernel_size=a["kernel_size"], stride=a["stride"],
                   padding=a["padding"], ceil_mode=a["ceil_mode"], **kw)
        return StageRun(p, x, r.output, r)
    if op == "max_unpool2d":
        source = next(s for s in reversed(done) if s.planned.index == _source_index(p, done))
        plan = plan_max_unpool2d(x, source.result.indices, kernel_size=a["kernel_size"],
                                 stride=a["stride"], padding=a["padding"],
                                 output_size=p.out_shape[1:])
        u = run_max_unpool2d(plan)
        return StageRun(p, x, u.output, u)
    if op in ACTIVATIONS:
        s = elementwise.activation(x, op, **{k: a[k] for k in a})
        return StageRun(p, x, s.output, s)
    if op == "batch_norm2d":
        c = x.shape[0]
        s = elementwise.batch_norm2d(
            x[None], training=a["training"], weight=_vector(a["weight"], c, 1.0),
            bias=_vector(a["bias"], c, 0.0), running_mean=_vector(a["running_mean"], c, 0.0),
            running_var=_vector(a["running_var"], c, 1.0), momentum=a["momentum"],
            eps=a["eps"])
        return StageRun(p, x, s.output[0], s)
    if op == "local_response_norm":
        s = elementwise.local_response_norm(x, size=a["size"], alpha=a["alpha"],
                                            beta=a["beta"], k=a["k"])
        return StageRun(p, x, s.output, s)
    if op == "local_contrast_norm":
        s = local_contrast_norm(x, mode=a["mode"], sigma=a["sigma"], size=a["size"],
                                across=a["across"], kappa=a["kappa"], lam=a["lambda"],
                                mu=a["mu"])
        return StageRun(p, x, s.output, s)
    if op == "dropout":
        s = elementwise.dropout(x, p=a["p"], training=a["training"], seed=a["seed"])
        return StageRun(p, x, s.output, s)
    if op == "magnitude":
        with np.errstate(over="ignore"):
            y = np.sqrt((x * x).sum(axis=0, keepdims=True))
        elementwise.finite(y, "input", "the sum of squares overflows")
        return StageRun(p, x, y, None)
    if op == "flatten":
        return StageRun(p, x, x.reshape(-1).copy(), None)
    if op == "linear":
        w = np.asarray(a["weight"], dtype=np.float64)
        bias = None if a["bias"] is None else np.asarray(a["bias"], dtype=np.float64).reshape(-1)
        s = elementwise.linear(x, w, bias)
        return StageRun(p, x, s.output, s)
    raise AssertionError(op)  # pragma: no cover


def _source_index(p: PlannedStage, done: list[StageRun]) -> int:
    if p.stage.args["indices_from"] is not None:
        return int(p.stage.args["indices_from"])
    return next(s.planned.index for s in reversed(done) if s.op == "max_pool2d")


def run_pipeline(x: Array, planned: list[PlannedStage]) -> list[StageRun]:
    """Each stage on the one before's output (``x`` is (C, H, W))."""
    done: list[StageRun] = []
    for p in planned:
        done.append(_run_one(p, x, done))
        x = done[-1].output
    return done
