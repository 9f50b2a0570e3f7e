"""The backward pass of conv2d: ΔX = Cᵀ·ΔY, ΔW = ΔY·X_convᵀ, Δb = ΣΔY (deck 001).

Everything is read from the forward convolution's index map:

* ΔX: each output gradient is scattered back through its window (Cᵀ·ΔY), one
  strided add per kernel tap onto the padded frame (``engine.transposed.scatter``),
  then the padded frame is folded onto the input through ``row_source``/``col_source``:
  a zero of the padding drops its gradient, a reflected, replicated or circular
  copy hands it to the input cell it copies.
* ΔW: each tap gathers the input values it read, weighted by ΔY.
* Seen as one convolution, ΔX on the padded frame is the full convolution of ΔY
  (with stride − 1 zeros inserted between cells) with the kernel rotated 180°
  (:func:`full_convolution`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.conv import Conv2dPlan, Conv2dResult
from engine.errors import InputError
from engine.params import as_matrix
from engine.primitives import windows
from engine.transposed import equivalent_conv, plan_conv_transpose2d, run_conv_transpose2d, scatter


@dataclass(frozen=True)
class Conv2dBackward:
    """Gradients of a computed convolution. Shapes: ``grad_output`` (C_out, H_out, W_out);
    ``grad_padded`` (C_in, H_pad, W_pad), ΔX on the padded frame before the fold;
    ``grad_input`` (C_in, H, W); ``grad_kernel`` (C_out, C_in/groups, kH, kW) for the kernel
    as given (not rotated); ``grad_bias`` (C_out,)."""

    result: Conv2dResult
    grad_output: NDArray[np.float64]
    grad_padded: NDArray[np.float64]
    grad_input: NDArray[np.float64]
    grad_kernel: NDArray[np.float64]
    grad_bias: NDArray[np.float64]


def check_grad_output(result: Conv2dResult, grad_output: Any) -> NDArray[np.float64]:
    """ΔY as (C_out, H_out, W_out): all ones when None, else an array of the output's shape
    (or its 3-D form)."""
    if grad_output is None:
        return np.ones_like(result.output)
    grad = as_matrix(grad_output, "grad_output", ranks=(2, 3))
    if grad.shape == result.output.shape:
        return grad
    if grad.shape == result.output.shape[1:] and result.output.shape[0] == 1:
        return grad[None]
    raise InputError("grad_output", f"must have the output's shape {result.output_shape}, "
                     f"got {list(grad.shape)}")


def conv2d_backward(result: Conv2dResult, grad_output: Any = None) -> Conv2dBackward:
    """ΔX, ΔW and Δb of ``result`` for the upstream gradient ΔY (default all ones).

    Raises
    ------
    InputError
        When ``grad_output`` does not have the output's shape, or a gradient overflows.

    Examples
    --------
    >>> from engine.conv import conv2d
    >>> back = conv2d_backward(conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2], [3, 4]]))
    >>> back.grad_input[0].tolist()  # how many windows read each cell, weighted
    [[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]]
    >>> back.grad_kernel[0, 0].tolist()  # each tap: the sum of the inputs it read
    [[12.0, 16.0], [24.0, 28.0]]
    """
    grad = check_grad_output(result, grad_output)
    kernel, groups, imap = result.kernel, result.groups, result.index_map
    c_out, per_group, kh, kw = kernel.shape
    with np.errstate(over="ignore", invalid="ignore"):
        padded = scatter(grad, kernel, imap, groups)
        grad_input = fold_padding(result, padded)
        view = windows(result.padded_input, (kh, kw), imap.stride, imap.dilation)
        cells = grad.shape[1] * grad.shape[2]
        # ΔW = ΔY·X_convᵀ per group: (C_out/groups, P) @ (P, G·T), one BLAS product each.
        cols = (view.reshape(groups, per_group, cells, kh * kw).transpose(0, 2, 1, 3)
                .reshape(groups, cells, per_group * kh * kw))
        dy = grad.reshape(groups, c_out // groups, cells)
        applied = np.matmul(dy, cols).reshape(kernel.shape)
        grad_bias = grad.sum(axis=(1, 2))
    grad_kernel = applied[..., ::-1, ::-1] if result.flip_kernel else applied
    for array in (grad_input, grad_kernel, grad_bias):
        if not np.all(np.isfinite(array)):
            raise InputError("grad_output", "the values are too large: a gradient overflows "
                             "float64 (keep magnitudes below about 1e150)")
    return Conv2dBackward(result=result, grad_output=grad, grad_padded=padded,
                          grad_input=grad_input, grad_kernel=np.ascontiguousarray(grad_kernel),
                          grad_bias=grad_bias)


def fold_padding(result: Conv2dResult, padded: NDArray[np.float64]) -> NDArray[np.float64]:
    """Fold a (C, H_pad, W_pad) gradient onto the (C, H, W) input through the padding's
    sources: ``S_r · padded · S_cᵀ`` with one-hot ``S[source[p], p] = 1``."""
    imap = result.index_map
    if result.padding_mode == "zeros":
        (top, _), (left, _) = imap.padding
        h, w = imap.input_size
        return padded[:, top:top + h, left:left + w].copy()
    fold_r = _one_hot(imap.row_source, imap.input_size[0])
    fold_c = _one_hot(imap.col_source, imap.input_size[1])
    folded: NDArray[np.float64] = fold_r @ padded @ fold_c.T
    return folded


def _one_hot(source: NDArray[np.intp], size: int) -> NDArray[np.float64]:
    matrix = np.zeros((size, len(source)))
    real = np.flatnonzero(source >= 0)
    matrix[source[real], real] = 1.0
    return matrix


@dataclass(frozen=True)
class InputGradTrace:
    """ΔX steps ``start …`` (n steps, one per output cell, channels then rows then columns;
    T taps in the applied kernel's order, G = C_in/groups).

    ``source`` (n, 3) the ΔY cell (channel, row, col); ``grad`` (n,) its value;
    ``window`` (n, T, 2) padded positions; ``padding`` (n, T) true where a tap reads
    padding; ``targets`` (n, T, 2) the input (row, col) the tap's gradient goes to;
    ``dropped`` (n, T) true where it goes nowhere (a zero of the padding);
    ``channels`` (n, G) the input channels; ``amounts`` (n, G, T) = ΔY·w;
    ``running_sum`` (n, C_in, H, W): ΔX after the step.
    """

    start: int
    total: int
    source: NDArray[np.intp]
    grad: NDArray[np.float64]
    window: NDArray[np.intp]
    padding: NDArray[np.bool_]
    targets: NDArray[np.intp]
    dropped: NDArray[np.bool_]
    channels: NDArray[np.intp]
    amounts: NDArray[np.float64]
    running_sum: NDArray[np.float64]


def _span(start: int, limit: int | None, total: int) -> NDArray[np.intp]:
    if start < 0 or start >= total:
        raise InputError("trace", f"start {start} is outside the {total} steps")
    return np.arange(start, total if limit is None else min(total, start + limit),
                     dtype=np.intp)


def input_grad_trace(back: Conv2dBackward, *, start: int = 0, limit: int | None = None
                     ) -> InputGradTrace:
    """ΔX output cell by output cell: each ΔY scattered back through its window."""
    result, grad = back.result, back.grad_output
    imap, kernel = result.index_map, result.kernel
    c_out, per_group, kh, kw = kernel.shape
    c_in = result.padded_input.shape[0]
    h, w = imap.input_size
    _, ho, wo = grad.shape
    steps = _span(start, limit, grad.size)
    channel, cell = np.divmod(steps, ho * wo)
    row, col = np.divmod(cell, wo)
    rows, cols = imap.window(row, col)  # (n, T)
    src_r, src_c = imap.row_source[rows], imap.col_source[cols]
    dropped = (src_r < 0) | (src_c < 0)
    channels = (channel // (c_out // result.groups))[:, None] * per_group + np.arange(per_group)
    value = grad[channel, row, col]
    amounts = value[:, None, None] * kernel[channel].reshape(len(steps), per_group, kh * kw)
    flat = channels[:, :, None] * (h * w) + (src_r * w + src_c)[:, None, :]  # (n, G, T)
    keep = np.broadcast_to(~dropped[:, None, :], flat.shape)
    step_ix = np.broadcast_to(np.arange(len(steps))[:, None, None], flat.shape)
    deltas = np.zeros((len(steps), c_in * h * w))
    np.add.at(deltas, (step_ix[keep], flat[keep]), amounts[keep])
    before = np.where(np.arange(grad.size).reshape(grad.shape) < start, grad, 0.0)
    base = fold_padding(result, scatter(before, kernel, imap, result.groups))
    running = np.cumsum(deltas, axis=0).reshape(len(steps), c_in, h, w) + base
    return InputGradTrace(
        start=start, total=int(grad.size), source=np.stack([channel, row, col], axis=1),
        grad=value, window=np.stack([rows, cols], axis=2), padding=imap.is_padding(rows, cols),
        targets=np.stack([src_r, src_c], axis=2), dropped=dropped, channels=channels,
        amounts=amounts, running_sum=running)


@dataclass(frozen=True)
class KernelGradTrace:
    """ΔW steps ``start …`` (n steps, one per weight of the kernel as given, in the order
    (filter, channel, row, col); P = H_out·W_out output cells).

    ``weight`` (n, 4) the weight's index; ``tap`` (n, 2) the applied kernel's tap it is
    (rotated for true convolution); ``window`` (n, P, 2) the padded position the tap reads
    for each output cell; ``padding`` (n, P); ``inputs`` (n, P) the values read;
    ``grads`` (n, P) ΔY of the filter's channel; ``products`` (n, P); ``value`` (n,) ΔW.
    """

    start: int
    total: int
    weight: NDArray[np.intp]
    tap: NDArray[np.intp]
    window: NDArray[np.intp]
    padding: NDArray[np.bool_]
    inputs: NDArray[np.float64]
    grads: NDArray[np.float64]
    products: NDArray[np.float64]
    value: NDArray[np.float64]


def kernel_grad_trace(back: Conv2dBackward, *, start: int = 0, limit: int | None = None
                      ) -> KernelGradTrace:
    """ΔW weight by weight: the tap gathers every input it read, times ΔY."""
    result, grad = back.result, back.grad_output
    imap = result.index_map
    c_out, per_group, kh, kw = result.kernel.shape
    steps = _span(start, limit, result.kernel.size)
    filt, rest = np.divmod(steps, per_group * kh * kw)
    channel, tap = np.divmod(rest, kh * kw)
    applied = kh * kw - 1 - tap if result.flip_kernel else tap
    ho, wo = imap.output_size
    row, col = np.divmod(np.arange(ho * wo, dtype=np.intp), wo)
    rows, cols = imap.window(row, col)  # (P, T)
    r, c = rows[:, applied].T, cols[:, applied].T  # (n, P)
    in_ch = (filt // (c_out // result.groups)) * per_group + channel
    inputs = result.padded_input[in_ch[:, None], r, c]
    grads = grad[filt].reshape(len(steps), ho * wo)
    products = inputs * grads
    return KernelGradTrace(
        start=start, total=int(result.kernel.size),
        weight=np.stack([filt, channel, tap // kw, tap % kw], axis=1),
        tap=np.stack([applied // kw, applied % kw], axis=1), window=np.stack([r, c], axis=2),
        padding=imap.is_padding(r, c), inputs=inputs, grads=grads, products=products,
        value=products.sum(axis=1))


def full_convolution(back: Conv2dBackward) -> Conv2dPlan:
    """ΔX on the padded frame as one direct convolution (Dumoulin & Visin, Relationship 14).

    The input is ΔY with stride − 1 zeros inserted between cells, padded by
    (k − 1)·d on each side ("full") plus the rows/columns the forward stride never
    reached at the bottom/right; the kernel is the applied one rotated 180°, its
    channel axes swapped; stride 1. Its output is ``grad_padded``.
    """
    result = back.result
    imap = result.index_map
    remainder = [p - ((o - 1) * s + (k - 1) * d + 1) for p, o, s, k, d in zip(
        imap.padded_size, imap.output_size, imap.stride, imap.kernel_size, imap.dilation)]
    transposed = run_conv_transpose2d(plan_conv_transpose2d(
        back.grad_output, result.kernel, stride=imap.stride, padding=0,
        output_padding=remainder, dilation=imap.dilation, groups=result.groups))
    return equivalent_conv(transposed)

