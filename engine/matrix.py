"""Convolution as matrix products: the sparse matrix C, im2col (X_conv) and kernel2row.

All three are read off the index map of a computed convolution (no window of
their own). With ``P = H_out·W_out`` output cells per channel, ``T = kH·kW``
taps and ``G = C_in/groups`` input channels per filter:

* ``C`` is (C_out·P) × (C_in·H·W), rows and columns unrolled row-major as in
  Dumoulin & Visin §4.1: ``C[out, in]`` is the weight by which input cell
  ``in`` enters output cell ``out``, so ``C·vec(x) + b = vec(y)``.
  C acts on the *unpadded* input: a tap reading a zero of the padding
  contributes no entry; a tap reading a reflected, replicated or circular
  copy adds its weight into the column of the input cell it copies.
* ``X_conv`` (im2col) is (C_in·T) × P: column ``p`` holds what the window of
  output cell ``p`` reads, channel by channel, in the order of the kernel's
  weights as given (deck 001: "flattened in the order corresponding to w₁₁,
  w₁₂, w₂₁, w₂₂"), so for true convolution it is read through the rotated kernel.
* ``kernel_row`` (kernel2row) is C_out × (C_in·T): filter ``o``'s weights as a
  row, zero outside its group's channels, so ``kernel_row·X_conv + b = Y``.

For true convolution C is deck 001's W_conv: each row is the 180°-rotated
kernel laid over its window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from engine.conv import Conv2dResult

# Dense C is built only up to this many cells unless the caller says otherwise:
# 64×64 input, 3×3 kernel would be 3,844 × 4,096 cells, 126 MB (PERFORMANCE.md).
DENSE_LIMIT = 65_536


@dataclass(frozen=True)
class Taps:
    """Every read of a real input cell, one entry per (output cell, input channel, tap),
    ordered by output cell (channel, row, col), then input channel, then tap.

    ``out`` (n,) flat output index (row of C); ``source`` (n,) flat input index
    (column of C); ``weight`` (n,) flat index into ``kernel``, the kernel as given
    (C_out, G, kH, kW), i.e. before the rotation of true convolution.
    Reads of a zero of the padding are not listed.
    """

    out: NDArray[np.intp]
    source: NDArray[np.intp]
    weight: NDArray[np.intp]
    kernel: NDArray[np.float64]


@dataclass(frozen=True)
class Conv2dMatrix:
    """C as a coordinate list (``rows``, ``cols``, ``values``; unique positions, row-major
    order), ``dense`` C or None past the dense limit, ``x_conv`` (C_in·T, P),
    ``kernel_row`` (C_out, C_in·T), ``input_flat`` (C_in·H·W,), ``output_flat``
    (C_out·P,) including the bias, ``bias_flat`` (C_out·P,)."""

    shape: tuple[int, int]
    rows: NDArray[np.intp]
    cols: NDArray[np.intp]
    values: NDArray[np.float64]
    dense: NDArray[np.float64] | None
    x_conv: NDArray[np.float64]
    kernel_row: NDArray[np.float64]
    input_flat: NDArray[np.float64]
    output_flat: NDArray[np.float64]
    bias_flat: NDArray[np.float64]
    taps: Taps

    def matvec(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """C·x from the coordinate list (x of length C_in·H·W)."""
        out = np.bincount(self.rows, weights=self.values * x[self.cols], minlength=self.shape[0])
        return out.astype(np.float64, copy=False)

    def rmatvec(self, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Cᵀ·y from the coordinate list (y of length C_out·H_out·W_out)."""
        out = np.bincount(self.cols, weights=self.values * y[self.rows], minlength=self.shape[1])
        return out.astype(np.float64, copy=False)


def given_kernel(result: Conv2dResult) -> NDArray[np.float64]:
    """The kernel as the caller gave it (C_out, G, kH, kW): ``result.kernel`` is as applied,
    rotated 180° for true convolution."""
    return result.kernel[..., ::-1, ::-1] if result.flip_kernel else result.kernel


def window_sources(result: Conv2dResult) -> tuple[NDArray[np.intp], NDArray[np.intp],
                                                  NDArray[np.intp]]:
    """For every output cell and tap: the padded (row, col) read and the flat spatial input
    index it reads (row·W + col), −1 for a zero of the padding. Shapes (P, T), taps in
    the order of the kernel as given."""
    imap = result.index_map
    ho, wo = imap.output_size
    row, col = np.divmod(np.arange(ho * wo, dtype=np.intp), wo)
    rows, cols = imap.window(row, col)
    if result.flip_kernel:  # the given kernel's weight t multiplies the applied tap T−1−t
        rows, cols = rows[:, ::-1], cols[:, ::-1]
    src_r, src_c = imap.row_source[rows], imap.col_source[cols]
    spatial = np.where((src_r >= 0) & (src_c >= 0), src_r * imap.input_size[1] + src_c, -1)
    return rows, cols, spatial


