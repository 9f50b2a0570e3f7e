"""The index map: for every output position and kernel tap, the position it reads.

One table, many views (see ARCHITECTURE.md): the forward trace, pooling,
im2col, the matrix C, both backward maps and the transposed convolution all
read their positions from here instead of sliding a window of their own.
Positions are in the padded frame; ``row_source``/``col_source`` say which
input row/column a padded one copies (-1 for a zero of ``zeros`` padding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from engine.cache import MiB, byte_cached
from engine.primitives import PaddingMode, Pair, padding_source


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per geometry
class IndexMap:
    """Where each (output position, kernel tap) pair reads.

    ``rows[o, t]`` is the padded row read by output row ``o`` through kernel
    row ``t`` (shape (H_out, kH)); ``cols`` likewise, shape (W_out, kW).
    """

    input_size: Pair
    kernel_size: Pair
    stride: Pair
    dilation: Pair
    padding: tuple[Pair, Pair]
    output_size: Pair
    rows: NDArray[np.intp]
    cols: NDArray[np.intp]
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

    def window(self, out_rows: NDArray[np.intp], out_cols: NDArray[np.intp]
               ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Padded rows and columns read by each output cell, tap-major.

        Returns two arrays of shape (n, kH·kW): entry ``[j, t]`` is where
        output cell ``(out_rows[j], out_cols[j])`` reads through tap ``t``
        (taps numbered row by row).
        """
        kh, kw = self.kernel_size
        n = len(out_rows)
        r = np.repeat(self.rows[out_rows], kw, axis=1)
        c = np.broadcast_to(self.cols[out_cols][:, None, :], (n, kh, kw)).reshape(n, kh * kw)
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
    def axis(n_out: int, k: int, s: int, d: int) -> NDArray[np.intp]:
        return (np.arange(n_out, dtype=np.intp)[:, None] * s
                + np.arange(k, dtype=np.intp)[None, :] * d)

    arrays = {
        "rows": axis(output_size[0], kernel_size[0], stride[0], dilation[0]),
        "cols": axis(output_size[1], kernel_size[1], stride[1], dilation[1]),
        "row_source": padding_source(input_size[0], *padding[0], padding_mode),
        "col_source": padding_source(input_size[1], *padding[1], padding_mode),
    }
    for array in arrays.values():
        array.setflags(write=False)
    return IndexMap(input_size=input_size, kernel_size=kernel_size, stride=stride,
                    dilation=dilation, padding=padding, output_size=output_size, **arrays)
