"""Pairs, padding (values and sources), zero insertion and windows, against plain oracles."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine import InputError
from engine.primitives import PADDING_MODES, as_pair, insert_zeros, pad2d, padding_source, windows

NP_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
TORCH_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
              "circular": "circular"}


# --- as_pair -----------------------------------------------------------------------------

def test_as_pair_accepts_int_and_two_ints():
    assert as_pair(3, "stride", minimum=1) == (3, 3)
    assert as_pair([1, 2], "stride", minimum=1) == (1, 2)
    assert as_pair((0, 4), "padding", minimum=0) == (0, 4)
    assert as_pair(np.array([2, 5]), "dilation", minimum=1) == (2, 5)
    assert as_pair(np.int64(2), "stride", minimum=1) == (2, 2)


@pytest.mark.parametrize("value", [True, [1, True], [1], [1, 2, 3], 1.0, [1.5, 2], None, "12"])
def test_as_pair_refuses_non_integers(value):
    with pytest.raises(InputError) as err:
        as_pair(value, "stride", minimum=1)
    assert err.value.field == "stride" and "[height, width]" in err.value.message


def test_as_pair_names_the_axis_below_the_minimum():
    with pytest.raises(InputError) as err:
        as_pair([2, 0], "dilation", minimum=1)
    assert err.value.field == "dilation"
    assert err.value.message == "width must be at least 1, got 0"


# --- padding_source and pad2d ----------------------------------------------------------------

def legal_paddings(size: int, mode: str):
    most = {"reflect": size - 1, "circular": size}.get(mode, size + 2)
    return [(b, a) for b, a in itertools.product(range(most + 1), repeat=2)]


@pytest.mark.parametrize("mode", PADDING_MODES)
@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_padding_source_is_np_pad_of_the_indices(mode, size):
    for before, after in legal_paddings(size, mode):
        source = padding_source(size, before, after, mode)
        if mode == "zeros":
            expected = [-1] * before + list(range(size)) + [-1] * after
        else:
            expected = np.pad(np.arange(size), (before, after), mode=NP_MODE[mode]).tolist()
        assert source.tolist() == expected, (size, before, after)


def test_padding_source_by_hand():
    assert padding_source(3, 2, 2, "reflect").tolist() == [2, 1, 0, 1, 2, 1, 0]
    assert padding_source(3, 2, 2, "replicate").tolist() == [0, 0, 0, 1, 2, 2, 2]
    assert padding_source(3, 3, 3, "circular").tolist() == [0, 1, 2, 0, 1, 2, 0, 1, 2]


@pytest.mark.parametrize("mode", PADDING_MODES)
def test_pad2d_matches_torch_and_the_sources(mode):
    rng = np.random.default_rng(len(mode))
    x = rng.normal(size=(2, 3, 4))
    for (top, bottom), (left, right) in itertools.product(legal_paddings(3, mode)[:9],
                                                         legal_paddings(4, mode)[::3]):
        padded = pad2d(x, ((top, bottom), (left, right)), mode)
        expected = F.pad(torch.tensor(x)[None], (left, right, top, bottom),
                         mode=TORCH_MODE[mode])[0].numpy()
        np.testing.assert_array_equal(padded, expected)
        rows = padding_source(3, top, bottom, mode)
        cols = padding_source(4, left, right, mode)
        from_sources = np.where((rows[:, None] < 0) | (cols[None, :] < 0), 0.0,
                                x[:, rows[:, None], cols[None, :]])
        np.testing.assert_array_equal(padded, from_sources)


def test_pad2d_pads_only_the_last_two_axes():
    padded = pad2d(np.ones((2, 1, 1)), ((1, 0), (0, 2)), "zeros")
    assert padded.shape == (2, 2, 3)
    assert padded[1].tolist() == [[0, 0, 0], [1, 0, 0]]


# --- insert_zeros --------------------------------------------------------------------------

def test_insert_zeros_by_hand():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert insert_zeros(x, (2, 3)).tolist() == [[1, 0, 0, 2], [0, 0, 0, 0], [3, 0, 0, 4]]
    assert insert_zeros(x, (1, 1)).tolist() == x.tolist()


def test_insert_zeros_keeps_leading_axes_and_places_cells_stride_apart():
    x = np.arange(1.0, 2 * 3 * 4 + 1).reshape(2, 3, 4)
    for sh, sw in [(1, 2), (3, 1), (2, 2)]:
        out = insert_zeros(x, (sh, sw))
        assert out.shape == (2, (3 - 1) * sh + 1, (4 - 1) * sw + 1)
        for c, r, q in itertools.product(range(2), range(3), range(4)):
            assert out[c, r * sh, q * sw] == x[c, r, q]
        assert np.count_nonzero(out) == x.size   # everything else is a zero


# --- windows -------------------------------------------------------------------------------

def naive_windows(padded, kernel_size, stride, dilation):
    """Every window by explicit slicing, shape (..., H_out, W_out, kH, kW)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    h, w = padded.shape[-2:]
    ho = (h - (kh - 1) * dh - 1) // sh + 1
    wo = (w - (kw - 1) * dw - 1) // sw + 1
    out = np.empty((*padded.shape[:-2], ho, wo, kh, kw))
    for r in range(ho):
        for c in range(wo):
            out[..., r, c, :, :] = padded[..., r * sh:r * sh + (kh - 1) * dh + 1:dh,
                                          c * sw:c * sw + (kw - 1) * dw + 1:dw]
    return out


@pytest.mark.parametrize("stride", [(1, 1), (2, 1), (3, 2)])
@pytest.mark.parametrize("dilation", [(1, 1), (2, 1), (1, 3)])
@pytest.mark.parametrize("kernel_size", [(1, 1), (2, 3), (3, 2)])
def test_windows_match_naive_slicing(kernel_size, stride, dilation):
    padded = np.arange(2 * 7 * 8, dtype=float).reshape(2, 7, 8)
    view = windows(padded, kernel_size, stride, dilation)
    np.testing.assert_array_equal(view, naive_windows(padded, kernel_size, stride, dilation))


def test_windows_is_a_read_only_view():
    padded = np.arange(16.0).reshape(4, 4)
    view = windows(padded, (2, 2), (1, 1), (1, 1))
    assert np.shares_memory(view, padded) and not view.flags.writeable
    assert view[2, 1].tolist() == [[9, 10], [13, 14]]
