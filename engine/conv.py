"""Convolution on 1, 2 or 3 spatial axes (cross-correlation, or true convolution with
``flip_kernel``): one plan, one run and one trace whatever the number of axes.

``conv2d`` and ``conv3d`` compute the output by im2col and one matrix product (the
fast path); ``conv2d_trace`` explains any range of output cells from the same
index map, as NumPy columns, so a page of the trace costs one gather. The names
say 2-D because that is what most views show; a plan with three axes (depth,
height, width) runs through the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.cache import ByteCache, MiB
from engine.errors import InputError
from engine.geometry import AxisArithmetic, conv_axis
from engine.indexmap import IndexMap, build_index_map
from engine.params import (
    AXES,
    PaddingSpec,
    as_bias,
    as_kernel,
    as_matrix,
    as_sizes,
    check_padding_mode,
    resolve_padding,
)
from engine.primitives import PaddingMode, Pair, pad_axes, windows

Sizes = tuple[int, ...]


@dataclass(frozen=True)
class Conv2dResult:
    """Everything a view needs. Shapes: ``output`` (C_out, H_out, W_out),
    ``padded_input`` (C_in, H + top + bottom, W + left + right), ``kernel``
    (C_out, C_in/groups, kH, kW) as applied (rotated 180° for true convolution),
    ``bias`` (C_out,); a volume has a depth axis before the height in each."""

    output: NDArray[np.float64]
    padded_input: NDArray[np.float64]
    kernel: NDArray[np.float64]
    bias: NDArray[np.float64]
    groups: int
    flip_kernel: bool
    padding_mode: str
    arithmetic: tuple[AxisArithmetic, ...]
    index_map: IndexMap
    input_rank: int

    @property
    def output_shape(self) -> list[int]:
        """Shape of ``output`` as returned: without the channel axis for a one-channel
        input (no channel axis) and one filter."""
        if self.input_rank == self.index_map.ndim and self.output.shape[0] == 1:
            return list(self.output.shape[1:])
        return list(self.output.shape)

    @property
    def n_steps(self) -> int:
        return int(self.output.size)


@dataclass(frozen=True)
class ConvTrace:
    """Steps ``start … start + n − 1`` as columns (n steps, T = kH·kW taps,
    G = C_in/groups channels per filter).

    ``out`` (n, 3) is (channel, row, col); ``window`` (n, T, 2) padded (row, col); a
    volume's have one more index, its depth, before the row: (n, 4) and (n, T, 3);
    ``padding`` (n, T) true where the tap reads padding; ``products`` (n, G, T);
    ``partial_sums`` (n, G); ``bias`` (n,); ``value`` (n,).
    """

    start: int
    total: int
    out: NDArray[np.intp]
    window: NDArray[np.intp]
    padding: NDArray[np.bool_]
    products: NDArray[np.float64]
    partial_sums: NDArray[np.float64]
    bias: NDArray[np.float64]
    value: NDArray[np.float64]


@dataclass(frozen=True)
class Conv2dPlan:
    """A checked request, before anything large is allocated.

    ``input`` is (C_in, H, W); ``kernel`` (C_out, C_in/groups, kH, kW) as applied.
    ``padded_size`` and ``output_size`` are (height, width); ``im2col_size`` is the
    number of cells the fast path copies, so a caller can refuse a costly request.
    A volume's plan has (C_in, D, H, W), (C_out, C_in/groups, kD, kH, kW) and three
    entries per size.
    """

    input: NDArray[np.float64]
    kernel: NDArray[np.float64]
    bias: NDArray[np.float64]
    stride: Sizes
    dilation: Sizes
    padding: tuple[Pair, ...]
    padding_mode: PaddingMode
    groups: int
    flip_kernel: bool
    arithmetic: tuple[AxisArithmetic, ...]
    input_rank: int

    @property
    def ndim(self) -> int:
        """Spatial axes: 2 for a picture, 3 for a volume."""
        return len(self.arithmetic)

    @property
    def output_size(self) -> Sizes:
        return tuple(a.output_size for a in self.arithmetic)

    @property
    def padded_size(self) -> Sizes:
        return tuple(a.padded_size for a in self.arithmetic)

    @property
    def output_cells(self) -> int:
        """Output positions per channel."""
        return int(np.prod(self.output_size))

    @property
    def im2col_size(self) -> int:
        return self.output_cells * int(self.input.shape[0] * np.prod(self.kernel.shape[2:]))

    @property
    def multiply_adds(self) -> int:
        return self.output_cells * int(self.kernel.size)

    @property
    def n_steps(self) -> int:
        """Output cells, each one step of the trace."""
        return self.output_cells * int(self.kernel.shape[0])


def plan_conv2d(input: Any, kernel: Any, *, bias: float | Sequence[float] | None = None,
                stride: int | Sequence[int] = 1, padding: PaddingSpec = 0,
                dilation: int | Sequence[int] = 1, groups: int = 1,
                padding_mode: str = "zeros", flip_kernel: bool = False) -> Conv2dPlan:
    """Check every argument of :func:`conv2d` and work out the geometry, cheaply.

    Raises
    ------
    InputError
        For any combination that cannot be computed; the message names the field.
    """
    return plan_conv(input, kernel, ndim=2, bias=bias, stride=stride, padding=padding,
                     dilation=dilation, groups=groups, padding_mode=padding_mode,
                     flip_kernel=flip_kernel)


def plan_conv3d(input: Any, kernel: Any, *, bias: float | Sequence[float] | None = None,
                stride: int | Sequence[int] = 1, padding: PaddingSpec = 0,
                dilation: int | Sequence[int] = 1, groups: int = 1,
                padding_mode: str = "zeros", flip_kernel: bool = False) -> Conv2dPlan:
    """Check every argument of :func:`conv3d` and work out the geometry, cheaply."""
    return plan_conv(input, kernel, ndim=3, bias=bias, stride=stride, padding=padding,
                     dilation=dilation, groups=groups, padding_mode=padding_mode,
                     flip_kernel=flip_kernel, op="conv3d")


def plan_conv(input: Any, kernel: Any, *, ndim: int,
              bias: float | Sequence[float] | None = None, stride: int | Sequence[int] = 1,
              padding: PaddingSpec = 0, dilation: int | Sequence[int] = 1, groups: int = 1,
              padding_mode: str = "zeros", flip_kernel: bool = False,
              op: str = "conv2d") -> Conv2dPlan:
    """The plan of a convolution over ``ndim`` spatial axes: ``input`` is (*sizes) or
    (C, *sizes), ``kernel`` (*k), (C_in/groups, *k) or (C_out, C_in/groups, *k)."""
    x = as_matrix(input, "input", ranks=(ndim, ndim + 1))
    x_c = x[None] if x.ndim == ndim else x
    w = as_kernel(as_matrix(kernel, "kernel", ranks=(ndim, ndim + 1, ndim + 2)),
                  x_c.shape[0], groups, ndim=ndim)
    if flip_kernel:
        w = np.flip(w, axis=tuple(range(2, 2 + ndim))).copy()
    stride_n = as_sizes(stride, "stride", ndim=ndim, minimum=1)
    dilation_n = as_sizes(dilation, "dilation", ndim=ndim, minimum=1)
    kernel_size = tuple(int(k) for k in w.shape[2:])
    pads = resolve_padding(padding, kernel_size=kernel_size, dilation=dilation_n,
                           stride=stride_n)
    input_size = tuple(int(n) for n in x_c.shape[1:])
    arithmetic = tuple(
        conv_axis(axis, input_size=size, kernel_size=k, stride=s, padding=p, dilation=d, op=op)
        for axis, size, k, s, p, d in zip(AXES[ndim], input_size, kernel_size, stride_n, pads,
                                          dilation_n))
    return Conv2dPlan(
        input=x_c, kernel=w, bias=as_bias(bias, w.shape[0]), stride=stride_n,
        dilation=dilation_n, padding=pads,
        padding_mode=check_padding_mode(padding_mode, pads, input_size), groups=groups,
        flip_kernel=flip_kernel, arithmetic=arithmetic, input_rank=x.ndim,
    )


def run_conv2d(plan: Conv2dPlan) -> Conv2dResult:
    """Compute a planned convolution by im2col and one matrix product."""
    padded = pad_axes(plan.input, plan.padding, plan.padding_mode)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported just below
        output = _im2col_matmul(padded, plan.kernel, plan.groups, plan.stride, plan.dilation)
        output += plan.bias.reshape(-1, *(1,) * plan.ndim)
    return _result(plan, padded, output, _index_map(plan))


def conv2d_with_output(plan: Conv2dPlan, output: NDArray[np.float64]) -> Conv2dResult:
    """A planned convolution whose output is known already, without computing it again.

    The direct convolution equivalent to a transposed one, and ΔX's full convolution,
    have the output of the scatter that built them (tests/engine prove both). With
    zero insertion their im2col is stride² times the scatter's work: 40×40 by a 40×40
    kernel at stride 20 took 8.5 GB. Explaining them needs a page of gathers only.
    """
    expected = (int(plan.kernel.shape[0]), *plan.output_size)
    if output.shape != expected:
        raise ValueError(f"the output has shape {output.shape}, the plan gives {expected}")
    padded = pad_axes(plan.input, plan.padding, plan.padding_mode)
    return _result(plan, padded, output, _index_map(plan))


def run_conv2d_traced(plan: Conv2dPlan) -> tuple[Conv2dResult, ConvTrace]:
    """The convolution and the trace of every step, from one gather: for small requests.

    The index map's flat indices read every window at once (the im2col matrix, in
    step order); the products and their sums are the trace, and the output is those
    sums plus the bias. Each value is therefore exactly the sum its step shows; it
    may differ from :func:`run_conv2d`'s matrix product in the last bit, as the two
    add in different orders (never for whole numbers).
    """
    padded = pad_axes(plan.input, plan.padding, plan.padding_mode)
    c_out, per_group = plan.kernel.shape[:2]
    total = plan.n_steps
    index_map = _index_map(plan)
    channel, _, out, window, flat, padding = _trace_positions(
        index_map, 0, total, c_out, per_group, plan.groups)
    weights = plan.kernel.reshape(c_out, per_group, -1)
    bias = plan.bias[channel]
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        products = padded.ravel()[flat] * (weights[0] if c_out == 1 else weights[channel])
        partial = products.sum(axis=2)
        value = partial.sum(axis=1) + bias
    result = _result(plan, padded, value.reshape(c_out, *plan.output_size), index_map)
    return result, ConvTrace(start=0, total=total, out=out, window=window, padding=padding,
                             products=products, partial_sums=partial, bias=bias, value=value)


def _index_map(plan: Conv2dPlan) -> IndexMap:
    return build_index_map(input_size=tuple(int(n) for n in plan.input.shape[1:]),
                           kernel_size=tuple(int(k) for k in plan.kernel.shape[2:]),
                           stride=plan.stride, dilation=plan.dilation, padding=plan.padding,
                           output_size=plan.output_size, padding_mode=plan.padding_mode)


def _result(plan: Conv2dPlan, padded: NDArray[np.float64], output: NDArray[np.float64],
            index_map: IndexMap) -> Conv2dResult:
    if not np.isfinite(output).all():
        sizes = {name: float(np.abs(array).max(initial=0.0)) for name, array in
                 (("input", plan.input), ("kernel", plan.kernel), ("bias", plan.bias))}
        raise InputError(max(sizes, key=sizes.__getitem__), "the values are too large: the "
                         "output overflows float64 (keep magnitudes below about 1e150)")
    return Conv2dResult(output=output, padded_input=padded, kernel=plan.kernel, bias=plan.bias,
                        groups=plan.groups, flip_kernel=plan.flip_kernel,
                        padding_mode=plan.padding_mode, arithmetic=plan.arithmetic,
                        index_map=index_map, input_rank=plan.input_rank)


def conv2d(input: Any, kernel: Any, *, bias: float | Sequence[float] | None = None,
           stride: int | Sequence[int] = 1, padding: PaddingSpec = 0,
           dilation: int | Sequence[int] = 1, groups: int = 1, padding_mode: str = "zeros",
           flip_kernel: bool = False) -> Conv2dResult:
    """Convolve ``input`` (H, W) or (C, H, W) with ``kernel``, as ``torch.nn.functional.conv2d``.

    ``kernel`` is (kH, kW), (C_in/groups, kH, kW) for one filter, or
    (C_out, C_in/groups, kH, kW). With ``flip_kernel`` the kernel is rotated
    180° first: true convolution, as the lecture decks define it. ``padding``
    is an int, [height, width], "valid", "same" or "full".

    Raises
    ------
    InputError
        For any combination that cannot be computed; the message names the field.

    Examples
    --------
    >>> A = [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4],
    ...      [5, 6, 0, 7, 1, 4], [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]]
    >>> K = [[1, 2, 2], [2, 1, 2], [2, 2, 1]]
    >>> conv2d(A, K, stride=3).output[0].tolist()
    [[52.0, 54.0], [52.0, 54.0]]
    """
    return run_conv2d(plan_conv2d(input, kernel, bias=bias, stride=stride, padding=padding,
                                  dilation=dilation, groups=groups, padding_mode=padding_mode,
                                  flip_kernel=flip_kernel))


def conv3d(input: Any, kernel: Any, *, bias: float | Sequence[float] | None = None,
           stride: int | Sequence[int] = 1, padding: PaddingSpec = 0,
           dilation: int | Sequence[int] = 1, groups: int = 1, padding_mode: str = "zeros",
           flip_kernel: bool = False) -> Conv2dResult:
    """Convolve a volume (D, H, W) or (C, D, H, W), as ``torch.nn.functional.conv3d``.

    ``kernel`` is (kD, kH, kW), (C_in/groups, kD, kH, kW) or (C_out, C_in/groups, kD, kH,
    kW); every other argument as :func:`conv2d`, with three entries where it takes two.

    >>> conv3d(np.ones((3, 3, 3)), np.ones((2, 2, 2)), padding=[0, 0, 1]).output.shape
    (1, 2, 2, 4)
    """
    return run_conv2d(plan_conv3d(input, kernel, bias=bias, stride=stride, padding=padding,
                                  dilation=dilation, groups=groups, padding_mode=padding_mode,
                                  flip_kernel=flip_kernel))


def _im2col_matmul(padded: NDArray[np.float64], kernel: NDArray[np.float64], groups: int,
                   stride: Sizes, dilation: Sizes) -> NDArray[np.float64]:
    """Output (C_out, *output sizes) by one strided im2col copy and one batched matmul.

    The columns are laid out (groups, C_in/groups·kH·kW, H_out·W_out) so that the
    copy reads rows of the input in order and the product needs no transpose.
    """
    c_out, per_group, *k = kernel.shape
    n = len(k)
    view = windows(padded, k, stride, dilation)  # (C_in, *out sizes, *kernel sizes)
    out_sizes = view.shape[1:1 + n]
    taps, cells = int(np.prod(k)), int(np.prod(out_sizes))
    order = (0, *range(1 + n, 1 + 2 * n), *range(1, 1 + n))
    cols = view.transpose(order).reshape(groups, per_group * taps, cells)
    weights = kernel.reshape(groups, c_out // groups, per_group * taps)
    out: NDArray[np.float64] = np.matmul(weights, cols)
    return out.reshape(c_out, *out_sizes)  # from (groups, C_out/groups, cells)


def _trace_positions(imap: IndexMap, start: int, stop: int, c_out: int, per_group: int,
                     groups: int) -> tuple[Any, ...]:
    """Positions of steps ``start … stop − 1``: output channel (n,); the output cell's
    index along each spatial axis, a tuple of (n,); both as ``out`` (n, 1 + axes); the
    padded positions read, ``window`` (n, T, axes); the flat index into the padded input
    (C_in, *padded sizes) of every value read (n, G, T); padding flags (n, T). Read-only,
    and kept for small pages: a lecture steps through the same geometry again and again."""
    if stop - start > 1024:
        return _positions_of_steps(imap, start, stop, c_out, per_group, groups)
    key = (imap.geometry, start, stop, c_out, per_group, groups)
    found = _POSITIONS.get(key)
    if found is None:
        found = _POSITIONS.put(key, _positions_of_steps(imap, start, stop, c_out, per_group,
                                                        groups))
    return found


def _positions_of_steps(imap: IndexMap, start: int, stop: int, c_out: int, per_group: int,
                        groups: int) -> tuple[Any, ...]:
    k = np.arange(start, stop, dtype=np.intp)
    channel, cell = np.divmod(k, int(np.prod(imap.output_size)))
    cells = tuple(np.asarray(a, dtype=np.intp) for a in np.unravel_index(cell, imap.output_size))
    reads = imap.window_nd(cells)  # per axis (n, T)
    group = channel // (c_out // groups)
    in_ch = group[:, None] * per_group + np.arange(per_group)[None, :]  # (n, G)
    # One flat index per value read: a single gather, several times faster than one per axis.
    flat = in_ch[:, :, None]
    for size, where in zip(imap.padded_size, reads):
        flat = flat * size + where[:, None, :]
    out, window = np.stack([channel, *cells], axis=1), np.stack(reads, axis=2)
    arrays = [channel, *cells, out, window, flat, imap.is_padding_nd(reads)]
    for array in arrays:
        array.setflags(write=False)
    return (channel, cells, out, window, flat, arrays[-1])


# Bounded by bytes: a page of a long kernel's trace is megabytes (engine/cache.py).
_POSITIONS: ByteCache[tuple[NDArray[Any], ...]] = ByteCache(64 * MiB, max_entry_bytes=8 * MiB)


def conv2d_trace(result: Conv2dResult, *, start: int = 0, limit: int | None = None
                 ) -> ConvTrace:
    """The steps ``start`` to ``start + limit − 1`` of the forward computation.

    Steps run over output channels, then rows, then columns. Each lists the
    padded positions read, the products per input channel, their partial
    sums, the bias and the output value.
    """
    total = result.n_steps
    if start < 0 or (start >= total and total > 0):
        raise InputError("trace", f"start {start} is outside the {total} steps")
    stop = total if limit is None else min(total, start + limit)
    c_out, per_group = result.kernel.shape[:2]
    channel, cells, out, window, flat, padding = _trace_positions(
        result.index_map, start, stop, c_out, per_group, result.groups)
    values = result.padded_input.ravel()[flat]  # (n, G, T)
    weights = result.kernel.reshape(c_out, per_group, -1)
    products = values * (weights[0] if c_out == 1 else weights[channel])
    partial = products.sum(axis=2)
    return ConvTrace(
        start=start, total=total, out=out, window=window, padding=padding,
        products=products, partial_sums=partial, bias=result.bias[channel],
        value=result.output[(channel, *cells)],
    )

