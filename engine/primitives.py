"""Shared array primitives: pair normalisation, padding, zero insertion, windows.

Every operation builds on these; none of them knows about a particular view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from engine.errors import InputError

Pair = tuple[int, int]
PaddingMode = Literal["zeros", "reflect", "replicate", "circular"]
PADDING_MODES: tuple[PaddingMode, ...] = ("zeros", "reflect", "replicate", "circular")

# np.pad's name for each of PyTorch's padding modes.
_NP_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def as_pair(value: int | Sequence[int], field: str, *, minimum: int) -> Pair:
    """Return ``(height, width)`` from an int or a two-element sequence.

    >>> as_pair(2, "stride", minimum=1)
    (2, 2)
    >>> as_pair([1, 3], "dilation", minimum=1)
    (1, 3)
    """
    if isinstance(value, bool):
        raise InputError(field, f"must be an integer or [height, width], got {value!r}")
    if isinstance(value, (int, np.integer)):
        pair = (int(value), int(value))
    else:
        items = list(value) if isinstance(value, (Sequence, np.ndarray)) else []
        if len(items) != 2 or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items
        ):
            raise InputError(field, f"must be an integer or [height, width], got {value!r}")
        pair = (int(items[0]), int(items[1]))
    for axis, v in zip(("height", "width"), pair):
        if v < minimum:
            raise InputError(field, f"{axis} must be at least {minimum}, got {v}")
    return pair


def padding_source(size: int, before: int, after: int, mode: PaddingMode) -> NDArray[np.intp]:
    """For each position of a padded axis, the input index it copies (-1: a zero).

    This is how every padding mode becomes part of the index map: zeros read
    nothing, reflect/replicate/circular read a real input cell.

    >>> padding_source(3, 2, 1, "zeros").tolist()
    [-1, -1, 0, 1, 2, -1]
    >>> padding_source(3, 2, 1, "reflect").tolist()
    [2, 1, 0, 1, 2, 1]
    >>> padding_source(3, 2, 1, "circular").tolist()
    [1, 2, 0, 1, 2, 0]
    """
    if mode == "zeros":
        index = np.arange(-before, size + after, dtype=np.intp)
        index[(index < 0) | (index >= size)] = -1
        return index
    index = np.arange(size, dtype=np.intp)
    padded: NDArray[np.intp] = np.pad(index, (before, after), mode=_NP_MODE[mode])  # type: ignore[call-overload]
    return padded


def pad2d(
    x: NDArray[np.float64], padding: tuple[Pair, Pair], mode: PaddingMode
) -> NDArray[np.float64]:
    """Pad the last two axes of ``x`` by ``((top, bottom), (left, right))``.

    >>> pad2d(np.ones((1, 2, 2)), ((1, 0), (0, 1)), "zeros")[0].tolist()
    [[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]
    """
    return pad_axes(x, padding, mode)


def pad_axes(
    x: NDArray[np.float64], padding: Sequence[Pair], mode: PaddingMode
) -> NDArray[np.float64]:
    """Pad the last ``len(padding)`` axes of ``x``, each by its (before, after).

    >>> pad_axes(np.ones((1, 2)), ((2, 1),), "zeros").tolist()
    [[0.0, 0.0, 1.0, 1.0, 0.0]]
    """
    n = len(padding)
    if mode == "zeros":
        # Slicing into zeros: np.pad costs ~20 µs per call, too much per request.
        inner = x.shape[x.ndim - n:]
        out = np.zeros((*x.shape[:x.ndim - n],
                        *(b + size + a for size, (b, a) in zip(inner, padding))), dtype=x.dtype)
        region: tuple[slice, ...] = tuple(
            slice(b, b + size) for size, (b, _) in zip(inner, padding))
        out[(slice(None),) * (x.ndim - n) + region] = x
        return out
    widths = [(0, 0)] * (x.ndim - n) + [tuple(p) for p in padding]
    padded: NDArray[np.float64] = np.pad(x, widths, mode=_NP_MODE[mode])  # type: ignore[call-overload]
    return padded


def insert_zeros(x: NDArray[np.float64], stride: Sequence[int]) -> NDArray[np.float64]:
    """Put ``stride - 1`` zeros between neighbouring cells of the last ``len(stride)`` axes.

    >>> insert_zeros(np.array([[1.0, 2.0]]), (1, 2)).tolist()
    [[1.0, 0.0, 2.0]]
    """
    n = len(stride)
    inner = x.shape[x.ndim - n:]
    out = np.zeros((*x.shape[:x.ndim - n], *((size - 1) * s + 1 for size, s in zip(inner, stride))),
                   dtype=x.dtype)
    every: tuple[slice, ...] = tuple(slice(None, None, s) for s in stride)
    out[(slice(None),) * (x.ndim - n) + every] = x
    return out


def windows(
    padded: NDArray[np.float64], kernel_size: Sequence[int], stride: Sequence[int],
    dilation: Sequence[int]
) -> NDArray[np.float64]:
    """A read-only strided view of every window over the last ``len(kernel_size)`` axes:
    shape (..., *output sizes, *kernel sizes), e.g. (..., H_out, W_out, kH, kW).

    Every window starts ``stride`` cells after the last and reads every
    ``dilation``-th cell; no data is copied.

    >>> windows(np.arange(16.0).reshape(4, 4), (2, 2), (2, 2), (1, 1))[1, 1].tolist()
    [[10.0, 11.0], [14.0, 15.0]]
    """
    n = len(kernel_size)
    sizes = padded.shape[padded.ndim - n:]
    extent = tuple((k - 1) * d + 1 for k, d in zip(kernel_size, dilation))
    if any(e > size for e, size in zip(extent, sizes)):
        raise ValueError(f"a window spanning {extent} does not fit in {tuple(sizes)}")
    # The strides of the view, written out: sliding_window_view and slicing cost
    # ~7 µs per call, a third of an 8×8 convolution; this costs 0.5 µs.
    outer, inner = padded.strides[:padded.ndim - n], padded.strides[padded.ndim - n:]
    shape = (*padded.shape[:padded.ndim - n],
             *((size - e) // s + 1 for size, e, s in zip(sizes, extent, stride)),
             *kernel_size)
    strides = (*outer, *(st * s for st, s in zip(inner, stride)),
               *(st * d for st, d in zip(inner, dilation)))
    if not padded.flags.c_contiguous:
        view: NDArray[np.float64] = np.lib.stride_tricks.as_strided(
            padded, shape, strides, writeable=False)
        return view
    view = np.ndarray(shape, padded.dtype, buffer=padded, strides=strides)
    view.flags.writeable = False
    return view
