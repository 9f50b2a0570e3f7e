"""The one place that decides whether a parameter combination can be computed.

Every check raises :class:`engine.errors.InputError` naming the field and
carrying the numbers; the web layer calls these and nothing else decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.errors import InputError
from engine.primitives import PADDING_MODES, PaddingMode, Pair, as_pair

PaddingSpec = int | Sequence[int] | Sequence[Sequence[int]] | str


def as_matrix(value: Any, field: str, *, ranks: tuple[int, ...]) -> NDArray[np.float64]:
    """A finite float64 array of one of the given ranks, non-empty along every axis.

    >>> as_matrix([[1, 2], [3, 4]], "input", ranks=(2, 3)).shape
    (2, 2)
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):
        reason = _ragged_reason(value) or "must be a rectangular array of numbers"
        raise InputError(field, reason) from None
    if array.ndim not in ranks:
        names = " or ".join(f"{r}-D" for r in ranks)
        raise InputError(field, f"must be a {names} array of numbers, got {array.ndim}-D")
    if 0 in array.shape:
        raise InputError(field, f"must not be empty, got shape {list(array.shape)}")
    if not np.isfinite(array).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise InputError(field, f"must be finite numbers, got {array[bad]} at index {list(bad)}")
    return array


def _ragged_reason(value: Any, path: str = "") -> str:
    """Find the first row whose length differs from its siblings."""
    if isinstance(value, (list, tuple)):
        lengths = [len(v) if isinstance(v, (list, tuple)) else None for v in value]
        if len(set(lengths)) > 1:
            first = lengths[0]
            for i, n in enumerate(lengths):
                if n != first:
                    what = "a number" if n is None else f"{n} entries"
                    expected = "a number" if first is None else f"{first} entries"
                    return (f"is ragged: row {path}[{i}] has {what} but row {path}[0] "
                            f"has {expected}")
        for i, v in enumerate(value):
            if isinstance(v, (list, tuple)):
                reason = _ragged_reason(v, f"{path}[{i}]")
                if reason:
                    return reason
        return ""
    return "must be numbers"


def resolve_padding(padding: PaddingSpec, *, kernel_size: Pair, dilation: Pair,
                    stride: Pair) -> tuple[Pair, Pair]:
    """``((top, bottom), (left, right))`` from an int, a pair or a keyword.

    "valid" is no padding; "same" keeps the size at stride 1 (PyTorch puts the
    odd cell of an even kernel at the bottom/right); "full" pads
    ``(k − 1)·d`` on each side so every partial overlap is computed.

    >>> resolve_padding("same", kernel_size=(4, 3), dilation=(1, 1), stride=(1, 1))
    ((1, 2), (1, 1))
    """
    if isinstance(padding, str):
        spans = [(k - 1) * d for k, d in zip(kernel_size, dilation)]
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "full":
            return ((spans[0], spans[0]), (spans[1], spans[1]))
        if padding == "same":
            if stride != (1, 1):
                raise InputError("padding", f'"same" needs stride 1, got stride {list(stride)}')
            (a, b) = (spans[0] // 2, spans[1] // 2)
            return ((a, spans[0] - a), (b, spans[1] - b))
        raise InputError("padding", f'must be an integer, [height, width], "valid", "same" '
                         f'or "full", got "{padding}"')
    if isinstance(padding, Sequence) and len(padding) == 2 and all(
            isinstance(p, Sequence) for p in padding):
        # ((top, bottom), (left, right)): the engine's own views use uneven padding.
        top, bottom = as_pair(padding[0], "padding", minimum=0)  # type: ignore[arg-type]
        left, right = as_pair(padding[1], "padding", minimum=0)  # type: ignore[arg-type]
        return ((top, bottom), (left, right))
    ph, pw = as_pair(padding, "padding", minimum=0)  # type: ignore[arg-type]
    return ((ph, ph), (pw, pw))


def check_padding_mode(mode: str, padding: tuple[Pair, Pair], input_size: Pair) -> PaddingMode:
    """Reflect needs padding smaller than the input; circular at most the input."""
    if mode not in PADDING_MODES:
        raise InputError("padding_mode", f"must be one of {', '.join(PADDING_MODES)}, "
                         f"got {mode!r}")
    for axis, (before, after), size in zip(("height", "width"), padding, input_size):
        most = max(before, after)
        if mode == "reflect" and most >= size:
            raise InputError("padding", f"reflect padding {most} must be smaller than the "
                             f"input {axis} {size}")
        if mode == "circular" and most > size:
            raise InputError("padding", f"circular padding {most} must be at most the input "
                             f"{axis} {size}")
    return mode


def as_kernel4d(kernel: NDArray[np.float64], in_channels: int, groups: int
                ) -> NDArray[np.float64]:
    """Kernel as (C_out, C_in/groups, kH, kW), checked against the input channels.

    A 2-D kernel is one filter over one channel; a 3-D kernel is one filter
    over all (C_in/groups) channels.
    """
    if groups < 1:
        raise InputError("groups", f"must be at least 1, got {groups}")
    if in_channels % groups:
        raise InputError("groups", f"{groups} does not divide the {in_channels} input channels")
    if kernel.ndim == 2:
        kernel = kernel[None, None]
    elif kernel.ndim == 3:
        kernel = kernel[None]
    per_group = in_channels // groups
    if kernel.shape[1] != per_group:
        raise InputError(
            "kernel",
            f"has {kernel.shape[1]} input channel(s) per filter but the input has "
            f"{in_channels} channel(s) in {groups} group(s), so each filter needs {per_group}",
        )
    if kernel.shape[0] % groups:
        raise InputError("groups", f"{groups} does not divide the {kernel.shape[0]} filters "
                         f"(output channels)")
    return kernel


def as_bias(bias: float | Sequence[float] | None, out_channels: int) -> NDArray[np.float64]:
    """One bias per output channel, from nothing, a scalar or a list."""
    if bias is None:
        return np.zeros(out_channels)
    try:
        array = np.asarray(bias, dtype=np.float64)
    except (ValueError, TypeError):
        raise InputError("bias", f"must be one number or {out_channels} numbers (one per "
                         f"output channel), got {bias!r}") from None
    if array.ndim == 0:
        values = np.full(out_channels, float(array))
    elif array.ndim == 1 and len(array) == out_channels:
        values = array.copy()
    else:
        raise InputError("bias", f"must be one number or {out_channels} (one per output "
                         f"channel), got {array.size}")
    if not np.all(np.isfinite(values)):
        raise InputError("bias", "must be finite numbers")
    return values
