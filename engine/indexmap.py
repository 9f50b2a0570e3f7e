"""The index map: for every output position and kernel tap, the position it reads.

One table, many views (see ARCHITECTURE.md): the forward trace, pooling,
im2col, the matrix C, both backward maps and the transposed convolution all
read their positions from here instead of sliding a window of their own.
Positions are in the padded frame; ``row_source``/``col_source`` say which
input row/column a padded one copies (-1 for a zero of ``zeros`` padding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.cache import MiB, byte_cached
from engine.primitives import PaddingMode, Pair, padding_source

Sizes = tuple[int, ...]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per geometry
class IndexMap:
    """Where each (output position, kernel tap) pair reads, on any number of axes.

    Every tuple has one entry per spatial axis (one for a signal, two for a picture,
    three for a volume: depth, height, width); ``sources[a]`` says which input
    position each padded position of axis ``a`` copies. Along axis ``a``, output
    position ``o`` reads padded position ``o·stride[a] + tap·dilation[a]`` through tap
    ``tap``: the axes are independent, so one rule serves every dimension, and a
    window is the product of its axes' taps. The per-axis tables are computed when
    asked for, never stored: a tall geometry's table is H_out·kH entries, hundreds of
    megabytes, where a trace page needs a few of its rows. The 2-D names (``rows``,
    ``cols``, ``row_source``, …) are the last two axes.
    """

    input_size: Sizes
    kernel_size: Sizes
    stride: Sizes
    dilation: Sizes
    padding: tuple[Pair, ...]
    output_size: Sizes
    sources: tuple[NDArray[np.intp], ...]

    @property
    def ndim(self) -> int:
        return len(self.input_size)

    @property
    def geometry(self) -> tuple[Sizes, Sizes, Sizes, Sizes, tuple[Pair, ...], Sizes]:
        """What fixes every position of the map (the padding mode changes only what a
        padded position copies, not where it is)."""
        return (self.input_size, self.kernel_size, self.stride, self.dilation, self.padding,
                self.output_size)

    @property
    def padded_size(self) -> Sizes:
        return tuple(len(source) for source in self.sources)

    def padded(self, axis: int, out: Any, tap: Any) -> NDArray[np.intp]:
        """The padded position output position ``out`` reads through tap ``tap`` along
        ``axis`` (arrays broadcast): ``out·stride + tap·dilation``."""
        return np.asarray(out, dtype=np.intp) * self.stride[axis] + (
            np.asarray(tap, dtype=np.intp) * self.dilation[axis])

    def taps(self, axis: int, outs: NDArray[np.intp]) -> NDArray[np.intp]:
        """(n, k): the padded positions each of ``outs`` reads along ``axis``, tap by tap."""
        return self.padded(axis, outs[:, None], np.arange(self.kernel_size[axis]))

    def axis_table(self, axis: int) -> NDArray[np.intp]:
        """(O, k): every output position's reads along ``axis``."""
        return self.taps(axis, np.arange(self.output_size[axis], dtype=np.intp))

    def window_nd(self, outs: Sequence[NDArray[np.intp]]) -> tuple[NDArray[np.intp], ...]:
        """Padded positions read by each output cell, tap-major, one array per axis.

        ``outs[a]`` holds the n cells' positions along axis ``a``; each returned array
        has shape (n, T) with T the product of the kernel sizes, entry ``[j, t]`` the
        position along that axis where cell ``j`` reads through tap ``t`` (taps in
        C order: the last axis fastest).
        """
        n, shape = len(outs[0]), self.kernel_size
        per_axis = []
        for a, out in enumerate(outs):
            expand = [1] * len(shape)
            expand[a] = shape[a]
            taps = self.taps(a, np.asarray(out, dtype=np.intp)).reshape(n, *expand)
            per_axis.append(np.broadcast_to(taps, (n, *shape)).reshape(n, int(np.prod(shape))))
        return tuple(per_axis)

    def is_padding_nd(self, positions: Sequence[NDArray[np.intp]]) -> NDArray[np.bool_]:
        """True where a padded position lies outside the original input on any axis."""
        outside = np.zeros(np.shape(positions[0]), dtype=bool)
        for (before, _), size, where in zip(self.padding, self.input_size, positions):
            outside |= (where < before) | (where >= before + size)
        return outside

    # The 2-D names: the last two axes.
    @property
    def row_source(self) -> NDArray[np.intp]:
        return self.sources[-2]

    @property
    def col_source(self) -> NDArray[np.intp]:
        return self.sources[-1]

    def padded_row(self, out_row: Any, tap: Any) -> NDArray[np.intp]:
        """The padded row output row ``out_row`` reads through kernel row ``tap``."""
        return self.padded(self.ndim - 2, out_row, tap)

    def padded_col(self, out_col: Any, tap: Any) -> NDArray[np.intp]:
        """The padded column output column ``out_col`` reads through kernel column ``tap``."""
        return self.padded(self.ndim - 1, out_col, tap)

    def row_taps(self, out_rows: NDArray[np.intp]) -> NDArray[np.intp]:
        """(n, kH): the padded rows each of ``out_rows`` reads, tap by tap."""
        return self.taps(self.ndim - 2, out_rows)

    def col_taps(self, out_cols: NDArray[np.intp]) -> NDArray[np.intp]:
        """(n, kW): the padded columns each of ``out_cols`` reads, tap by tap."""
        return self.taps(self.ndim - 1, out_cols)

    @property
    def rows(self) -> NDArray[np.intp]:
        """(H_out, kH): every output row's reads (see the class)."""
        return self.axis_table(self.ndim - 2)

    @property
    def cols(self) -> NDArray[np.intp]:
        """(W_out, kW): every output column's reads."""
        return self.axis_table(self.ndim - 1)

    def window(self, out_rows: NDArray[np.intp], out_cols: NDArray[np.intp]
               ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """A 2-D map's :meth:`window_nd`: padded rows and columns, each (n, kH·kW)."""
        rows, cols = self.window_nd((out_rows, out_cols))
        return rows, cols

    def is_padding(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> NDArray[np.bool_]:
        """True where a padded position lies outside the original input."""
        return self.is_padding_nd((rows, cols))


@byte_cached(32 * MiB, max_entry_bytes=4 * MiB)  # pure, read-only arrays: one per geometry
def build_index_map(*, input_size: Sizes, kernel_size: Sizes, stride: Sizes, dilation: Sizes,
                    padding: tuple[Pair, ...], output_size: Sizes,
                    padding_mode: PaddingMode = "zeros") -> IndexMap:
    """Tabulate the reads of a sliding window on ``len(input_size)`` axes.

    >>> m = build_index_map(input_size=(4, 4), kernel_size=(2, 2), stride=(2, 2),
    ...                     dilation=(1, 1), padding=((0, 0), (0, 0)), output_size=(2, 2))
    >>> m.rows.tolist()
    [[0, 1], [2, 3]]
    >>> build_index_map(input_size=(5,), kernel_size=(3,), stride=(1,), dilation=(2,),
    ...                 padding=((4, 0),), output_size=(5,)).axis_table(0)[4].tolist()
    [4, 6, 8]
    """
    sizes = {len(input_size), len(kernel_size), len(stride), len(dilation), len(padding),
             len(output_size)}
    if len(sizes) != 1:
        raise ValueError(f"every part of a geometry needs one entry per axis, got {sizes}")
    sources = tuple(padding_source(size, before, after, padding_mode)
                    for size, (before, after) in zip(input_size, padding))
    for array in sources:
        array.setflags(write=False)
    return IndexMap(input_size=tuple(input_size), kernel_size=tuple(kernel_size),
                    stride=tuple(stride), dilation=tuple(dilation), padding=tuple(padding),
                    output_size=tuple(output_size), sources=sources)
