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

import numpy as np
from numpy.typing import NDArray

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
