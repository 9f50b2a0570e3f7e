"""2-D pooling (max, average, min), its backward pass, and max-unpooling.

The same index map as convolution, with a reducer instead of a dot product:
max and min remember which tap won (PyTorch's flat per-channel ``indices``),
average remembers its divisor. Semantics follow ``torch.nn.functional``
``max_pool2d`` / ``avg_pool2d`` / ``max_unpool2d``; min pooling is
``-max_pool2d(-x)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from engine.errors import InputError
from engine.geometry import AxisArithmetic, pool_axis
from engine.indexmap import IndexMap, build_index_map
from engine.params import as_matrix
from engine.primitives import Pair, as_pair, windows

PoolMode = Literal["max", "avg", "min"]
IntPair = int | Sequence[int]


@dataclass(frozen=True)
class Pool2dResult:
    """Shapes: ``output`` and ``indices`` (C, H_out, W_out); ``frame`` (C, H_f, W_f) is
    the input placed in its padded frame (padding reads as 0 here, flagged by
    ``index_map``); ``divisors`` (H_out, W_out) for average pooling."""

    mode: PoolMode
    output: NDArray[np.float64]
    indices: NDArray[np.int64] | None
    winners: NDArray[np.intp] | None
    divisors: NDArray[np.float64] | None
    frame: NDArray[np.float64]
    real: NDArray[np.bool_]
    in_frame: NDArray[np.bool_]
    count_include_pad: bool
    arithmetic: tuple[AxisArithmetic, AxisArithmetic]
    index_map: IndexMap
    input_rank: int

    @property
    def input_shape(self) -> tuple[int, int, int]:
        c = self.frame.shape[0]
        return (c, self.index_map.input_size[0], self.index_map.input_size[1])


def pool2d(input: Any, *, mode: str = "max", kernel_size: IntPair,
           stride: IntPair | None = None, padding: IntPair = 0, dilation: IntPair = 1,
           ceil_mode: bool = False, count_include_pad: bool = True) -> Pool2dResult:
    """Pool each channel of ``input`` (H, W) or (C, H, W) on its own.

    ``stride`` defaults to ``kernel_size``. Padding never wins a max or a min;
    for ``avg`` it counts in the divisor when ``count_include_pad``.

    >>> r = pool2d([[1, 5, 2, 0], [3, 4, 8, 1]], kernel_size=2)
    >>> r.output[0].tolist(), r.indices[0].tolist()
    ([[5.0, 8.0]], [[1, 6]])
    """
    if mode not in ("max", "avg", "min"):
        raise InputError("mode", f"must be max, avg or min, got {mode!r}")
    x = as_matrix(input, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    s = as_pair(stride if stride is not None else k, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    d = as_pair(dilation, "dilation", minimum=1)
    if mode == "avg" and d != (1, 1):
        raise InputError("dilation", "average pooling has no dilation (as in PyTorch)")
    c, h, w = x3.shape
    arithmetic = tuple(
        pool_axis(axis, input_size=n, kernel_size=k[i], stride=s[i], padding=p[i],
                  dilation=d[i], ceil_mode=ceil_mode)
        for i, (axis, n) in enumerate((("height", h), ("width", w))))
    out = (arithmetic[0].output_size, arithmetic[1].output_size)
    # With ceil_mode a last window may reach past the padded input: the frame holds it.
    reach = [(out[i] - 1) * s[i] + (k[i] - 1) * d[i] + 1 for i in range(2)]
    after = [max(p[i], reach[i] - (h, w)[i] - p[i]) for i in range(2)]
    imap = build_index_map(input_size=(h, w), kernel_size=k, stride=s, dilation=d,
                           padding=((p[0], after[0]), (p[1], after[1])), output_size=out)
    fill = {"max": -np.inf, "min": np.inf, "avg": 0.0}[mode]
    frame = np.full((c, p[0] + h + after[0], p[1] + w + after[1]), fill)
    frame[:, p[0]:p[0] + h, p[1]:p[1] + w] = x3
    values = windows(frame, k, s, d)[:, :out[0], :out[1]].reshape(c, out[0], out[1], -1)
    rows, cols = imap.window(*np.divmod(np.arange(out[0] * out[1]), out[1]))
    real = ~imap.is_padding(rows, cols)  # (Ho·Wo, T)
    in_frame = (rows < h + 2 * p[0]) & (cols < w + 2 * p[1])
    indices = winners = divisors = None
    if mode == "avg":
        divisors = (in_frame if count_include_pad else real).sum(axis=1).astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # checked below
            output = values.sum(axis=-1) / divisors.reshape(out)
        divisors = divisors.reshape(out)
    else:
        pick = np.argmax if mode == "max" else np.argmin
        winners = pick(values, axis=-1)  # first winner in row-major order, like PyTorch
        output = np.take_along_axis(values, winners[..., None], axis=-1)[..., 0]
        tap_row, tap_col = np.divmod(winners, k[1])
        win_rows = imap.padded_row(np.arange(out[0])[:, None], tap_row) - p[0]
        win_cols = imap.padded_col(np.arange(out[1])[None, :], tap_col) - p[1]
        indices = (win_rows * w + win_cols).astype(np.int64)
    if not np.isfinite(output).all():
        if not real.any(axis=1).all():
            raise InputError("padding", "a window reads padding only (PyTorch would give "
                             "−inf there); reduce the padding or the dilation")
        raise InputError("input", "the values are too large: the average overflows float64 "
                         "(keep magnitudes below about 1e300)")
    frame[~np.isfinite(frame)] = 0.0
    return Pool2dResult(mode=mode, output=output, indices=indices, winners=winners,  # type: ignore[arg-type]
                        divisors=divisors, frame=frame, real=real, in_frame=in_frame,
                        count_include_pad=count_include_pad,
                        arithmetic=arithmetic, index_map=imap,  # type: ignore[arg-type]
                        input_rank=x.ndim)


@dataclass(frozen=True)
class PoolTrace:
    """Steps ``start …`` as columns (n steps, T = kH·kW taps): ``out`` (n, 3) is
    (channel, row, col); ``window`` (n, T, 2) padded (row, col); ``padding`` (n, T) true
    where a tap reads no input cell; ``values`` (n, T) what each tap reads (0 for
    padding); ``winner`` (n,) the winning tap (max, min); ``total`` and ``divisor``
    (n,) for avg; ``value`` (n,)."""

    start: int
    total_steps: int
    out: NDArray[np.intp]
    window: NDArray[np.intp]
    padding: NDArray[np.bool_]
    values: NDArray[np.float64]
    winner: NDArray[np.intp] | None
    total: NDArray[np.float64] | None
    divisor: NDArray[np.float64] | None
    value: NDArray[np.float64]


def pool2d_trace(result: Pool2dResult, *, start: int = 0, limit: int | None = None
                 ) -> PoolTrace:
    """Steps ``start`` to ``start + limit − 1``: channels, then rows, then columns."""
    c, ho, wo = result.output.shape
    n_total = c * ho * wo
    if start < 0 or (start >= n_total and n_total > 0):
        raise InputError("trace", f"start {start} is outside the {n_total} steps")
    k = np.arange(start, n_total if limit is None else min(n_total, start + limit))
    channel, cell = np.divmod(k, ho * wo)
    row, col = np.divmod(cell, wo)
    rows, cols = result.index_map.window(row, col)
    padding = ~result.real[cell]
    values = result.frame[channel[:, None], rows, cols]
    total = divisor = winner = None
    if result.divisors is not None:
        total = values.sum(axis=1)
        divisor = result.divisors[row, col]
    else:
        assert result.winners is not None
        winner = result.winners[channel, row, col]
    return PoolTrace(start=start, total_steps=n_total, out=np.stack([channel, row, col], 1),
                     window=np.stack([rows, cols], axis=2), padding=padding, values=values,
                     winner=winner, total=total, divisor=divisor,
                     value=result.output[channel, row, col])


def pool2d_backward(result: Pool2dResult, grad_output: Any = None) -> NDArray[np.float64]:
    """Gradient with respect to the input, shape (C, H, W), for ``grad_output`` (C, H_out, W_out).

    Max and min route each output's gradient to their winner; average spreads it
    evenly over the window (the share of padding cells is dropped).
    """
    c, h, w = result.input_shape
    out_shape = result.output.shape
    if grad_output is None:
        grad = np.ones(out_shape)
    else:
        grad = as_matrix(grad_output, "grad_output", ranks=(2, 3))
        grad = grad[None] if grad.ndim == 2 else grad
        if grad.shape != out_shape:
            raise InputError("grad_output", f"must have the output's shape "
                             f"{_shape(out_shape, result.input_rank)}, got {list(grad.shape)}")
    if result.indices is not None:
        flat = (np.arange(c)[:, None, None] * h * w + result.indices).ravel()
        routed: NDArray[np.float64] = np.bincount(flat, weights=grad.ravel(),
                                                  minlength=c * h * w).astype(np.float64)
        return routed.reshape(c, h, w)
    assert result.divisors is not None
    imap = result.index_map
    share = grad / result.divisors
    frame = np.zeros(result.frame.shape)
    (kh, kw), (sh, sw), (dh, dw) = imap.kernel_size, imap.stride, imap.dilation
    ho, wo = imap.output_size
    for tr in range(kh):
        for tc in range(kw):
            frame[:, tr * dh:tr * dh + (ho - 1) * sh + 1:sh,
                  tc * dw:tc * dw + (wo - 1) * sw + 1:sw] += share
    (top, _), (left, _) = imap.padding
    return frame[:, top:top + h, left:left + w].copy()


def _shape(shape: tuple[int, ...], rank: int) -> list[int]:
    return list(shape[1:]) if rank == 2 and shape[0] == 1 else list(shape)


@dataclass(frozen=True)
class Unpool2dResult:
    """``output`` (C, H_out, W_out); ``targets`` (C, H, W) the output row-major index
    each input cell is written to; ``overwritten`` marks cells whose value a later
    cell replaced (duplicate indices: the last write wins, as in PyTorch)."""

    output: NDArray[np.float64]
    input: NDArray[np.float64]
    targets: NDArray[np.int64]
    overwritten: NDArray[np.bool_]
    output_size: Pair
    default_size: Pair
    input_rank: int


def max_unpool2d(input: Any, indices: Any, *, kernel_size: IntPair,
                 stride: IntPair | None = None, padding: IntPair = 0,
                 output_size: IntPair | None = None) -> Unpool2dResult:
    """Put each value back where ``indices`` say (as ``torch.nn.functional.max_unpool2d``).

    >>> max_unpool2d([[5, 8]], [[1, 6]], kernel_size=2).output[0].tolist()
    [[0.0, 5.0, 0.0, 0.0], [0.0, 0.0, 8.0, 0.0]]
    """
    return run_max_unpool2d(plan_max_unpool2d(input, indices, kernel_size=kernel_size,
                                              stride=stride, padding=padding,
                                              output_size=output_size))


@dataclass(frozen=True)
class Unpool2dPlan:
    """A checked unpooling, not computed yet: its sizes are known, nothing big is allocated
    (the output is ``channels·output_size`` cells, which may be far more than the input)."""

    input: NDArray[np.float64]  # (C, H, W)
    indices: NDArray[np.float64]  # (C, H, W), whole numbers within the output
    output_size: tuple[int, int]
    default_size: tuple[int, int]
    input_rank: int

    @property
    def output_cells(self) -> int:
        return int(self.input.shape[0]) * self.output_size[0] * self.output_size[1]


def plan_max_unpool2d(input: Any, indices: Any, *, kernel_size: IntPair,
                      stride: IntPair | None = None, padding: IntPair = 0,
                      output_size: IntPair | None = None) -> Unpool2dPlan:
    """Check an unpooling and fix its output size, allocating nothing output-sized."""
    x = as_matrix(input, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    idx = as_matrix(indices, "indices", ranks=(2, 3))
    idx3 = idx[None] if idx.ndim == 2 else idx
    if idx3.shape != x3.shape:
        raise InputError("indices", f"must have the input's shape {list(x.shape)}, "
                         f"got {list(idx.shape)}")
    if not np.all(idx3 == np.floor(idx3)):
        raise InputError("indices", "must be whole numbers")
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    s = as_pair(stride if stride is not None else k, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    _, h, w = x3.shape
    default = ((h - 1) * s[0] + k[0] - 2 * p[0], (w - 1) * s[1] + k[1] - 2 * p[1])
    if output_size is None:
        size = default
    else:
        size = as_pair(output_size, "output_size", minimum=1)
        for i, axis in enumerate(("height", "width")):
            if not default[i] - s[i] < size[i] < default[i] + s[i]:
                raise InputError("output_size", f"{axis} {size[i]} must lie strictly between "
                                 f"{default[i] - s[i]} and {default[i] + s[i]} (the default "
                                 f"{default[i]} ± the stride {s[i]})")
    if min(default) < 1 and output_size is None:
        raise InputError("padding", f"leaves no output: default size {list(default)}")
    cells = size[0] * size[1]
    bad = (idx3 < 0) | (idx3 >= cells)  # checked as floats: 1e19 must not wrap in a cast
    if bad.any():
        where = [int(v) for v in np.argwhere(bad)[0]]
        raise InputError("indices", f"{idx3[tuple(where)]:.0f} at {where} is outside the "
                         f"{size[0]}×{size[1]} = {cells} output cells")
    return Unpool2dPlan(input=x3, indices=idx3, output_size=size, default_size=default,
                        input_rank=x.ndim)


def run_max_unpool2d(plan: Unpool2dPlan) -> Unpool2dResult:
    """Scatter the values of a planned unpooling to their remembered positions."""
    x3 = plan.input
    c = x3.shape[0]
    cells = plan.output_size[0] * plan.output_size[1]
    targets = plan.indices.astype(np.int64)
    flat = (np.arange(c)[:, None, None] * cells + targets).ravel()
    out = np.zeros(c * cells)
    out[flat] = x3.ravel()  # repeated targets: the last write wins
    # Which writes a later one overwrote: the last writer of each target, read back.
    last = np.zeros(c * cells, dtype=np.int64)
    last[flat] = np.arange(flat.size)
    overwritten = (last[flat] != np.arange(flat.size)).reshape(x3.shape)
    return Unpool2dResult(output=out.reshape(c, *plan.output_size), input=x3,
                          targets=targets, overwritten=overwritten,
                          output_size=plan.output_size, default_size=plan.default_size,
                          input_rank=plan.input_rank)
