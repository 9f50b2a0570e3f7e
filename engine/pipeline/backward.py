"""Backpropagation through a computed chain, stage by stage from the loss to the picture.

Each stage turns the gradient of its output into the gradient of its input (and of its
parameters, where it has them) by its own rule: a convolution scatters ΔY back through
its index map and gathers ΔW tap by tap (engine/backward.py, deck 001), pooling routes
to the winners or spreads over the window, an activation multiplies by its derivative,
batch normalisation (in training) by the full rule through the batch's statistics, local
response normalisation by the quotient rule over its channel window, dropout by its mask,
a fully connected layer by Wᵀ. What ``loss`` starts it with is deck 003's: ½ is folded
in PyTorch's way (``mse``: the mean of the squared differences), or cross-entropy of
softmax, or the plain sum of the last output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.backward import conv2d_backward
from engine.errors import InputError
from engine.params import as_matrix
from engine.pipeline.plan import POOLS
from engine.pipeline.run import StageRun
from engine.pipeline.spec import ACTIVATIONS
from engine.pool import pool2d_backward
from engine.stages import finite

Array = NDArray[np.float64]
LOSSES = ("sum", "mse", "cross_entropy")
NO_BACKWARD = ("conv_transpose2d", "max_unpool2d", "local_contrast_norm")


@dataclass(frozen=True)
class Loss:
    kind: str
    value: float
    grad: Array  # ∂L/∂(last output), its shape
    formula: str
    target: Any = None


@dataclass
class StageGrad:
    """One stage's gradients: ``grad_output`` (its output's shape), ``grad_input`` (its
    input's), and ``params`` by name (grad_kernel, grad_bias, grad_weight), with whatever
    the cell-by-cell steps need in ``extra``."""

    run: StageRun
    grad_output: Array
    grad_input: Array
    params: dict[str, Array] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def loss_of(output: Array, kind: str, target: Any) -> Loss:
    """The loss of the chain's last output and its gradient."""
    if kind == "sum":
        return Loss(kind, float(output.sum()), np.ones_like(output), "L = Σ y")
    if kind == "mse":
        t = as_matrix(target, "target", ranks=(1, 2, 3)) if not isinstance(
            target, (int, float)) else np.full(output.shape, float(target))
        if t.size != output.size:
            raise InputError("target", f"must have the last output's shape "
                                       f"{list(output.shape)}, got {list(t.shape)}")
        t = t.reshape(output.shape)
        d = output - t
        n = output.size
        return Loss(kind, float((d * d).mean()), 2 * d / n,
                    f"L = (1/{n})·Σ (y − t)², ∂L/∂y = 2·(y − t)/{n}", t)
    if kind == "cross_entropy":
        return _cross_entropy(output, target)
    raise InputError("type", f"must be one of {', '.join(LOSSES)}, got {kind!r}")


def _cross_entropy(output: Array, target: Any) -> Loss:
    """F.cross_entropy: logits (F,) with a class index, or maps (C, H, W) with an (H, W)
    map of class indices (the mean over the cells)."""
    logits = output.reshape(output.shape[0], -1)  # (classes, cells)
    t = np.asarray(target)
    if t.ndim == 0 and output.ndim == 1:
        t = t.reshape(1)
    cells = logits.shape[1]
    if t.size != cells or (not np.issubdtype(t.dtype, np.integer) and not (
            t.dtype.kind == "f" and np.all(t == np.floor(t)))):
        what = "a class index" if cells == 1 else f"{cells} class indices"
        raise InputError("target", f"must be {what} (whole numbers below {logits.shape[0]})")
    t = t.astype(np.int64).reshape(-1)
    if t.min() < 0 or t.max() >= logits.shape[0]:
        raise InputError("target", f"class indices must be from 0 to {logits.shape[0] - 1}")
    shifted = logits - logits.max(axis=0, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    cols = np.arange(cells)
    value = float(-log_p[t, cols].mean())
    grad = np.exp(log_p)
    grad[t, cols] -= 1.0
    grad /= cells
    return Loss("cross_entropy", value, grad.reshape(output.shape),
                "L = −ln softmax(y)[t], ∂L/∂y = softmax(y) − onehot(t)" +
                (f", averaged over {cells} cells" if cells > 1 else ""), t)


def _stage_backward(run: StageRun, g: Array) -> StageGrad:
    op, a, r = run.op, run.planned.stage.args, run.result
    if op in NO_BACKWARD:
        raise run.planned.stage.error("op", f"the backward pass of {op} is not built yet: "
                                            f"remove it or give the chain up to the stage "
                                            f"before it")
    if op == "conv2d":
        back = conv2d_backward(r, g)
        kernel = back.grad_kernel
        return StageGrad(run, g, back.grad_input, {"grad_kernel": kernel,
                                                   "grad_bias": back.grad_bias},
                         {"conv": back})
    if op in POOLS:
        return StageGrad(run, g, pool2d_backward(r, g))
    if op in ACTIVATIONS:
        d = r.extra["derivative"]
        return StageGrad(run, g, g * d, extra={"local": d})
    if op == "dropout":
        local = r.extra["mask"] / (1 - a["p"]) if a["training"] and a["p"] < 1 else (
            r.extra["mask"].astype(np.float64))
        return StageGrad(run, g, g * local, extra={"local": local})
    if op == "flatten":
        return StageGrad(run, g, g.reshape(run.input.shape))
    if op == "linear":
        w, flat = r.extra["weight"], r.extra["flat"]
        return StageGrad(run, g, (w.T @ g).reshape(run.input.shape),
                         {"grad_weight": np.outer(g, flat), "grad_bias": g.copy()})
    if op == "magnitude":
        with np.errstate(invalid="ignore", divide="ignore"):
            local = np.where(run.output > 0, run.input / run.output, 0.0)
        return StageGrad(run, g, g * local, extra={"local": local})
    if op == "batch_norm2d":
        return _batch_norm_backward(run, g)
    if op == "local_response_norm":
        return _lrn_backward(run, g)
    raise AssertionError(op)  # pragma: no cover


def _batch_norm_backward(run: StageRun, g: Array) -> StageGrad:
    e = run.result.extra
    x = run.input
    mean, var, gamma = e["mean"], e["var"], e["weight"]
    inv = 1.0 / np.sqrt(var + e["eps"])
    xhat = (x - mean[:, None, None]) * inv[:, None, None]
    grads = {"grad_weight": (g * xhat).sum(axis=(1, 2)), "grad_bias": g.sum(axis=(1, 2))}
    gx = g * gamma[:, None, None]
    if e["training"]:
        m_g = gx.mean(axis=(1, 2), keepdims=True)
        m_gx = (gx * xhat).mean(axis=(1, 2), keepdims=True)
        grad_in = inv[:, None, None] * (gx - m_g - xhat * m_gx)
        extra = {"xhat": xhat, "inv": inv, "mean_g": m_g[:, 0, 0], "mean_gx": m_gx[:, 0, 0]}
    else:
        grad_in = gx * inv[:, None, None]
        extra = {"xhat": xhat, "inv": inv}
    return StageGrad(run, g, grad_in, grads, extra)


def _lrn_backward(run: StageRun, g: Array) -> StageGrad:
    e = run.result.extra
    x, size, alpha, beta = run.input, e["size"], e["alpha"], e["beta"]
    base = e["k"] + alpha * e["sums"] / size  # D_c = k + α/n·Σ x² over the window of c
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        direct = g / e["div"]  # div is D^β
        w = g * x / (e["div"] * base)  # per channel c: g_c·x_c·D_c^(−β−1)
        # Σ over the channels c whose window holds j: the window of c is c − ⌊n/2⌋ …
        # c + ⌊(n−1)/2⌋, so j is in it for c from j − ⌊(n−1)/2⌋ to j + ⌊n/2⌋.
        padded = np.pad(w, (((size - 1) // 2, size // 2), (0, 0), (0, 0)))
        around = np.lib.stride_tricks.sliding_window_view(padded, size, axis=0).sum(axis=-1)
        grad_in = direct - 2 * alpha * beta / size * x * around
    finite(grad_in, "input", "the gradient overflows")
    return StageGrad(run, g, grad_in, extra={"direct": direct, "around": around})


def backward(runs: list[StageRun], grad_output: Array) -> list[StageGrad]:
    """Every stage's gradients, for ``grad_output`` of the last stage (in stage order)."""
    out: list[StageGrad] = []
    g = grad_output
    for run in reversed(runs):
        sg = _stage_backward(run, g)
        finite(sg.grad_input, "input", f"the gradient of stage {run.planned.index} overflows")
        out.append(sg)
        g = sg.grad_input
    return out[::-1]


def check_backward(runs: list[StageRun]) -> None:
    """Refuse, before any work, a chain with a stage whose backward pass is not built."""
    for run in runs:
        if run.op in NO_BACKWARD:
            raise run.planned.stage.error("op", f"the backward pass of {run.op} is not built "
                                                f"yet")


def sgd_step(grads: list[StageGrad], learning_rate: float) -> list[dict[str, Any]]:
    """The parameters after one step of plain SGD (no momentum, no weight decay), as
    torch.optim.SGD: p := p − η·∂L/∂p."""
    out = []
    for sg in grads:
        r, op = sg.run.result, sg.run.op
        new: dict[str, Any] = {}
        if op == "conv2d":
            kernel = r.kernel[..., ::-1, ::-1] if r.flip_kernel else r.kernel
            new = {"kernel": kernel - learning_rate * sg.params["grad_kernel"],
                   "bias": r.bias - learning_rate * sg.params["grad_bias"]}
        elif op == "linear" or op == "batch_norm2d":
            new = {"weight": r.extra["weight"] - learning_rate * sg.params["grad_weight"],
                   "bias": r.extra["bias"] - learning_rate * sg.params["grad_bias"]}
        out.append(new)
    return out