def tap_table(result: Conv2dResult) -> Taps:
    """Every (output cell, input channel, tap) read of a real input cell; see :class:`Taps`."""
    kernel = given_kernel(result)
    c_out, per_group = kernel.shape[:2]
    h, w = result.index_map.input_size
    _, _, spatial = window_sources(result)  # (P, T)
    n_cells, n_taps = spatial.shape
    filters = np.arange(c_out, dtype=np.intp)
    in_ch = (filters // (c_out // result.groups))[:, None] * per_group + np.arange(per_group)
    shape = (c_out, n_cells, per_group, n_taps)
    out = np.broadcast_to((filters[:, None] * n_cells + np.arange(n_cells))[:, :, None, None],
                          shape)
    source = in_ch[:, None, :, None] * (h * w) + spatial[None, :, None, :]
    weight = np.broadcast_to(
        ((filters[:, None] * per_group + np.arange(per_group)) * n_taps)[:, None, :, None]
        + np.arange(n_taps), shape)
    keep = np.broadcast_to(spatial[None, :, None, :] >= 0, shape)
    return Taps(out=out[keep], source=source[keep], weight=weight[keep], kernel=kernel)


def conv2d_matrix(result: Conv2dResult, *, dense_limit: int = DENSE_LIMIT) -> Conv2dMatrix:
    """C, X_conv and kernel_row of a computed convolution.

    ``dense`` is built only when C has at most ``dense_limit`` cells, so a
    large request never allocates the dense matrix.

    >>> from engine.conv import conv2d
    >>> m = conv2d_matrix(conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2], [3, 4]],
    ...                          flip_kernel=True))
    >>> m.dense[0].tolist()  # deck 001's W_conv, first row: w₂₂ w₂₁ 0 w₁₂ w₁₁ 0 0 0 0
    [4.0, 3.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    >>> (m.kernel_row @ m.x_conv).tolist()
    [[23.0, 33.0, 53.0, 63.0]]
    """
    taps = tap_table(result)
    c_in = result.padded_input.shape[0]
    shape = (int(result.output.size), int(c_in * np.prod(result.index_map.input_size)))
    rows, cols = taps.out, taps.source
    values = taps.kernel.ravel()[taps.weight]
    # Sort into row-major order, and merge the taps that read one input cell twice
    # (a reflected, replicated or circular copy of a cell in the same window).
    keys, inverse = np.unique(rows * shape[1] + cols, return_inverse=True)
    rows, cols = np.divmod(keys, shape[1])
    values = np.bincount(inverse.ravel(), weights=values,
                         minlength=len(keys)).astype(np.float64, copy=False)
    dense = None
    if shape[0] * shape[1] <= dense_limit:
        dense = np.zeros(shape)
        dense[rows, cols] = values
    return Conv2dMatrix(
        shape=shape, rows=rows.astype(np.intp), cols=cols.astype(np.intp), values=values,
        dense=dense, x_conv=im2col(result), kernel_row=kernel_row(result),
        input_flat=unpadded_input(result).ravel(), output_flat=result.output.ravel(),
        bias_flat=np.repeat(result.bias, result.output[0].size), taps=taps)


def unpadded_input(result: Conv2dResult) -> NDArray[np.float64]:
    """The input (C_in, H, W), cut out of the padded input."""
    (top, _), (left, _) = result.index_map.padding
    h, w = result.index_map.input_size
    return result.padded_input[:, top:top + h, left:left + w]


def im2col(result: Conv2dResult) -> NDArray[np.float64]:
    """X_conv (C_in·T, P): column p is the window of output cell p, flattened in the order
    of the kernel as given, channel after channel (values read from the padded input)."""
    rows, cols, _ = window_sources(result)  # (P, T)
    gathered = result.padded_input[:, rows, cols]  # (C_in, P, T)
    return gathered.transpose(0, 2, 1).reshape(-1, rows.shape[0])


def kernel_row(result: Conv2dResult) -> NDArray[np.float64]:
    """kernel2row (C_out, C_in·T): filter o's weights (as given) in its group's block."""
    kernel = given_kernel(result)
    c_out = kernel.shape[0]
    row = np.zeros((c_out, result.groups, kernel[0].size))
    filters = np.arange(c_out)
    row[filters, filters // (c_out // result.groups)] = kernel.reshape(c_out, -1)
    return row.reshape(c_out, -1)
