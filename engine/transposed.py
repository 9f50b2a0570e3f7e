"""2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d``.

Seen three ways, all from the index map of the convolution it transposes:
the scatter (each input cell places a scaled copy of the kernel, deck 002's
A1 … A9, with the running sum), Cᵀ·x, and the equivalent direct convolution
over the zero-inserted, padded input with the flipped kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.conv import Conv2dPlan, plan_conv2d
from engine.errors import InputError
from engine.geometry import AxisArithmetic, transposed_axis
from engine.indexmap import IndexMap, build_index_map
from engine.params import as_bias, as_matrix
from engine.primitives import Pair, as_pair, insert_zeros

IntPair = int | Sequence[int]


@dataclass(frozen=True)
class ConvTranspose2dResult:
    """Shapes: ``input`` (C_in, H, W); ``kernel`` (C_in, C_out/groups, kH, kW);
    ``output`` (C_out, H_out, W_out); ``canvas`` (C_out, H_out + 2p, W_out + 2p), the
    scatter before the padding is cropped; ``coverage`` (H_out, W_out), how many
    (input cell, tap) pairs land on each output cell (Cᵀ·1)."""

    input: NDArray[np.float64]
    kernel: NDArray[np.float64]
    bias: NDArray[np.float64]
    output: NDArray[np.float64]
    canvas: NDArray[np.float64]
    coverage: NDArray[np.float64]
    groups: int
    output_padding: Pair
    arithmetic: tuple[AxisArithmetic, AxisArithmetic]
    index_map: IndexMap
    input_rank: int

    @property
    def padding(self) -> Pair:
        return (self.index_map.padding[0][0], self.index_map.padding[1][0])


@dataclass(frozen=True)
class TransposedPlan:
    """A checked transposed convolution before anything large is allocated."""

    input: NDArray[np.float64]
    kernel: NDArray[np.float64]
    bias: NDArray[np.float64]
    groups: int
    output_padding: Pair
    arithmetic: tuple[AxisArithmetic, AxisArithmetic]
    index_map: IndexMap
    input_rank: int

    @property
    def output_cells(self) -> int:
        return int(self.kernel.shape[1] * self.groups * np.prod(self.index_map.padded_size))

    @property
    def multiply_adds(self) -> int:
        return int(self.input[0].size * self.kernel.size)


def plan_conv_transpose2d(input: Any, kernel: Any, *,
                          bias: float | Sequence[float] | None = None, stride: IntPair = 1,
                          padding: IntPair = 0, output_padding: IntPair = 0,
                          dilation: IntPair = 1, groups: int = 1) -> TransposedPlan:
    """Check the arguments of :func:`conv_transpose2d` and work out the geometry."""
    x = as_matrix(input, "input", ranks=(2, 3))
    x3 = x[None] if x.ndim == 2 else x
    w = as_matrix(kernel, "kernel", ranks=(2, 4))
    w = w[None, None] if w.ndim == 2 else w
    c_in, h, wd = x3.shape
    if groups < 1 or c_in % groups:
        raise InputError("groups", f"{groups} does not divide the {c_in} input channels")
    if w.shape[0] != c_in:
        raise InputError("kernel", f"has {w.shape[0]} input channel(s) (its first axis) but "
                         f"the input has {c_in}: a transposed kernel is "
                         f"(C_in, C_out/groups, kH, kW)")
    s = as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    a = as_pair(output_padding, "output_padding", minimum=0)
    d = as_pair(dilation, "dilation", minimum=1)
    k = (int(w.shape[2]), int(w.shape[3]))
    arithmetic = tuple(
        transposed_axis(axis, input_size=n, kernel_size=k[i], stride=s[i], padding=p[i],
                        dilation=d[i], output_padding=a[i])
        for i, (axis, n) in enumerate((("height", h), ("width", wd))))
    out = (arithmetic[0].output_size, arithmetic[1].output_size)
    # The convolution this transposes reads an (H_out, W_out) input padded by p
    # and produces (H, W); the output padding only decides H_out among the sizes
    # that all give H.
    imap = build_index_map(input_size=out, kernel_size=k, stride=s, dilation=d,
                           padding=((p[0], p[0]), (p[1], p[1])),
                           output_size=(h, wd))
    return TransposedPlan(input=x3, kernel=w, bias=as_bias(bias, w.shape[1] * groups),
                          groups=groups, output_padding=a,
                          arithmetic=arithmetic,  # type: ignore[arg-type]
                          index_map=imap, input_rank=x.ndim)


def run_conv_transpose2d(plan: TransposedPlan) -> ConvTranspose2dResult:
    """Compute a planned transposed convolution by scattering the kernel."""
    x3, w, imap = plan.input, plan.kernel, plan.index_map
    (top, _), (left, _) = imap.padding
    ho, wo = imap.input_size
    canvas = scatter(x3, w, imap, plan.groups)
    output = canvas[:, top:top + ho, left:left + wo] + plan.bias[:, None, None]
    if not np.all(np.isfinite(output)):
        raise InputError("input", "the values are too large: the output overflows float64")
    ones = scatter(np.ones((1, *x3.shape[1:])), np.ones((1, 1, *w.shape[2:])), imap, 1)
    return ConvTranspose2dResult(
        input=x3, kernel=w, bias=plan.bias, output=output, canvas=canvas,
        coverage=ones[0, top:top + ho, left:left + wo], groups=plan.groups,
        output_padding=plan.output_padding, arithmetic=plan.arithmetic, index_map=imap,
        input_rank=plan.input_rank)


def conv_transpose2d(input: Any, kernel: Any, *, bias: float | Sequence[float] | None = None,
                     stride: IntPair = 1, padding: IntPair = 0, output_padding: IntPair = 0,
                     dilation: IntPair = 1, groups: int = 1) -> ConvTranspose2dResult:
    """Transposed convolution of ``input`` (H, W) or (C_in, H, W).

    ``kernel`` is (kH, kW) for one channel in and out, or (C_in, C_out/groups, kH, kW).

    >>> r = conv_transpose2d([[1, 3, 2], [2, 5, 6], [7, 1, 3]], [[0, 1], [3, 2]])
    >>> r.output[0].tolist()[1]
    [3.0, 13.0, 17.0, 10.0]
    """
    return run_conv_transpose2d(plan_conv_transpose2d(
        input, kernel, bias=bias, stride=stride, padding=padding,
        output_padding=output_padding, dilation=dilation, groups=groups))


def scatter(x: NDArray[np.float64], kernel: NDArray[np.float64], imap: IndexMap,
            groups: int) -> NDArray[np.float64]:
    """Cᵀ·x on the padded canvas: one strided add per kernel tap and group.

    ``x`` (C_in, H, W) sits at the conv's output positions; each tap adds
    ``x · w[tap]`` where the index map says that tap reads. A small input gets
    the products of every tap from one matrix product per group; a large one
    one tap at a time, so that no more than one tap's products are held at once.
    """
    c_in, h, w = x.shape
    per_in, per_out, kh, kw = c_in // groups, *kernel.shape[1:]
    canvas = np.zeros((per_out * groups, *imap.padded_size))
    (sh, sw), (dh, dw) = imap.stride, imap.dilation
    at_once = per_out * kh * kw * h * w <= _SPREAD_CELLS
    with np.errstate(over="ignore", invalid="ignore"):
        for g in range(groups):
            xs = x[g * per_in:(g + 1) * per_in].reshape(per_in, h * w)
            taps = kernel[g * per_in:(g + 1) * per_in]  # (per_in, per_out, kH, kW)
            if at_once:
                spread = (taps.reshape(per_in, -1).T @ xs).reshape(per_out, kh, kw, h, w)
            for tr in range(kh):
                for tc in range(kw):
                    products = spread[:, tr, tc] if at_once else (
                        taps[:, :, tr, tc].T @ xs).reshape(per_out, h, w)
                    canvas[g * per_out:(g + 1) * per_out,
                           tr * dh:tr * dh + (h - 1) * sh + 1:sh,
                           tc * dw:tc * dw + (w - 1) * sw + 1:sw] += products
    return canvas


_SPREAD_CELLS = 1 << 16  # products held at once by scatter's one-product path (0.5 MB)


@dataclass(frozen=True)
class ScatterTrace:
    """Steps ``start …`` (one per input cell), n steps, m = C_out/groups · kH·kW targets:
    ``source`` (n, 3) (channel, row, col); ``value`` (n,); ``targets`` (n, m, 3) output
    (channel, row, col), possibly outside the output where the padding crops it;
    ``cropped`` (n, m); ``amounts`` (n, m) = value × weight; ``running_sum`` (n, C_out,
    H_out, W_out): the output after the step (starting from the bias)."""

    start: int
    total: int
    source: NDArray[np.intp]
    value: NDArray[np.float64]
    targets: NDArray[np.intp]
    cropped: NDArray[np.bool_]
    amounts: NDArray[np.float64]
    running_sum: NDArray[np.float64]


def conv_transpose2d_trace(result: ConvTranspose2dResult, *, start: int = 0,
                           limit: int | None = None) -> ScatterTrace:
    """The scatter, input cell by input cell (channels, then rows, then columns)."""
    x, w, imap = result.input, result.kernel, result.index_map
    c_in, h, wd = x.shape
    total = x.size
    if start < 0 or start >= total:
        raise InputError("trace", f"start {start} is outside the {total} steps")
    steps = np.arange(start, total if limit is None else min(total, start + limit))
    channel, cell = np.divmod(steps, h * wd)
    row, col = np.divmod(cell, wd)
    per_out, kh, kw = w.shape[1:]
    group = channel // (c_in // result.groups)
    out_ch = group[:, None] * per_out + np.arange(per_out)[None, :]  # (n, per_out)
    tap_r = imap.row_taps(row) - result.padding[0]  # (n, kH) output rows
    tap_c = imap.col_taps(col) - result.padding[1]
    n, m = len(steps), per_out * kh * kw
    t_ch = np.broadcast_to(out_ch[:, :, None, None], (n, per_out, kh, kw)).reshape(n, m)
    t_r = np.broadcast_to(tap_r[:, None, :, None], (n, per_out, kh, kw)).reshape(n, m)
    t_c = np.broadcast_to(tap_c[:, None, None, :], (n, per_out, kh, kw)).reshape(n, m)
    ho, wo = result.output.shape[1:]
    cropped = (t_r < 0) | (t_r >= ho) | (t_c < 0) | (t_c >= wo)
    value = x[channel, row, col]
    amounts = value[:, None] * w[channel].reshape(n, m)
    before = np.where(np.arange(total).reshape(x.shape) < start, x, 0.0)
    base = scatter(before, w, imap, result.groups)[
        :, result.padding[0]:result.padding[0] + ho, result.padding[1]:result.padding[1] + wo]
    deltas = np.zeros((n, result.output.size))
    flat = (t_ch * ho + t_r) * wo + t_c
    step_ix = np.broadcast_to(np.arange(n)[:, None], (n, m))
    np.add.at(deltas, (step_ix[~cropped], flat[~cropped]), amounts[~cropped])
    running = np.cumsum(deltas, axis=0).reshape(n, *result.output.shape)
    running += base + result.bias[:, None, None]
    return ScatterTrace(start=start, total=total, source=np.stack([channel, row, col], 1),
                        value=value, targets=np.stack([t_ch, t_r, t_c], axis=2),
                        cropped=cropped, amounts=amounts, running_sum=running)


def equivalent_conv(result: ConvTranspose2dResult) -> Conv2dPlan:
    """The direct convolution giving the same output (Dumoulin & Visin, Relationship 14).

    Its input is the transposed conv's input with ``stride − 1`` zeros between
    cells, padded by ``(k − 1)·d − p`` on each side (cropped where that is
    negative) plus the output padding at the bottom/right; its kernel is the
    original rotated 180° with the channel axes swapped; stride 1.
    """
    x, w = result.input, result.kernel
    imap = result.index_map
    stretched = insert_zeros(x, imap.stride)
    pads = []
    for i in range(2):
        before = (imap.kernel_size[i] - 1) * imap.dilation[i] - result.padding[i]
        pads.append([before, before + result.output_padding[i]])
    padding = tuple(tuple(max(0, v) for v in pair) for pair in pads)
    if min(min(pair) for pair in pads) < 0:
        # p > (k − 1)·d: the padding is negative, so crop; pad first, as the crop
        # may be larger than the stretched input on one side.
        stretched = np.pad(stretched, ((0, 0), *padding))
        (t, b), (left, r) = [[max(0, -v) for v in pair] for pair in pads]
        h, wd = stretched.shape[1:]
        stretched = stretched[:, t:h - b, left:wd - r]
        padding = ((0, 0), (0, 0))
    per_in, per_out = w.shape[0] // result.groups, w.shape[1]
    flipped = (w[..., ::-1, ::-1].reshape(result.groups, per_in, per_out, *w.shape[2:])
               .transpose(0, 2, 1, 3, 4).reshape(per_out * result.groups, per_in, *w.shape[2:]))
    return plan_conv2d(stretched, flipped, bias=result.bias.tolist(), padding=padding,
                       dilation=imap.dilation, groups=result.groups)
