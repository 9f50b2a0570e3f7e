"""Convolution of signals (one spatial axis) through the same index map as 2-D: a signal
of length L is a map of one row, a kernel of k taps a kernel of one row, so every 2-D
rule (stride, padding and its modes, dilation, groups, bias, true convolution) holds on
the one axis, and the height axis stays a single row with no padding.

``padding`` also takes ``"causal"``: (k − 1)·d zeros on the left only, as causal (WaveNet)
layers pad, so output t reads inputs t, t − d, … and nothing after t.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.conv import Conv2dPlan, plan_conv2d
from engine.errors import InputError
from engine.geometry import AxisArithmetic, conv_axis
from engine.params import as_matrix


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
