"""Signals (one spatial axis) through the same index map as 2-D: a signal of length L is
a map of one row, a kernel of k taps a kernel of one row, so every 2-D rule (stride,
padding and its modes, dilation, groups, bias, true convolution) holds on the one axis,
and the height axis stays a single row with no padding. The convolution, its backward
pass, the transposed convolution and pooling are the 2-D ones on that row.

``padding`` also takes ``"causal"``: (k − 1)·d zeros on the left only, as causal (WaveNet)
layers pad, so output t reads inputs t, t − d, … and nothing after t.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.backward import Conv2dBackward, conv2d_backward
from engine.conv import Conv2dPlan, plan_conv2d, run_conv2d
from engine.errors import InputError
from engine.geometry import AxisArithmetic, conv_axis, pool_axis, transposed_axis
from engine.params import as_matrix
from engine.pool import Pool2dResult, pool2d
from engine.transposed import TransposedPlan, plan_conv_transpose2d


def _whole(value: Any, field: str, minimum: int) -> int:
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != 1:
            raise InputError(field, f"a signal has one axis: give one number, got {list(value)}")
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise InputError(field, f"must be a whole number, got {value!r}"[:200])
    if value < minimum:
        raise InputError(field, f"must be at least {minimum}, got {int(value)}")
    return int(value)


def padding_1d(padding: Any, kernel_size: int, dilation: int, stride: int) -> tuple[int, int]:
    """(left, right) from n, [left, right], "valid", "same", "full" or "causal"."""
    span = (kernel_size - 1) * dilation
    if padding == "causal":
        return (span, 0)
    if padding == "valid":
        return (0, 0)
    if padding == "full":
        return (span, span)
    if padding == "same":
        if stride != 1:
            raise InputError("padding", f'"same" needs stride 1, got stride {stride}')
        return (span // 2, span - span // 2)  # PyTorch puts the odd one on the right
    if isinstance(padding, str):
        raise InputError("padding", f'must be a whole number, [left, right], "valid", '
                                    f'"same", "full" or "causal", got "{padding}"'[:200])
    if isinstance(padding, Sequence):
        if len(padding) != 2:
            raise InputError("padding", f"must be a whole number or [left, right], got "
                                        f"{list(padding)}"[:200])
        return (_whole(padding[0], "padding", 0), _whole(padding[1], "padding", 0))
    p = _whole(padding, "padding", 0)
    return (p, p)


def plan_conv1d(input: Any, kernel: Any, *, bias: Any = None, stride: Any = 1,
                padding: Any = 0, dilation: Any = 1, groups: int = 1,
                padding_mode: str = "zeros", flip_kernel: bool = False
                ) -> tuple[Conv2dPlan, AxisArithmetic, int]:
    """The 2-D plan of a signal's convolution, its one axis's arithmetic, and the input's
    rank (1: one channel, (L)). ``input`` is (L) or (C, L); ``kernel`` (k), one filter
    (C_in/groups, k) or (C_out, C_in/groups, k)."""
    x = as_matrix(input, "input", ranks=(1, 2))
    x2 = x[None] if x.ndim == 1 else x
    w = as_matrix(kernel, "kernel", ranks=(1, 2, 3))
    k = int(w.shape[-1])
    s = _whole(stride, "stride", 1)
    d = _whole(dilation, "dilation", 1)
    pads = padding_1d(padding, k, d, s)
    w4 = w[..., None, :]  # one row: (…, 1, k)
    plan = plan_conv2d(x2[:, None, :], w4, bias=bias, stride=(1, s),
                       padding=((0, 0), pads), dilation=(1, d), groups=groups,
                       padding_mode=padding_mode, flip_kernel=flip_kernel)
    arithmetic = conv_axis("length", input_size=int(x2.shape[1]), kernel_size=k, stride=s,
                           padding=pads, dilation=d, op="conv1d")
    return plan, arithmetic, x.ndim


def as_signal(maps: np.ndarray) -> np.ndarray:
    """(C, 1, L) maps as (C, L) signals."""
    return np.asarray(maps[:, 0, :])


def conv1d_backward(plan: Conv2dPlan, grad_output: Any = None) -> Conv2dBackward:
    """ΔX, ΔW and Δb of a planned signal convolution for ΔY ((L_out) or (C_out, L_out);
    all ones when None), through the 2-D backward pass on the one row."""
    result = run_conv2d(plan)
    grad = None
    if grad_output is not None:
        g = as_matrix(grad_output, "grad_output", ranks=(1, 2))
        c_out, _, length = result.output.shape
        if g.shape not in ((c_out, length), (length,) if c_out == 1 else (c_out, length)):
            shape = [length] if c_out == 1 else [c_out, length]
            raise InputError("grad_output", f"must have the output's shape {shape}, got "
                             f"{list(g.shape)}")
        grad = g.reshape(c_out, 1, length)
    return conv2d_backward(result, grad)


def plan_conv_transpose1d(input: Any, kernel: Any, *, bias: Any = None, stride: Any = 1,
                          padding: Any = 0, output_padding: Any = 0, dilation: Any = 1,
                          groups: int = 1) -> tuple[TransposedPlan, AxisArithmetic, int]:
    """The 2-D plan of a signal's transposed convolution, as F.conv_transpose1d: ``input``
    (L) or (C_in, L), ``kernel`` (k) or (C_in, C_out/groups, k); its axis's arithmetic
    and the input's rank."""
    x = as_matrix(input, "input", ranks=(1, 2))
    x2 = x[None] if x.ndim == 1 else x
    w = as_matrix(kernel, "kernel", ranks=(1, 3))
    w3 = w[None, None] if w.ndim == 1 else w
    s = _whole(stride, "stride", 1)
    p = _whole(padding, "padding", 0)
    a = _whole(output_padding, "output_padding", 0)
    d = _whole(dilation, "dilation", 1)
    k = int(w3.shape[-1])
    arithmetic = transposed_axis("length", input_size=int(x2.shape[1]), kernel_size=k,
                                 stride=s, padding=p, dilation=d, output_padding=a)
    plan = plan_conv_transpose2d(x2[:, None, :], w3[:, :, None, :], bias=bias,
                                 stride=(1, s), padding=(0, p), output_padding=(0, a),
                                 dilation=(1, d), groups=groups)
    return plan, arithmetic, x.ndim


def pool1d(input: Any, *, mode: str = "max", kernel_size: Any, stride: Any = None,
           padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
           count_include_pad: bool = True) -> tuple[Pool2dResult, AxisArithmetic, int]:
    """Pool each channel of a signal (L) or (C, L), as F.max_pool1d / avg_pool1d: the 2-D
    pooling on one row, its axis's arithmetic and the input's rank. ``indices`` are
    PyTorch's: the sample index of each winner."""
    x = as_matrix(input, "input", ranks=(1, 2))
    x2 = x[None] if x.ndim == 1 else x
    k = _whole(kernel_size, "kernel_size", 1)
    s = _whole(stride if stride is not None else k, "stride", 1)
    p = _whole(padding, "padding", 0)
    d = _whole(dilation, "dilation", 1)
    arithmetic = pool_axis("length", input_size=int(x2.shape[1]), kernel_size=k, stride=s,
                           padding=p, dilation=d, ceil_mode=ceil_mode)
    result = pool2d(x2[:, None, :], mode=mode, kernel_size=(1, k), stride=(1, s),
                    padding=(0, p), dilation=(1, d), ceil_mode=ceil_mode,
                    count_include_pad=count_include_pad)
    return result, arithmetic, x.ndim
