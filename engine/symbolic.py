"""Names instead of numbers: the decks' 1-based labels (x₁₁, w₂₂, δy₁₂) and sums of terms.

Positions are 0-based everywhere else; a label is 1-based, as on the slides.
Row and column are two subscript digits when both are below 10 (``x₂₃``) and
are separated by a comma otherwise (``x₁₀,₂``). Channels, when a tensor has
more than one, are 1-based superscripts in parentheses before the subscripts:
``x⁽²⁾₁₃`` is row 1, column 3 of input channel 2; a kernel weight names its
filter (output channel) and its input channel within the group, as PyTorch's
weight index does: ``w⁽¹,²⁾₁₁``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from engine.conv import Conv2dResult
from engine.matrix import Conv2dMatrix, Taps, unpadded_input, window_sources

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")

Term = tuple[str, str]


def label(name: str, row: int, col: int, channels: Sequence[int] = ()) -> str:
    """The 1-based label of the 0-based position ``(row, col)``.

    >>> label("x", 1, 2)
    'x₂₃'
    >>> label("w", 0, 0, channels=(0, 1))
    'w⁽¹,²⁾₁₁'
    >>> label("x", 9, 0)
    'x₁₀,₁'
    """
    i, j = row + 1, col + 1
    sub = f"{i}{j}".translate(_SUB) if i < 10 and j < 10 else (
        f"{str(i).translate(_SUB)},{str(j).translate(_SUB)}")
    sup = ""
    if channels:
        sup = "(" + ",".join(str(c + 1) for c in channels) + ")"
        sup = sup.replace(",", "\x00").translate(_SUP).replace("\x00", ",")
    return name + sup + sub


def labels(name: str, shape: tuple[int, ...], *, channel_axes: int) -> NDArray[np.object_]:
    """Labels for every cell of an array of ``shape``: the last two axes are the position,
    the ``channel_axes`` before them are channels (shown only when one has more than one).

    >>> labels("w", (1, 1, 2, 2), channel_axes=2)[0, 0].tolist()
    [['w₁₁', 'w₁₂'], ['w₂₁', 'w₂₂']]
    """
    channel_shape = shape[:-2]
    show = any(n > 1 for n in channel_shape[-channel_axes:]) if channel_axes else False
    names = [label(name, int(idx[-2]), int(idx[-1]),
                   tuple(int(c) for c in idx[-2 - channel_axes:-2]) if show else ())
             for idx in np.ndindex(*shape)]
    out = np.empty(len(names), dtype=object)
    out[:] = names
    return out.reshape(shape)


def group_terms(keys: NDArray[np.intp], first: NDArray[np.object_],
                second: NDArray[np.object_], count: int) -> list[list[Term]]:
    """The terms ``first[i]·second[i]`` gathered by ``keys[i]`` into ``count`` sums.

    Terms keep their order within each key (the caller lists them in the order
    the slides do). A key with no term gets an empty list: the sum is 0.

    >>> group_terms(np.array([1, 0, 1]), np.array(["a", "b", "c"], dtype=object),
    ...             np.array(["x", "y", "z"], dtype=object), 3)
    [[('b', 'y')], [('a', 'x'), ('c', 'z')], []]
    """
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(count + 1))
    pairs = list(zip(first[order].tolist(), second[order].tolist()))
    return [pairs[bounds[k]:bounds[k + 1]] for k in range(count)]


def sum_text(terms: Sequence[Term]) -> str:
    """``"δy₁₁·w₂₂ + δy₁₂·w₂₁"``; ``"0"`` for an empty sum.

    >>> sum_text([("w₂₂", "x₁₁"), ("w₂₁", "x₁₂")])
    'w₂₂·x₁₁ + w₂₁·x₁₂'
    """
    return " + ".join(f"{a}·{b}" for a, b in terms) or "0"


@dataclass(frozen=True)
class Formula:
    """One cell as a sum: its label (``δx₂₂``), the terms as (factor, factor) pairs, the text."""

    label: str
    terms: list[Term]
    text: str


def formulas(names: NDArray[np.object_], sums: list[list[Term]]) -> list[Formula]:
    return [Formula(label=str(n), terms=t, text=sum_text(t))
            for n, t in zip(names.ravel().tolist(), sums)]


@dataclass(frozen=True)
class MatrixSymbols:
    """The matrix view with names: ``input`` (C_in, H, W) and ``kernel`` (as given) labels;
    ``values`` one label per coordinate-list entry of C (a sum where a padding copy brings
    one input twice); ``dense`` C with "0" elsewhere, or None past the dense limit;
    ``x_conv`` (C_in·T, P) with "0" for a zero of the padding; ``kernel_row``
    (C_out, C_in·T); ``output`` one formula per output cell, terms in the column order of C.
    """

    input: NDArray[np.object_]
    kernel: NDArray[np.object_]
    values: list[str]
    dense: NDArray[np.object_] | None
    x_conv: NDArray[np.object_]
    kernel_row: NDArray[np.object_]
    output: list[Formula]


def matrix_symbols(result: Conv2dResult, m: Conv2dMatrix) -> MatrixSymbols:
    """Names for every entry of C, X_conv, kernel_row and every output cell.

    >>> from engine.conv import conv2d
    >>> from engine.matrix import conv2d_matrix
    >>> r = conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2], [3, 4]], flip_kernel=True)
    >>> matrix_symbols(r, conv2d_matrix(r)).output[0].text
    'w₂₂·x₁₁ + w₂₁·x₁₂ + w₁₂·x₂₁ + w₁₁·x₂₂'
    """
    taps = m.taps
    x = labels("x", unpadded_input(result).shape, channel_axes=1)
    w = labels("w", taps.kernel.shape, channel_axes=2)
    w_flat, x_flat = w.ravel(), x.ravel()
    keys = taps.out * m.shape[1] + taps.source
    _, inverse = np.unique(keys, return_inverse=True)
    entries = group_terms(inverse.ravel(), w_flat[taps.weight], w_flat[taps.weight],
                          len(m.rows))
    values = [" + ".join(a for a, _ in terms) for terms in entries]
    dense = None
    if m.dense is not None:
        dense = np.full(m.shape, "0", dtype=object)
        dense[m.rows, m.cols] = values
    _, _, spatial = window_sources(result)  # (P, T)
    c_in = x.shape[0]
    reads = np.broadcast_to(spatial, (c_in, *spatial.shape))  # (C_in, P, T)
    channel_base = np.arange(c_in)[:, None, None] * (x.size // c_in)
    x_conv = np.where(reads >= 0, x_flat[np.maximum(reads, 0) + channel_base], "0")
    x_conv = x_conv.transpose(0, 2, 1).reshape(-1, spatial.shape[0])
    row = np.where(m.kernel_row != 0, "", "0").astype(object)
    c_out, groups = taps.kernel.shape[0], result.groups
    blocks = row.reshape(c_out, groups, -1)
    filters = np.arange(c_out)
    blocks[filters, filters // (c_out // groups)] = w.reshape(c_out, -1)
    order = np.argsort(taps.source, kind="stable")
    output = group_terms(taps.out[order], w_flat[taps.weight[order]],
                         x_flat[taps.source[order]], m.shape[0])
    y = labels("y", result.output.shape, channel_axes=1)
    return MatrixSymbols(input=x, kernel=w, values=values, dense=dense, x_conv=x_conv,
                         kernel_row=blocks.reshape(c_out, -1), output=formulas(y, output))


@dataclass(frozen=True)
class BackwardSymbols:
    """The backward pass with names (deck 001): ``grad_output`` δy labels (C_out, H_out,
    W_out); ``grad_input`` one formula per input cell (vec order), terms δy·w ordered by
    output cell; ``grad_kernel`` one per weight of the kernel as given, terms δy·x
    ordered by output cell; ``grad_bias`` one per filter, the δy of its channel."""

    grad_output: NDArray[np.object_]
    grad_input: list[Formula]
    grad_kernel: list[Formula]
    grad_bias: list[list[str]]


def backward_symbols(result: Conv2dResult, taps: Taps) -> BackwardSymbols:
    """δx, δw and δb as sums of named terms, read from the same table as C.

    >>> from engine.conv import conv2d
    >>> from engine.matrix import tap_table
    >>> r = conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2], [3, 4]], flip_kernel=True)
    >>> backward_symbols(r, tap_table(r)).grad_input[4].text
    'δy₁₁·w₁₁ + δy₁₂·w₁₂ + δy₂₁·w₂₁ + δy₂₂·w₂₂'
    """
    x = labels("x", unpadded_input(result).shape, channel_axes=1).ravel()
    w = labels("w", taps.kernel.shape, channel_axes=2)
    dy = labels("δy", result.output.shape, channel_axes=1)
    dy_flat = dy.ravel()
    dx = group_terms(taps.source, dy_flat[taps.out], w.ravel()[taps.weight], len(x))
    dw = group_terms(taps.weight, dy_flat[taps.out], x[taps.source], w.size)
    return BackwardSymbols(
        grad_output=dy,
        grad_input=formulas(labels("δx", unpadded_input(result).shape, channel_axes=1), dx),
        grad_kernel=formulas(labels("δw", taps.kernel.shape, channel_axes=2), dw),
        grad_bias=[row.ravel().tolist() for row in dy])
