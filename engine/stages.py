"""The stages after a convolution, cell by cell: activations (with their derivatives),
batch normalisation, local response normalisation, a fully connected layer and dropout,
as torch.nn.functional computes them in float64, each with a per-cell step that writes
the formula with the numbers.

Inputs are (C, H, W) (one sample) or (N, C, H, W) for batch normalisation; a step's
``at`` is its position in the output, counting from 0 as the API does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.errors import InputError

Array = NDArray[np.float64]
ACTIVATIONS = ("relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "abs")
MAX_TERMS = 12  # a linear output's sum writes at most this many products, then "…"


def num(v: float) -> str:
    """A number for a formula: 6 significant digits, a true minus sign."""
    return "0" if v == 0 else f"{v:.6g}".replace("-", "−")


def finite(values: Array, field: str, why: str) -> None:
    """Refuse a result that is not finite (PyTorch would answer inf or NaN)."""
    bad = int(values.size - np.count_nonzero(np.isfinite(values)))
    if bad:
        raise InputError(field, f"{bad} value(s) of the result are not finite numbers: {why}; "
                                f"use smaller values")


def factor(v: float) -> str:
    return f"({num(v)})" if v < 0 else num(v)


@dataclass(frozen=True)
class StageResult:
    """An elementwise (or per-output) stage: its output and, per cell, how it came."""

    op: str
    input: Array
    output: Array
    extra: dict[str, Any] = field(default_factory=dict)
    stepper: Callable[[StageResult, int], dict[str, Any]] | None = None

    def step(self, index: int) -> dict[str, Any]:
        """The ``index``-th output cell (row-major), with its formula in numbers."""
        return (self.stepper or STEPS[self.op])(self, index)


def activation(x: Array, function: str, *, negative_slope: float = 0.01, alpha: float = 1.0,
               beta: float = 1.0, threshold: float = 20.0) -> StageResult:
    """An activation and its derivative per cell, as PyTorch's F.relu, F.leaky_relu,
    F.elu, torch.sigmoid, torch.tanh, F.softplus and torch.abs (whose backward passes give
    the derivative: 0 at x = 0 for relu and abs, negative_slope for leaky_relu, α for elu).
    """
    if function not in ACTIVATIONS:
        raise InputError("function", f"must be one of {', '.join(ACTIVATIONS)}, got {function!r}")
    with np.errstate(over="ignore", invalid="ignore"):
        y, d = _activation(x, function, negative_slope, alpha, beta, threshold)
    finite(y, "input", f"{function} overflows")
    finite(d, "input", f"{function}'s derivative overflows")
    params = {"negative_slope": negative_slope, "alpha": alpha, "beta": beta,
              "threshold": threshold}
    return StageResult("activation", x, y, {"function": function, "derivative": d,
                                            "params": params})


def _activation(x: Array, function: str, negative_slope: float, alpha: float, beta: float,
                threshold: float) -> tuple[Array, Array]:
    if function == "relu":
        y, d = np.maximum(x, 0.0), (x > 0).astype(np.float64)
    elif function == "leaky_relu":
        y = np.where(x > 0, x, negative_slope * x)
        d = np.where(x > 0, 1.0, negative_slope)
    elif function == "elu":
        y = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
        d = np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))
    elif function == "sigmoid":
        y = 0.5 * (1.0 + np.tanh(0.5 * x))  # stable on both tails
        d = y * (1.0 - y)
    elif function == "tanh":
        y = np.tanh(x)
        d = 1.0 - y * y
    elif function == "softplus":
        if beta <= 0:
            raise InputError("beta", f"must be more than 0, got {beta}")
        bx = beta * x
        linear = bx > threshold
        y = np.where(linear, x, np.logaddexp(0.0, bx) / beta)
        d = np.where(linear, 1.0, 0.5 * (1.0 + np.tanh(0.5 * bx)))
    else:
        y, d = np.abs(x), np.sign(x)
    return y, d


def at_of(shape: tuple[int, ...], index: int) -> list[int]:
    return [int(i) for i in np.unravel_index(index, shape)]


def _activation_step(r: StageResult, index: int) -> dict[str, Any]:
    at = at_of(r.output.shape, index)
    x, y = float(r.input.flat[index]), float(r.output.flat[index])
    d = float(r.extra["derivative"].flat[index])
    f, p = r.extra["function"], r.extra["params"]
    if f == "relu":
        text, dtext = f"relu({num(x)}) = max(0, {num(x)}) = {num(y)}", \
            f"relu′ = {'1 (x > 0)' if x > 0 else '0 (x ≤ 0)'}"
    elif f == "leaky_relu":
        text = f"leaky_relu({num(x)}) = " + (f"{num(x)} (x > 0)" if x > 0 else
                                            f"{num(p['negative_slope'])}·{factor(x)} = {num(y)}")
        dtext = f"leaky_relu′ = {'1 (x > 0)' if x > 0 else f'{num(d)} (the slope, x ≤ 0)'}"
    elif f == "elu":
        text = f"elu({num(x)}) = " + (f"{num(x)} (x > 0)" if x > 0 else
                                     f"α·(e^x − 1) = {num(p['alpha'])}·(e^{factor(x)} − 1) = "
                                     f"{num(y)}")
        dtext = "elu′ = " + ("1 (x > 0)" if x > 0 else f"α·e^x = {num(d)}")
    elif f == "sigmoid":
        text = f"σ({num(x)}) = 1 / (1 + e^−{factor(x)}) = {num(y)}"
        dtext = f"σ′ = σ·(1 − σ) = {num(y)}·(1 − {num(y)}) = {num(d)} (at most 0.25)"
    elif f == "tanh":
        text = f"tanh({num(x)}) = (e^x − e^−x) / (e^x + e^−x) = {num(y)}"
        dtext = f"tanh′ = 1 − tanh² = 1 − {factor(y)}² = {num(d)}"
    elif f == "softplus":
        b = p["beta"]
        if b * x > p["threshold"]:
            text = (f"softplus({num(x)}) = {num(x)} (β·x = {num(b * x)} > threshold "
                    f"{num(p['threshold'])}: PyTorch's linear regime)")
            dtext = "softplus′ = 1 (linear regime)"
        else:
            text = (f"softplus({num(x)}) = ln(1 + e^(β·x)) / β = ln(1 + e^({num(b)}·"
                    f"{factor(x)})) / {num(b)} = {num(y)}")
            dtext = f"softplus′ = σ(β·x) = σ({num(b * x)}) = {num(d)}"
    else:
        text = f"|{num(x)}| = {num(y)}"
        dtext = f"|x|′ = sign(x) = {num(d)}"
    return {"index": index, "at": at, "input": x, "output": y, "derivative": d,
            "formula": text, "derivative_formula": dtext}


def batch_norm2d(x: Array, *, training: bool, weight: Array | None, bias: Array | None,
                 running_mean: Array | None, running_var: Array | None, momentum: float,
                 eps: float) -> StageResult:
    """F.batch_norm on (N, C, H, W): in training the batch's mean and biased variance per
    channel normalise, and the running statistics move by ``momentum`` (the variance's with
    Bessel's correction, as PyTorch does); at inference the running statistics normalise."""
    n, c = x.shape[0], x.shape[1]
    gamma = np.ones(c) if weight is None else weight
    beta = np.zeros(c) if bias is None else bias
    rm = np.zeros(c) if running_mean is None else running_mean
    rv = np.ones(c) if running_var is None else running_var
    count = n * x.shape[2] * x.shape[3]
    if training:
        if count < 2:
            raise InputError("input", "training needs more than one value per channel "
                                      f"(N·H·W is {count}), as PyTorch does")
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused below
            mean = x.mean(axis=(0, 2, 3))
            var = x.var(axis=(0, 2, 3))
            new_mean = (1 - momentum) * rm + momentum * mean
            new_var = (1 - momentum) * rv + momentum * var * count / (count - 1)
        finite(var, "input", "the batch's variance overflows")
    else:
        mean, var, new_mean, new_var = rm, rv, rm, rv
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scale = gamma / np.sqrt(var + eps)
        y = (x - mean[None, :, None, None]) * scale[None, :, None, None] + \
            beta[None, :, None, None]
    finite(y, "input", "the statistics or the scaled values overflow")
    finite(new_var, "input", "the running variance overflows")
    return StageResult("batch_norm2d", x, y, {
        "training": training, "mean": mean, "var": var, "weight": gamma, "bias": beta,
        "eps": eps, "momentum": momentum, "count": count,
        "running_mean": new_mean, "running_var": new_var})


def _batch_norm_step(r: StageResult, index: int) -> dict[str, Any]:
    at = at_of(r.output.shape, index)
    ch = at[1]
    e = r.extra
    x, y = float(r.input.flat[index]), float(r.output.flat[index])
    m, v = float(e["mean"][ch]), float(e["var"][ch])
    g, b = float(e["weight"][ch]), float(e["bias"][ch])
    stats = "the batch's" if e["training"] else "the running"
    return {"index": index, "at": at, "input": x, "output": y,
            "formula": f"(x − μ) / √(σ² + ε)·γ + β = ({num(x)} − {factor(m)}) / √({num(v)} + "
                       f"{num(e['eps'])})·{factor(g)} + {factor(b)} = {num(y)}",
            "note": f"μ and σ² of channel {ch + 1} are {stats} statistics"
                    + (f" over its {e['count']} values (σ² biased: divided by {e['count']})"
                       if e["training"] else "")}


def local_response_norm(x: Array, *, size: int, alpha: float, beta: float, k: float
                        ) -> StageResult:
    """F.local_response_norm on (C, H, W): x / (k + α·(Σ x² over ``size`` neighbouring
    channels, zero-padded) / size)^β."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        sq = np.pad(x * x, ((size // 2, (size - 1) // 2), (0, 0), (0, 0)))
        # Summed window by window, not as a difference of running sums: inf − inf is NaN.
        sums = np.lib.stride_tricks.sliding_window_view(sq, size, axis=0).sum(axis=-1)
        div = (k + alpha * sums / size) ** beta
    with np.errstate(invalid="ignore", divide="ignore"):
        y = x / div
    finite(y, "input", "(k + α·Σx²/size)^β overflows or is 0")
    return StageResult("local_response_norm", x, y, {
        "size": size, "alpha": alpha, "beta": beta, "k": k, "sums": sums, "div": div})


def _lrn_step(r: StageResult, index: int) -> dict[str, Any]:
    at = at_of(r.output.shape, index)
    e = r.extra
    ch, size, c = at[0], e["size"], r.input.shape[0]
    lo, hi = max(0, ch - size // 2), min(c - 1, ch + (size - 1) // 2)
    x, y = float(r.input.flat[index]), float(r.output.flat[index])
    s = float(e["sums"].flat[index])
    return {"index": index, "at": at, "input": x, "output": y,
            "formula": f"x / (k + α·Σx²/n)^β = {num(x)} / ({num(e['k'])} + {num(e['alpha'])}·"
                       f"{num(s)}/{size})^{num(e['beta'])} = {num(y)}",
            "note": f"Σx² over channels {lo + 1}–{hi + 1} (counting from 1) at this position; "
                    f"the window of {size} is zero-padded at the ends"}


def linear(x: Array, weight: Array, bias: Array | None) -> StageResult:
    """F.linear of the flattened input: y = W·vec(x) + b, W of shape (out, in)."""
    flat = x.reshape(-1)
    if weight.ndim != 2 or weight.shape[1] != flat.size:
        raise InputError("weight", f"must be (out_features, {flat.size}) for an input of "
                                   f"{flat.size} values, got {list(weight.shape)}")
    b = np.zeros(weight.shape[0]) if bias is None else bias
    if b.shape != (weight.shape[0],):
        raise InputError("bias", f"must have {weight.shape[0]} values, got {b.size}")
    with np.errstate(over="ignore", invalid="ignore"):
        y = weight @ flat + b
    finite(y, "weight", "a sum of products overflows")
    return StageResult("linear", x, y, {"weight": weight, "bias": b, "flat": flat})


def _linear_step(r: StageResult, index: int) -> dict[str, Any]:
    w, flat, b = r.extra["weight"][index], r.extra["flat"], float(r.extra["bias"][index])
    terms = [f"{factor(float(wi))}·{factor(float(xi))}" for wi, xi in
             zip(w[:MAX_TERMS], flat[:MAX_TERMS])]
    more = f" + … ({flat.size - MAX_TERMS} more)" if flat.size > MAX_TERMS else ""
    tail = f" + {factor(b)}" if b else ""
    y = float(r.output[index])
    return {"index": index, "at": [index], "output": y,
            "formula": f"y{index + 1} = Σ w·x + b = {' + '.join(terms)}{more}{tail} = {num(y)}"}


def dropout(x: Array, *, p: float, training: bool, seed: int) -> StageResult:
    """Dropout with a seeded mask: in training each cell is kept with probability 1 − p and
    scaled by 1/(1 − p) (F.dropout's rule); at inference the identity."""
    if not 0 <= p <= 1:
        raise InputError("p", f"must be from 0 to 1, got {p}")
    if not training:
        mask = np.ones(x.shape, dtype=bool)
        y = x.copy()
    else:
        mask = np.random.default_rng(seed).random(x.shape) >= p
        with np.errstate(over="ignore"):
            y = np.where(mask, x / (1 - p), 0.0) if p < 1 else np.zeros_like(x)
        finite(y, "p", "x / (1 − p) overflows")
    return StageResult("dropout", x, y, {"mask": mask, "p": p, "training": training})


def _dropout_step(r: StageResult, index: int) -> dict[str, Any]:
    at = at_of(r.output.shape, index)
    x, y = float(r.input.flat[index]), float(r.output.flat[index])
    kept = bool(r.extra["mask"].flat[index])
    p = r.extra["p"]
    if not r.extra["training"]:
        text = f"{num(x)} (inference: dropout passes every value)"
    elif kept:
        text = f"kept: x / (1 − p) = {num(x)} / (1 − {num(p)}) = {num(y)}"
    else:
        text = "dropped: 0"
    return {"index": index, "at": at, "input": x, "output": y, "kept": kept, "formula": text}


STEPS = {"activation": _activation_step, "batch_norm2d": _batch_norm_step,
         "local_response_norm": _lrn_step, "linear": _linear_step, "dropout": _dropout_step}
