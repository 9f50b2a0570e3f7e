"""conv2d and conv2d_trace: hand arithmetic, the decks' worked examples, the paper's figures.

The oracles (PyTorch, a naive loop) live in ``test_conv_oracles.py``; the
Hypothesis properties in ``test_conv_properties.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine import InputError, conv2d, conv2d_trace
from engine.conv import conv2d_with_output, plan_conv2d, run_conv2d
from engine.presets import EXAMPLES

A6 = [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4],
      [5, 6, 0, 7, 1, 4], [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]]
K3 = [[1, 2, 2], [2, 1, 2], [2, 2, 1]]


def out2d(result) -> list[list[float]]:
    """The single output channel of a result, as nested lists."""
    assert result.output.shape[0] == 1
    return result.output[0].tolist()


# --- hand arithmetic -------------------------------------------------------------------

def test_one_window_is_a_sum_of_products():
    result = conv2d([[3, 2], [1, 4]], [[1, 2], [3, 4]])
    assert out2d(result) == [[3*1 + 2*2 + 1*3 + 4*4]]


def test_sliding_window_cross_correlation():
    x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    k = [[1, 0], [0, -1]]
    assert out2d(conv2d(x, k)) == [[1*1 - 5, 2*1 - 6], [4*1 - 8, 5*1 - 9]]


def test_bias_is_added_once_per_output_cell():
    result = conv2d([[1, 2], [3, 4]], [[1, 1], [1, 1]], bias=0.5)
    assert out2d(result) == [[1 + 2 + 3 + 4 + 0.5]]


def test_zero_padding_reads_zeros():
    # padding 1: the corner window covers three zeros and the top-left input cell.
    result = conv2d([[5, 6], [7, 8]], [[1, 2], [3, 4]], padding=1)
    assert result.output.shape == (1, 3, 3)
    assert result.output[0, 0, 0] == 0*1 + 0*2 + 0*3 + 5*4
    assert result.output[0, 1, 1] == 5*1 + 6*2 + 7*3 + 8*4
    assert result.output[0, 2, 2] == 8*1 + 0*2 + 0*3 + 0*4


def test_stride_and_dilation_by_hand():
    x = np.arange(25.0).reshape(5, 5)  # x[r, c] = 5r + c
    result = conv2d(x, [[1, 10], [100, 1000]], dilation=2, stride=3)
    # one output cell: taps at (0,0), (0,2), (2,0), (2,2)
    assert out2d(result) == [[0*1 + 2*10 + 10*100 + 12*1000]]


def test_reflect_replicate_circular_padding_by_hand():
    x = [[1, 2, 3]]
    k = [[1, 10, 100]]
    # padding [0, 1]: the row is padded to 5 cells, left and right
    assert out2d(conv2d(x, k, padding=[0, 1], padding_mode="reflect")) == [
        [2*1 + 1*10 + 2*100, 1*1 + 2*10 + 3*100, 2*1 + 3*10 + 2*100]]
    assert out2d(conv2d(x, k, padding=[0, 1], padding_mode="replicate")) == [
        [1*1 + 1*10 + 2*100, 1*1 + 2*10 + 3*100, 2*1 + 3*10 + 3*100]]
    assert out2d(conv2d(x, k, padding=[0, 1], padding_mode="circular")) == [
        [3*1 + 1*10 + 2*100, 1*1 + 2*10 + 3*100, 2*1 + 3*10 + 1*100]]


def test_channels_sum_and_filters_stack():
    x = [[[1, 2]], [[3, 4]]]              # (C=2, H=1, W=2)
    k = [[[[1, 1]], [[10, 10]]],          # filter 0 over both channels
         [[[1, 0]], [[0, -1]]]]           # filter 1
    result = conv2d(x, k, bias=[0, 100])
    assert result.output.tolist() == [[[1 + 2 + 30 + 40]], [[1*1 - 4 + 100]]]
    assert result.output_shape == [2, 1, 1]


def test_groups_keep_channels_apart():
    x = [[[1, 2]], [[3, 4]]]
    k = [[[[1, 1]]], [[[1, -1]]]]         # (C_out=2, C_in/groups=1, 1, 2)
    result = conv2d(x, k, groups=2)
    assert result.output.tolist() == [[[1 + 2]], [[3 - 4]]]


def test_flip_kernel_rotates_by_180_degrees():
    x = [[1, 2], [3, 4]]
    k = [[1, 2], [3, 4]]
    result = conv2d(x, k, flip_kernel=True)
    assert out2d(result) == [[1*4 + 2*3 + 3*2 + 4*1]]
    assert result.kernel[0, 0].tolist() == [[4, 3], [2, 1]]
    assert result.flip_kernel is True


def test_output_shape_follows_input_rank():
    assert conv2d([[1, 2], [3, 4]], [[1]]).output_shape == [2, 2]
    assert conv2d([[[1, 2], [3, 4]]], [[1]]).output_shape == [1, 2, 2]
    assert conv2d([[1, 2], [3, 4]], [[[[1]]], [[[2]]]]).output_shape == [2, 2, 2]


def test_padded_input_is_reported():
    result = conv2d([[1, 2]], [[1]], padding=[1, 0])
    assert result.padded_input.tolist() == [[[0, 0], [1, 2], [0, 0]]]


# --- the decks' worked examples, by name ------------------------------------------------

CONV_EXAMPLES = [e for e in EXAMPLES if e["op"] == "conv2d"]


def test_every_conv2d_preset_is_covered():
    ids = {e["id"] for e in CONV_EXAMPLES}
    assert {"stride-3", "padding-dilation", "dilation-3", "bias-stride-1", "bias-stride-2",
            "vertical-edge", "true-convolution", "matrix-3x3-2x2", "same-padding"} <= ids


@pytest.mark.parametrize("example", CONV_EXAMPLES, ids=[e["id"] for e in CONV_EXAMPLES])
def test_preset_reproduces_its_slide(example):
    result = conv2d(**example["params"])
    if example["expected_output"] is None:
        assert example["id"] == "same-padding"
        assert result.output.shape == (1, 6, 6)
    else:
        assert out2d(result) == example["expected_output"]


def test_deck_002_stride_3_first_cell():
    assert out2d(conv2d(A6, K3, stride=3))[0][0] == (3*1 + 2*2 + 7*2 + 4*2 + 1*1 + 1*2
                                                     + 8*2 + 2*2 + 0*1)


def test_deck_002_same_padding_keeps_size_and_centre():
    result = conv2d(A6, K3, padding=1)
    assert result.output.shape == (1, 6, 6)
    assert result.output[0, 1:-1, 1:-1].tolist() == conv2d(A6, K3).output[0].tolist()
    assert result.output[0, 0, 0] == 3*1 + 2*2 + 4*2 + 1*1


def test_deck_004_stride_2_drops_the_intermediates():
    params = next(e for e in EXAMPLES if e["id"] == "bias-stride-1")["params"]
    full = conv2d(**params).output
    assert conv2d(**params, stride=2).output.tolist() == full[:, ::2, ::2].tolist()


def test_deck_003_true_convolution_symbolic_order():
    # a·9 + b·8 + … + i·1: tap (r, c) of the flipped kernel meets input (r, c)
    x = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=float)
    weights = 10.0 ** np.arange(9).reshape(3, 3)  # distinct digits reveal the pairing
    value = conv2d(x, weights, flip_kernel=True).output[0, 0, 0]
    assert value == sum(x.flat[i] * weights.flat[8 - i] for i in range(9))


# --- Dumoulin & Visin, Figures 1.1 and 1.2 ------------------------------------------------

FIG1_INPUT = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2],
              [2, 0, 0, 0, 1]]
FIG1_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]


def test_paper_figure_1_1():
    assert out2d(conv2d(FIG1_INPUT, FIG1_KERNEL)) == [[12, 12, 17], [10, 17, 19], [9, 6, 14]]


def test_paper_figure_1_2_padding_1_stride_2():
    result = conv2d(FIG1_INPUT, FIG1_KERNEL, padding=1, stride=2)
    assert out2d(result) == [[6, 17, 3], [8, 17, 13], [6, 4, 4]]


# --- conv2d_trace --------------------------------------------------------------------------

def traced(**kwargs):
    """Two input channels, three 2×3 filters, a bias per filter."""
    x = np.arange(2 * 5 * 4, dtype=float).reshape(2, 5, 4) - 17
    k = np.arange(3 * 2 * 2 * 3, dtype=float).reshape(3, 2, 2, 3) / 4 - 1
    return conv2d(x, k, bias=[1, -2, 0.5], **kwargs)


def test_full_trace_matches_output():
    result = traced(padding=1, stride=[2, 1])
    trace = conv2d_trace(result)
    assert trace.start == 0 and trace.total == result.output.size == len(trace.value)
    np.testing.assert_array_equal(trace.value, result.output.reshape(-1))
    c, r, q = trace.out.T
    np.testing.assert_array_equal(result.output[c, r, q], trace.value)
    np.testing.assert_allclose(trace.partial_sums.sum(axis=1) + trace.bias, trace.value,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(trace.bias, np.repeat([1, -2, 0.5], result.output[0].size))


def test_steps_run_over_channels_then_rows_then_columns():
    trace = conv2d_trace(conv2d(np.ones((2, 3)), [[[[1]]], [[[2]]]]))
    assert trace.out.tolist() == [[c, r, q] for c in range(2) for r in range(2)
                                  for q in range(3)]


@pytest.mark.parametrize("limit", [1, 2, 5, 7, 100])
def test_pages_concatenate_to_the_full_trace(limit):
    result = traced(padding=[1, 2], dilation=[1, 2])
    full = conv2d_trace(result)
    pages = [conv2d_trace(result, start=s, limit=limit) for s in range(0, full.total, limit)]
    assert [p.start for p in pages] == list(range(0, full.total, limit))
    assert all(p.total == full.total for p in pages)
    for name in ("out", "window", "padding", "products", "partial_sums", "bias", "value"):
        joined = np.concatenate([getattr(p, name) for p in pages])
        np.testing.assert_array_equal(joined, getattr(full, name), err_msg=name)


def test_last_page_is_short_and_start_outside_is_an_error():
    result = traced()
    total = result.output.size
    assert len(conv2d_trace(result, start=total - 2, limit=10).value) == 2
    with pytest.raises(InputError) as err:
        conv2d_trace(result, start=total)
    assert err.value.field == "trace" and str(total) in str(err.value)
    with pytest.raises(InputError):
        conv2d_trace(result, start=-1)


def test_trace_step_spelled_out():
    # deck 004, stride 1, bias −1: step 0 is h₁₁ = 9
    params = next(e for e in EXAMPLES if e["id"] == "bias-stride-1")["params"]
    step = conv2d_trace(conv2d(**params), start=0, limit=1)
    assert step.window[0].tolist() == [[r, c] for r in range(3) for c in range(3)]
    assert step.products[0, 0].tolist() == [0*-1, 2*0, -3*-2, -2*1, -2*1, -2*-1,
                                            -3*-1, -3*-1, 2*0]
    assert step.partial_sums[0].tolist() == [10] and step.bias.tolist() == [-1]
    assert step.value.tolist() == [9] and not step.padding.any()


def test_a_convolution_with_a_known_output_is_the_computed_one_without_computing_it() -> None:
    """conv2d_with_output (the equivalent views of transposed conv and of ΔX) builds the
    same result as run_conv2d when handed the right output, and refuses a wrong shape."""
    plan = plan_conv2d(np.arange(30.0).reshape(5, 6), [[1, 0, 2], [0, -1, 1]], stride=(2, 1),
                       padding=(1, 2), dilation=(1, 2), padding_mode="reflect", bias=0.5)
    computed = run_conv2d(plan)
    given = conv2d_with_output(plan, computed.output)
    assert given.output is computed.output
    np.testing.assert_array_equal(given.padded_input, computed.padded_input)
    assert given.index_map is computed.index_map
    assert (given.arithmetic, given.groups, given.padding_mode) == (
        computed.arithmetic, computed.groups, computed.padding_mode)
    with pytest.raises(ValueError, match="shape"):
        conv2d_with_output(plan, computed.output[:, :-1])
