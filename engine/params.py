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


AXES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
"""The names of the spatial axes of a signal, a picture and a volume."""


def as_sizes(value: Any, field: str, *, ndim: int, minimum: int) -> tuple[int, ...]:
    """One whole number per spatial axis, from an int or a list of ``ndim``.

    >>> as_sizes(2, "stride", ndim=3, minimum=1)
    (2, 2, 2)
    >>> as_sizes([1, 2, 3], "dilation", ndim=3, minimum=1)
    (1, 2, 3)
    """
    if ndim == 2:
        return as_pair(value, field, minimum=minimum)
    names = AXES[ndim]
    shape = "[" + ", ".join(names) + "]"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        sizes = (int(value),) * ndim
    else:
        items = list(value) if isinstance(value, (Sequence, np.ndarray)) and not isinstance(
            value, str) else []
        if len(items) != ndim or not all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
            raise InputError(field, f"must be an integer or {shape}, got {value!r}"[:200])
        sizes = tuple(int(v) for v in items)
    for axis, v in zip(names, sizes):
        if v < minimum:
            raise InputError(field, f"{axis} must be at least {minimum}, got {v}")
    return sizes


def resolve_padding(padding: PaddingSpec, *, kernel_size: Sequence[int],
                    dilation: Sequence[int], stride: Sequence[int]) -> tuple[Pair, ...]:
    """``(before, after)`` per axis, e.g. ``((top, bottom), (left, right))``, from an int,
    one int per axis, one (before, after) per axis, or a keyword.

    "valid" is no padding; "same" keeps the size at stride 1 (PyTorch puts the
    odd cell of an even kernel at the bottom/right); "full" pads
    ``(k − 1)·d`` on each side so every partial overlap is computed.

    >>> resolve_padding("same", kernel_size=(4, 3), dilation=(1, 1), stride=(1, 1))
    ((1, 2), (1, 1))
    >>> resolve_padding([1, 0, 2], kernel_size=(3, 3, 3), dilation=(1, 1, 1), stride=(1, 1, 1))
    ((1, 1), (0, 0), (2, 2))
    """
    ndim = len(kernel_size)
    names = AXES[ndim]
    if isinstance(padding, str):
        spans = [(k - 1) * d for k, d in zip(kernel_size, dilation)]
        if padding == "valid":
            return tuple((0, 0) for _ in spans)
        if padding == "full":
            return tuple((span, span) for span in spans)
        if padding == "same":
            if any(s != 1 for s in stride):
                raise InputError("padding", f'"same" needs stride 1, got stride {list(stride)}')
            return tuple((span // 2, span - span // 2) for span in spans)
        raise InputError("padding", f'must be an integer, [{", ".join(names)}], "valid", '
                         f'"same" or "full", got "{padding}"'[:200])
    if isinstance(padding, Sequence) and len(padding) == ndim and all(
            isinstance(p, Sequence) for p in padding):
        # One (before, after) per axis: the engine's own views use uneven padding.
        return tuple(as_pair(p, "padding", minimum=0)  # type: ignore[arg-type]
                     for p in padding)
    return tuple((p, p) for p in as_sizes(padding, "padding", ndim=ndim, minimum=0))


def check_padding_mode(mode: str, padding: Sequence[Pair], input_size: Sequence[int]
                       ) -> PaddingMode:
    """Reflect needs padding smaller than the input; circular at most the input."""
    if mode not in PADDING_MODES:
        raise InputError("padding_mode", f"must be one of {', '.join(PADDING_MODES)}, "
                         f"got {mode!r}")
    for axis, (before, after), size in zip(AXES[len(input_size)], padding, input_size):
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
    return as_kernel(kernel, in_channels, groups, ndim=2)


def as_kernel(kernel: NDArray[np.float64], in_channels: int, groups: int, *, ndim: int
              ) -> NDArray[np.float64]:
    """Kernel as (C_out, C_in/groups, *kernel size) for ``ndim`` spatial axes.

    A kernel of rank ``ndim`` is one filter over one channel; of rank ``ndim + 1``
    one filter over all (C_in/groups) channels.
    """
    if groups < 1:
        raise InputError("groups", f"must be at least 1, got {groups}")
    if in_channels % groups:
        raise InputError("groups", f"{groups} does not divide the {in_channels} input channels")
    if kernel.ndim == ndim:
        kernel = kernel[None, None]
    elif kernel.ndim == ndim + 1:
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
