"""The index map: for every output position and kernel tap, the position it reads.

One table, many views (see ARCHITECTURE.md): the forward trace, pooling,
im2col, the matrix C, both backward maps and the transposed convolution all
read their positions from here instead of sliding a window of their own.
Positions are in the padded frame; ``row_source``/``col_source`` say which
input row/column a padded one copies (-1 for a zero of ``zeros`` padding).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.cache import MiB, byte_cached
from engine.primitives import PaddingMode, Pair, padding_source


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per geometry
class IndexMap:
    """Where each (output position, kernel tap) pair reads.

    ``rows[o, t]`` is the padded row read by output row ``o`` through kernel
    row ``t`` (shape (H_out, kH)); ``cols`` likewise, shape (W_out, kW). Both are
    computed when asked for, never stored: a tall geometry's table is H_out·kH
    entries, hundreds of megabytes, where a trace page needs a few of its rows.
    """

    input_size: Pair
    kernel_size: Pair
    stride: Pair
    dilation: Pair
    padding: tuple[Pair, Pair]
    output_size: Pair
    row_source: NDArray[np.intp]
    col_source: NDArray[np.intp]

    @property
    def geometry(self) -> tuple[Pair, Pair, Pair, Pair, tuple[Pair, Pair], Pair]:
        """What fixes every position of the map (the padding mode changes only what a
        padded position copies, not where it is)."""
        return (self.input_size, self.kernel_size, self.stride, self.dilation, self.padding,
                self.output_size)

    @property
    def padded_size(self) -> Pair:
        return (len(self.row_source), len(self.col_source))

    def padded_row(self, out_row: Any, tap: Any) -> NDArray[np.intp]:
        """The padded row output row ``out_row`` reads through kernel row ``tap``
        (arrays broadcast): ``out_row·stride + tap·dilation``."""
        return np.asarray(out_row, dtype=np.intp) * self.stride[0] + (
            np.asarray(tap, dtype=np.intp) * self.dilation[0])

    def padded_col(self, out_col: Any, tap: Any) -> NDArray[np.intp]:
        """The padded column output column ``out_col`` reads through kernel column ``tap``."""
        return np.asarray(out_col, dtype=np.intp) * self.stride[1] + (
            np.asarray(tap, dtype=np.intp) * self.dilation[1])

    def row_taps(self, out_rows: NDArray[np.intp]) -> NDArray[np.intp]:
        """(n, kH): the padded rows each of ``out_rows`` reads, tap by tap."""
        return self.padded_row(out_rows[:, None], np.arange(self.kernel_size[0]))

    def col_taps(self, out_cols: NDArray[np.intp]) -> NDArray[np.intp]:
        """(n, kW): the padded columns each of ``out_cols`` reads, tap by tap."""
        return self.padded_col(out_cols[:, None], np.arange(self.kernel_size[1]))

    @property
    def rows(self) -> NDArray[np.intp]:
        """(H_out, kH): every output row's reads (see the class)."""
        return self.row_taps(np.arange(self.output_size[0], dtype=np.intp))

    @property
    def cols(self) -> NDArray[np.intp]:
        """(W_out, kW): every output column's reads."""
        return self.col_taps(np.arange(self.output_size[1], dtype=np.intp))

    def window(self, out_rows: NDArray[np.intp], out_cols: NDArray[np.intp]
               ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Padded rows and columns read by each output cell, tap-major.

        Returns two arrays of shape (n, kH·kW): entry ``[j, t]`` is where
        output cell ``(out_rows[j], out_cols[j])`` reads through tap ``t``
        (taps numbered row by row).
        """
        kh, kw = self.kernel_size
        n = len(out_rows)
        r = np.repeat(self.row_taps(out_rows), kw, axis=1)
        c = np.broadcast_to(self.col_taps(out_cols)[:, None, :], (n, kh, kw)).reshape(n, kh * kw)
        return r, c

    def is_padding(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> NDArray[np.bool_]:
        """True where a padded position lies outside the original input."""
        (top, _), (left, _) = self.padding
        h, w = self.input_size
        return (rows < top) | (rows >= top + h) | (cols < left) | (cols >= left + w)


@byte_cached(32 * MiB, max_entry_bytes=4 * MiB)  # pure, read-only arrays: one per geometry
def build_index_map(*, input_size: Pair, kernel_size: Pair, stride: Pair, dilation: Pair,
                    padding: tuple[Pair, Pair], output_size: Pair,
                    padding_mode: PaddingMode = "zeros") -> IndexMap:
    """Tabulate the reads of a 2-D sliding window.

    >>> m = build_index_map(input_size=(4, 4), kernel_size=(2, 2), stride=(2, 2),
    ...                     dilation=(1, 1), padding=((0, 0), (0, 0)), output_size=(2, 2))
    >>> m.rows.tolist()
    [[0, 1], [2, 3]]
    """
    arrays = {
        "row_source": padding_source(input_size[0], *padding[0], padding_mode),
        "col_source": padding_source(input_size[1], *padding[1], padding_mode),
    }
    for array in arrays.values():
        array.setflags(write=False)
    return IndexMap(input_size=input_size, kernel_size=kernel_size, stride=stride,
                    dilation=dilation, padding=padding, output_size=output_size, **arrays)
