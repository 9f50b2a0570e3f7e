"""Convolution as a matrix: a row of the sparse matrix C, a row of im2col (X_conv).

Answers come from ``engine.matrix.conv2d_matrix``: C's rows are the output
cells, its columns the input cells unrolled row by row; X_conv has one row per
kernel tap and one column per output cell (deck 001).
"""

from __future__ import annotations

import numpy as np

from engine.conv import conv2d
from engine.exercises.gen_conv import TOLERANCE
from engine.exercises.gen_size import pair_text
from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.exercises.numbers import FROM_1, cell_name, int_lists, num, small_ints
from engine.matrix import conv2d_matrix

_LEVELS = {1: (3, 2, 1, 0, False), 2: (4, 3, 1, 1, False), 3: (4, 3, 2, 1, True)}


def _setup(rng: np.random.Generator, difficulty: int) -> tuple[np.ndarray, np.ndarray, int,
                                                               int, bool]:
    n, kn, stride, padding, flip = _LEVELS[difficulty]
    if difficulty == 2 and rng.integers(0, 2):
        kn, stride, padding = 2, 2, 0
    x = small_ints(rng, -2, 5, (n, n))
    k = small_ints(rng, -2, 3, (kn, kn))
    while not k.any():
        k = small_ints(rng, -2, 3, (kn, kn))
    return x, k, stride, padding, flip


def _givens(x: np.ndarray, k: np.ndarray, stride: int, padding: int, flip: bool,
            with_input: bool) -> list[Given]:
    givens = [Given("input", "X", int_lists(x))] if with_input else [
        Given("input_size", "input size", list(x.shape), f"{x.shape[0]} × {x.shape[1]}")]
    return [
        *givens, Given("kernel", "K", int_lists(k)),
        Given("stride", "stride", [stride, stride], pair_text((stride, stride))),
        Given("padding", "padding", [padding, padding], pair_text((padding, padding))),
        Given("flip_kernel", "true convolution", flip, "yes (K rotated 180°)" if flip else
              "no (cross-correlation)")]


def _kind(flip: bool) -> str:
    return ("true convolution (K rotated by 180° before it is applied)" if flip
            else "cross-correlation (K applied as it is)")


def c_row(rng: np.random.Generator, difficulty: int) -> Draft:
    """One row of C: the weights by which each input cell enters one output cell."""
    x, k, stride, padding, flip = _setup(rng, difficulty)
    result = conv2d(x, k, stride=stride, padding=padding, flip_kernel=flip)
    matrix = conv2d_matrix(result)
    assert matrix.dense is not None
    _, ho, wo = result.output.shape
    p = int(rng.integers(0, ho * wo))
    row, (h, w) = matrix.dense[p], x.shape
    labels = tuple(f"{cell_name('C', p, j)} ({cell_name('X', j // w, j % w)})"
                   for j in range(h * w))
    applied = result.kernel[0, 0]
    steps = [f"Row {p + 1} of C computes {cell_name('Y', p // wo, p % wo)} (rows of C take the "
             f"output cells row by row; {FROM_1}) from vec(X), the {h * w} input cells row by "
             f"row.",
             f"The applied kernel is {int_lists(applied)}; its window for this output cell "
             f"starts at padded row ({p // wo + 1} − 1)·{stride} + 1 and column "
             f"({p % wo + 1} − 1)·{stride} + 1.",
             "Each input cell under a tap gets that tap's weight; cells outside the window, "
             "and taps that land on zero padding, give 0.",
             "Row: " + ", ".join(num(float(v)) for v in row)]
    prompt = (f"The {_kind(flip)} of a {h}×{w} input with K (stride {stride}, zero padding "
              f"{padding}) is the matrix product vec(Y) = C·vec(X), where vec unrolls row by "
              f"row. Write row {p + 1} of C (the row of output cell "
              f"{cell_name('Y', p // wo, p % wo)}; {FROM_1}), "
              f"{h * w} numbers.")
    givens = (*_givens(x, k, stride, padding, flip, with_input=False),
              Given("row", "row of C", p, str(p + 1)))
    return Draft("A row of the convolution matrix C", prompt, givens,
                 Answer("vector", f"C[{p + 1}, :]", row.copy(), labels=labels), tuple(steps),
                 TOLERANCE)


def im2col_row(rng: np.random.Generator, difficulty: int) -> Draft:
    """One row of X_conv: what one kernel tap reads for every output cell."""
    x, k, stride, padding, flip = _setup(rng, difficulty)
    result = conv2d(x, k, stride=stride, padding=padding, flip_kernel=flip)
    x_conv = conv2d_matrix(result).x_conv
    _, ho, wo = result.output.shape
    kn = k.shape[0]
    t = int(rng.integers(0, kn * kn))
    row = x_conv[t]
    labels = tuple(f"column {p + 1} ({cell_name('Y', p // wo, p % wo)})" for p in range(ho * wo))
    steps = [f"Row {t + 1} of X_conv belongs to the weight {cell_name('K', t // kn, t % kn)} "
             f"(rows follow the weights of K as given, row by row; {FROM_1}); column p holds "
             f"the window of output cell p, output cells row by row."]
    for p, v in enumerate(row):
        r, c = p // wo, p % wo
        steps.append(f"{cell_name('Y', r, c)}: padded position (({r + 1} − 1)·{stride} + "
                     f"{t // kn + 1}, ({c + 1} − 1)·{stride} + {t % kn + 1}) holds "
                     f"{num(float(v))}" if not flip else
                     f"{cell_name('Y', r, c)}: the tap of weight {cell_name('K', t // kn, t % kn)} "
                     f"reads {num(float(v))}")
    prompt = (f"For the {_kind(flip)} of X with K (stride {stride}, zero padding {padding}), "
              f"im2col builds X_conv: one row per weight of K (K[1, 1], K[1, 2], … row by "
              f"row), one column per output cell (row by row), so that Y = "
              f"kernel_row · X_conv ({FROM_1}). Write row {t + 1} of X_conv, the values "
              f"multiplied by {cell_name('K', t // kn, t % kn)}.")
    givens = (*_givens(x, k, stride, padding, flip, with_input=True),
              Given("row", "row of X_conv", t, str(t + 1)))
    return Draft("A row of im2col (X_conv)", prompt, givens,
                 Answer("vector", f"X_conv[{t + 1}, :]", row.copy(), labels=labels),
                 tuple(steps), TOLERANCE)


_LEVEL_TEXT = ("3×3 input, 2×2 kernel", "4×4 input: 3×3 kernel with padding 1, or stride 2",
               "4×4 input, 3×3 kernel, stride 2, padding 1, true convolution")
SPECS = (
    TypeSpec("c-row", "matrix", "A row of the convolution matrix C",
             "One row of the sparse matrix C with vec(Y) = C·vec(X): the weight of every "
             "input cell in one output cell.", "vector", _LEVEL_TEXT, c_row),
    TypeSpec("im2col-row", "matrix", "A row of im2col (X_conv)",
             "One row of X_conv: the input value one kernel weight multiplies, for every "
             "output cell.", "vector", _LEVEL_TEXT, im2col_row,
             version=2, older=((1, im2col_row),)),
)
