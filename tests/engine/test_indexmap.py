"""The index map: where each (output position, kernel tap) reads, in the padded frame."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from engine.indexmap import build_index_map
from engine.primitives import padding_source


def index_map(h=5, w=6, k=(2, 3), s=(2, 1), d=(1, 2), pad=((1, 0), (2, 1)), mode="zeros"):
    """A map for an h×w input; the output size is worked out by the paper's formula."""
    out = tuple((n + a + b - (kk - 1) * dd - 1) // ss + 1
                for n, kk, ss, dd, (a, b) in zip((h, w), k, s, d, pad))
    return build_index_map(input_size=(h, w), kernel_size=k, stride=s, dilation=d,
                           padding=pad, output_size=out, padding_mode=mode)


def test_rows_and_cols_follow_the_formula():
    m = index_map()
    assert m.output_size == (3, 5)
    for o, t in itertools.product(range(3), range(2)):
        assert m.rows[o, t] == o * 2 + t * 1
    for o, t in itertools.product(range(5), range(3)):
        assert m.cols[o, t] == o * 1 + t * 2
    assert m.rows.tolist() == [[0, 1], [2, 3], [4, 5]]
    assert m.cols.tolist() == [[0, 2, 4], [1, 3, 5], [2, 4, 6], [3, 5, 7], [4, 6, 8]]


def test_padded_size_and_sources():
    m = index_map(mode="replicate")
    assert m.padded_size == (5 + 1 + 0, 6 + 2 + 1)
    assert m.row_source.tolist() == padding_source(5, 1, 0, "replicate").tolist()
    assert m.col_source.tolist() == [0, 0, 0, 1, 2, 3, 4, 5, 5]
    assert index_map().col_source.tolist() == [-1, -1, 0, 1, 2, 3, 4, 5, -1]


def test_window_lists_taps_row_by_row():
    m = index_map()
    rows, cols = m.window(np.array([1, 2]), np.array([3, 0]))
    # output (1, 3): rows 2, 3; cols 3, 5, 7; taps (0,0) (0,1) (0,2) (1,0) (1,1) (1,2)
    assert rows.tolist()[0] == [2, 2, 2, 3, 3, 3]
    assert cols.tolist()[0] == [3, 5, 7, 3, 5, 7]
    assert rows.tolist()[1] == [4, 4, 4, 5, 5, 5]
    assert cols.tolist()[1] == [0, 2, 4, 0, 2, 4]


def test_window_of_every_cell_against_the_formula():
    m = index_map(h=4, w=4, k=(3, 2), s=(1, 2), d=(2, 1), pad=((2, 2), (0, 1)))
    ho, wo = m.output_size
    cells = np.array(list(itertools.product(range(ho), range(wo))))
    rows, cols = m.window(cells[:, 0], cells[:, 1])
    assert rows.shape == cols.shape == (ho * wo, 3 * 2)
    for j, (r, c) in enumerate(cells):
        expected = [(r * 1 + i * 2, c * 2 + q * 1) for i in range(3) for q in range(2)]
        assert list(zip(rows[j].tolist(), cols[j].tolist())) == expected


def test_window_of_no_cells_is_empty():
    rows, cols = index_map().window(np.array([], dtype=np.intp), np.array([], dtype=np.intp))
    assert rows.shape == cols.shape == (0, 6)


@pytest.mark.parametrize("pad", [((0, 0), (0, 0)), ((1, 2), (3, 0)), ((2, 2), (1, 1))])
def test_is_padding_exactly_outside_the_input(pad):
    m = index_map(h=3, w=4, k=(1, 1), s=(1, 1), d=(1, 1), pad=pad)
    rows, cols = np.meshgrid(np.arange(m.padded_size[0]), np.arange(m.padded_size[1]),
                             indexing="ij")
    flags = m.is_padding(rows, cols)
    (top, _), (left, _) = pad
    inside = np.zeros(m.padded_size, dtype=bool)
    inside[top:top + 3, left:left + 4] = True
    np.testing.assert_array_equal(flags, ~inside)
    # a zeros-padding map reads nothing exactly where the flag is set
    sources = (m.row_source[rows] < 0) | (m.col_source[cols] < 0)
    np.testing.assert_array_equal(sources, flags)


def test_doctest_case_non_overlapping_windows():
    m = build_index_map(input_size=(4, 4), kernel_size=(2, 2), stride=(2, 2), dilation=(1, 1),
                        padding=((0, 0), (0, 0)), output_size=(2, 2))
    assert m.rows.tolist() == m.cols.tolist() == [[0, 1], [2, 3]]
    assert not m.is_padding(m.rows, m.rows).any()
