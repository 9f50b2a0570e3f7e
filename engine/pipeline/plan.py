"""Plan a chain of stages: every shape from the input's, before any work is done.

Each stage's geometry comes from the same planners the single operations use (on a
zero-cost view of the shape, so nothing input-sized is allocated), and with it what the
stage will cost: the cells it answers, its multiply-adds and, for the operations that
gather windows, their sizes; the web layer checks these against its limits before
anything runs. A stage that cannot take its input names its index and field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.contrast import default_size
from engine.conv import Conv2dPlan, plan_conv2d
from engine.errors import InputError
from engine.geometry import pool_axis
from engine.params import as_matrix
from engine.pipeline.spec import ACTIVATIONS, NAMED_KERNELS, Stage
from engine.pool import plan_max_unpool2d
from engine.transposed import TransposedPlan, plan_conv_transpose2d

Shape = tuple[int, ...]
POOLS = ("max_pool2d", "min_pool2d", "avg_pool2d")


@dataclass(frozen=True)
class PlannedStage:
    """A stage with its input and output shapes ((C, H, W) maps or (F,) features) and
    its costs: ``cells`` answered, ``work`` (multiply-adds or their like), and, where the
    stage has them, ``im2col`` / ``windows`` / ``padded`` cells."""

    stage: Stage
    index: int
    in_shape: Shape
    out_shape: Shape
    work: int
    costs: dict[str, int] = field(default_factory=dict)
    kernel: NDArray[np.float64] | None = None  # conv2d: the kernel as given, names resolved

    @property
    def cells(self) -> int:
        return int(np.prod(self.out_shape))


def zeros(shape: Shape) -> NDArray[np.float64]:
    """A read-only array of zeros of any size that costs nothing."""
    return np.broadcast_to(np.float64(0.0), shape)


def _maps(stage: Stage, shape: Shape) -> Shape:
    if len(shape) != 3:
        raise stage.error("op", f"{stage.op} needs maps (C, H, W); the stage before gives "
                                f"{list(shape)} features (flatten comes last but linear)")
    return shape


def conv_kernel(stage: Stage, in_channels: int) -> Any:
    """A conv2d stage's kernel: its values, or named kernels stacked as filters (each
    the same on every input channel of its group)."""
    k = stage.args["kernel"]
    if not isinstance(k, dict):
        return k
    per = in_channels // stage.args["groups"] if in_channels % stage.args["groups"] == 0 else 1
    return np.stack([np.broadcast_to(np.asarray(NAMED_KERNELS[n], dtype=np.float64),
                                     (per, *np.shape(NAMED_KERNELS[n]))) for n in k["names"]])


def plan_conv(stage: Stage, x: Any) -> Conv2dPlan:
    a = stage.args
    plan: Conv2dPlan = _named(stage, lambda: plan_conv2d(
        x, conv_kernel(stage, np.shape(x)[0]), bias=a["bias"], stride=a["stride"],
        padding=a["padding"], dilation=a["dilation"], groups=a["groups"],
        padding_mode=a["padding_mode"], flip_kernel=a["flip_kernel"]))
    return plan


def plan_transposed(stage: Stage, x: Any) -> TransposedPlan:
    a = stage.args
    plan: TransposedPlan = _named(stage, lambda: plan_conv_transpose2d(
        x, a["kernel"], bias=a["bias"], stride=a["stride"], padding=a["padding"],
        output_padding=a["output_padding"], dilation=a["dilation"], groups=a["groups"]))
    return plan


def _named(stage: Stage, make: Callable[[], Any]) -> Any:
    """Run a planner, naming its InputError by the stage (``stages → 2 → kernel``)."""
    try:
        return make()
    except InputError as error:
        if hasattr(error, "loc"):
            raise
        raise stage.error(error.field, error.message) from None


def pool_out(stage: Stage, shape: Shape) -> tuple[int, int]:
    a = stage.args
    s = a["stride"] or a["kernel_size"]
    d = a.get("dilation", (1, 1))
    if stage.op == "avg_pool2d" and d != (1, 1):
        raise stage.error("dilation", "average pooling has no dilation (as in PyTorch)")
    out = _named(stage, lambda: [pool_axis(axis, input_size=shape[i + 1],
                                           kernel_size=a["kernel_size"][i], stride=s[i],
                                           padding=a["padding"][i], dilation=d[i],
                                           ceil_mode=a["ceil_mode"]).output_size
                                 for i, axis in enumerate(("height", "width"))])
    return out[0], out[1]


def unpool_source(stage: Stage, planned: list[PlannedStage]) -> PlannedStage:
    """The max_pool2d whose indices an unpooling uses: ``indices_from``, or the nearest
    max_pool2d before it."""
    a = stage.args
    if a["indices_from"] is not None:
        i = a["indices_from"]
        if i >= len(planned) or planned[i].stage.op != "max_pool2d":
            raise stage.error("indices_from", f"must be the index of an earlier max_pool2d "
                                              f"stage, got {i}")
        source: PlannedStage = planned[i]
        return source
    for p in reversed(planned):
        if p.stage.op == "max_pool2d":
            return p
    raise stage.error("op", "max_unpool2d needs an earlier max_pool2d stage (its indices)")


def _plan_one(stage: Stage, index: int, shape: Shape, planned: list[PlannedStage]
              ) -> PlannedStage:
    op, a = stage.op, stage.args
    cells = int(np.prod(shape))
    if op == "conv2d":
        plan = plan_conv(stage, zeros(_maps(stage, shape)))
        ho, wo = plan.output_size
        c, ph, pw = plan.input.shape[0], *plan.padded_size
        return PlannedStage(stage, index, shape, (plan.kernel.shape[0], ho, wo),
                            plan.multiply_adds, {"im2col": plan.im2col_size,
                                                 "padded": c * ph * pw})
    if op == "conv_transpose2d":
        tp = plan_transposed(stage, zeros(_maps(stage, shape)))
        ho, wo = tp.index_map.input_size  # the scatter's output is the map's "input"
        return PlannedStage(stage, index, shape, (tp.kernel.shape[1] * tp.groups, ho, wo),
                            tp.multiply_adds, {"padded": tp.output_cells})
    if op in POOLS:
        c = _maps(stage, shape)[0]
        ho, wo = pool_out(stage, shape)
        taps = a["kernel_size"][0] * a["kernel_size"][1]
        return PlannedStage(stage, index, shape, (c, ho, wo), c * ho * wo * taps,
                            {"windows": c * ho * wo * taps})
    if op == "max_unpool2d":
        source = unpool_source(stage, planned)
        x = zeros(_maps(stage, shape))
        if shape != source.out_shape:
            raise stage.error("op", f"its input {list(shape)} must have the shape of the "
                                    f"max_pool2d output it unpools ({list(source.out_shape)})")
        size = a["output_size"] or source.in_shape[1:]
        up = _named(stage, lambda: plan_max_unpool2d(x, x, kernel_size=a["kernel_size"],
                                                     stride=a["stride"], padding=a["padding"],
                                                     output_size=size))
        return PlannedStage(stage, index, shape, (shape[0], *up.output_size), up.output_cells)
    if op == "flatten":
        return PlannedStage(stage, index, shape, (cells,), cells)
    if op == "linear":
        w = _named(stage, lambda: as_matrix(a["weight"], "weight", ranks=(2,)))
        if w.shape[1] != cells:
            raise stage.error("weight", f"must be (out_features, {cells}) for an input of "
                                        f"{cells} values ({list(shape)}), got {list(w.shape)}")
        if a["bias"] is not None and np.size(a["bias"]) != w.shape[0]:
            raise stage.error("bias", f"must have {w.shape[0]} values, got {np.size(a['bias'])}")
        return PlannedStage(stage, index, shape, (w.shape[0],), int(w.size))
    if op == "magnitude":
        c, h, w_ = _maps(stage, shape)
        return PlannedStage(stage, index, shape, (1, h, w_), cells)
    if op in ("batch_norm2d", "local_response_norm", "local_contrast_norm"):
        c = _maps(stage, shape)[0]
        if op == "batch_norm2d":
            for name in ("weight", "bias", "running_mean", "running_var"):
                v = a[name]
                if v is not None and not isinstance(v, (int, float)) and np.size(v) != c:
                    raise stage.error(name, f"must have one number per channel ({c}), got "
                                            f"{np.size(v)}")
            if a["training"] and cells // c < 2:
                raise stage.error("training", f"training needs more than one value per channel "
                                              f"(H·W is {cells // c}), as PyTorch does")
            return PlannedStage(stage, index, shape, shape, 2 * cells)
        if op == "local_response_norm":
            return PlannedStage(stage, index, shape, shape, cells * a["size"])
        size = a["size"] or default_size(a["sigma"])
        return PlannedStage(stage, index, shape, shape, cells * 2 * size)
    if op in ACTIVATIONS or op == "dropout":
        return PlannedStage(stage, index, shape, shape, cells)
    raise AssertionError(op)  # pragma: no cover: spec.ARGS lists every op


def input_shape(x: NDArray[np.float64]) -> Shape:
    """(C, H, W) of a pipeline's input ((H, W) is one channel)."""
    return (1, *x.shape) if x.ndim == 2 else tuple(int(n) for n in x.shape)


def plan_pipeline(shape: Shape, stages: tuple[Stage, ...],
                  check: Callable[[PlannedStage], None] | None = None) -> list[PlannedStage]:
    """Every stage's shapes and costs for an input of ``shape``, or the first stage that
    cannot take what the one before gives. ``check`` sees each stage as soon as it is
    planned (the web layer's limits), so no stage is planned on a shape past them: a
    planner reads its input's shape in time proportional to its size."""
    planned: list[PlannedStage] = []
    for i, stage in enumerate(stages):
        planned.append(_plan_one(stage, i, shape, planned))
        if check is not None:
            check(planned[-1])
        shape = planned[-1].out_shape
    return planned
