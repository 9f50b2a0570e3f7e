"""Deck 003's local contrast normalisation, as its equations (15)–(17) write it.

Subtractive normalisation takes from every map the Gaussian-weighted local mean of all
the maps, ``Y_i = X_i − Σ_j K_G(σ) * X_j`` (eq. 15); the window ``K_G(σ)`` is a
``size × size`` Gaussian normalised to sum 1, zero-padded at the borders so the maps keep
their size. The deck prints eq. (16) as exp{+(r² + s²)/2σ²}: that is a sign slip (the
weights would grow away from the centre); a Gaussian is exp{−(r² + s²)/2σ²}, and its
prefactor does not matter once the window sums to 1. With ``across="mean"`` the maps'
mean is taken instead of their sum (Jarrett et al. 2009, whose weights sum to 1 over the
maps too).

Brightness normalisation divides each cell by ``(κ + λ·Σ_j X_j²)^μ``, the sum over all
maps at the same position (eq. 17). ``mode="both"`` is subtractive, then brightness.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.errors import InputError
from engine.stages import Array, StageResult, at_of, factor, finite, num

MODES = ("subtractive", "brightness", "both")
MAX_SIZE = 63


def default_size(sigma: float) -> int:
    """An odd window that holds the Gaussian to ±2σ: 2·⌈2σ⌉ + 1."""
    return 2 * math.ceil(2 * sigma) + 1


def gaussian_window(size: int, sigma: float) -> Array:
    """(size, size): exp(−(r² + s²)/2σ²) for r, s from −(size−1)/2, normalised to sum 1.

    >>> w = gaussian_window(3, 1.0)
    >>> round(float(w.sum()), 12), bool(w[1, 1] == w.max())
    (1.0, True)
    """
    g = _gaussian_1d(size, sigma)
    return np.outer(g, g)


def _gaussian_1d(size: int, sigma: float) -> Array:
    r = np.arange(size) - (size - 1) / 2
    g: Array = np.exp(-(r * r) / (2 * sigma * sigma))
    g /= g.sum()
    return g


def _smooth(x: Array, size: int, sigma: float) -> Array:
    """A map (H, W) correlated with the window, zero-padded to keep its size (the window
    is separable: a pass down the columns, then along the rows)."""
    g, h = _gaussian_1d(size, sigma), size // 2
    padded = np.pad(x, h)
    rows: Array = np.lib.stride_tricks.sliding_window_view(padded, size, axis=0) @ g
    out: Array = np.lib.stride_tricks.sliding_window_view(rows, size, axis=1) @ g
    return out


def local_contrast_norm(x: Array, *, mode: str = "both", sigma: float = 1.0,
                        size: int | None = None, across: str = "sum", kappa: float = 2.0,
                        lam: float = 1e-4, mu: float = 0.75) -> StageResult:
    """Deck 003's subtractive and/or brightness normalisation of maps (C, H, W)."""
    if mode not in MODES:
        raise InputError("mode", f"must be one of {', '.join(MODES)}, got {mode!r}")
    if across not in ("sum", "mean"):
        raise InputError("across", f"must be sum or mean, got {across!r}")
    if not sigma > 0:
        raise InputError("sigma", f"must be more than 0, got {sigma}")
    size = default_size(sigma) if size is None else size
    if size < 1 or size % 2 == 0 or size > MAX_SIZE:
        raise InputError("size", f"must be an odd whole number from 1 to {MAX_SIZE}, got {size}")
    extra: dict[str, Any] = {"mode": mode, "sigma": sigma, "size": size, "across": across,
                             "kappa": kappa, "lambda": lam, "mu": mu}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        v = x
        if mode != "brightness":
            total = x.sum(axis=0) if across == "sum" else x.mean(axis=0)
            extra["local_mean"] = _smooth(total, size, sigma)
            v = x - extra["local_mean"][None]
            extra["subtracted"] = v
        y = v
        if mode != "subtractive":
            extra["squares"] = (v * v).sum(axis=0)
            extra["divisor"] = (kappa + lam * extra["squares"]) ** mu
            y = v / extra["divisor"][None]
    finite(y, "input", "the sums overflow or the divisor (κ + λ·Σx²)^μ is 0")
    return StageResult("local_contrast_norm", x, np.asarray(y), extra, stepper=_step)


def _step(r: StageResult, index: int) -> dict[str, Any]:
    at = at_of(r.output.shape, index)
    e = r.extra
    pos = index % (r.output.shape[1] * r.output.shape[2])
    x, y = float(r.input.flat[index]), float(r.output.flat[index])
    parts, notes = [], []
    if e["mode"] != "brightness":
        m = float(e["local_mean"].flat[pos])
        v = float(e["subtracted"].flat[index])
        maps = "Σ_j" if e["across"] == "sum" else "mean_j"
        parts.append(f"v = x − {maps} (K_G * X_j) = {num(x)} − {factor(m)} = {num(v)}")
        notes.append(f"K_G: {e['size']}×{e['size']} Gaussian window, σ = {num(e['sigma'])}, "
                     f"summing to 1, zero-padded at the borders")
    else:
        v = x
    if e["mode"] != "subtractive":
        s = float(e["squares"].flat[pos])
        name = "v" if e["mode"] == "both" else "x"
        parts.append(f"y = {name} / (κ + λ·Σ_j {name}_j²)^μ = {num(v)} / ({num(e['kappa'])} + "
                     f"{num(e['lambda'])}·{num(s)})^{num(e['mu'])} = {num(y)}")
        notes.append(f"Σ_j over the {r.input.shape[0]} maps at this position")
    return {"index": index, "at": at, "input": x, "output": y, "formula": "; ".join(parts),
            "note": "; ".join(notes)}
