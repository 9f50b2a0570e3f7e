"""The matrix C, im2col and kernel2row: deck 001, PyTorch, properties, and memory."""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _conv_cases import MODES, PADDINGS, describe, random_case, torch_forward_backward
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.conv import conv2d
from engine.matrix import conv2d_matrix
from engine.symbolic import label, labels, matrix_symbols

pytestmark = pytest.mark.filterwarnings(
    "ignore:Using padding='same' with even kernel lengths:UserWarning")

X = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
W = [[1, 2], [3, 4]]


def test_deck_001_numbers() -> None:
    m = conv2d_matrix(conv2d(X, W, flip_kernel=True))
    # W_conv: each row the rotated kernel [w₂₂ w₂₁; w₁₂ w₁₁] = [4 3; 2 1] over its window
    assert m.dense is not None
    assert m.dense.tolist() == [[4, 3, 0, 2, 1, 0, 0, 0, 0], [0, 4, 3, 0, 2, 1, 0, 0, 0],
                                [0, 0, 0, 4, 3, 0, 2, 1, 0], [0, 0, 0, 0, 4, 3, 0, 2, 1]]
    assert m.shape == (4, 9)
    assert m.rows.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]
    assert m.cols.tolist() == [0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8]
    # X_conv rows in the order of w₁₁, w₁₂, w₂₁, w₂₂; W_flat · X_conv = Y_flat
    assert m.x_conv.tolist() == [[5, 6, 8, 9], [4, 5, 7, 8], [2, 3, 5, 6], [1, 2, 4, 5]]
    assert m.kernel_row.tolist() == [[1, 2, 3, 4]]
    assert (m.kernel_row @ m.x_conv).tolist() == [[1 * 5 + 2 * 4 + 3 * 2 + 4 * 1, 33, 53, 63]]
    assert m.output_flat.tolist() == [23, 33, 53, 63]
    assert m.input_flat.tolist() == list(range(1, 10))


def test_deck_001_by_name() -> None:
    result = conv2d(X, W, flip_kernel=True)
    s = matrix_symbols(result, conv2d_matrix(result))
    assert s.x_conv.tolist() == [["x₂₂", "x₂₃", "x₃₂", "x₃₃"], ["x₂₁", "x₂₂", "x₃₁", "x₃₂"],
                                 ["x₁₂", "x₁₃", "x₂₂", "x₂₃"], ["x₁₁", "x₁₂", "x₂₁", "x₂₂"]]
    assert s.dense is not None
    assert s.dense.tolist() == [
        ["w₂₂", "w₂₁", "0", "w₁₂", "w₁₁", "0", "0", "0", "0"],
        ["0", "w₂₂", "w₂₁", "0", "w₁₂", "w₁₁", "0", "0", "0"],
        ["0", "0", "0", "w₂₂", "w₂₁", "0", "w₁₂", "w₁₁", "0"],
        ["0", "0", "0", "0", "w₂₂", "w₂₁", "0", "w₁₂", "w₁₁"]]
    assert s.kernel_row.tolist() == [["w₁₁", "w₁₂", "w₂₁", "w₂₂"]]
    assert [f.text for f in s.output] == [
        "w₂₂·x₁₁ + w₂₁·x₁₂ + w₁₂·x₂₁ + w₁₁·x₂₂", "w₂₂·x₁₂ + w₂₁·x₁₃ + w₁₂·x₂₂ + w₁₁·x₂₃",
        "w₂₂·x₂₁ + w₂₁·x₂₂ + w₁₂·x₃₁ + w₁₁·x₃₂", "w₂₂·x₂₂ + w₂₁·x₂₃ + w₁₂·x₃₂ + w₁₁·x₃₃"]
    assert [f.label for f in s.output] == ["y₁₁", "y₁₂", "y₂₁", "y₂₂"]


def test_labels_for_channels_and_large_indices() -> None:
    assert label("x", 9, 0) == "x₁₀,₁"
    assert label("x", 0, 2, channels=(1,)) == "x⁽²⁾₁₃"
    assert labels("w", (2, 1, 1, 1), channel_axes=2).ravel().tolist() == ["w⁽¹,¹⁾₁₁",
                                                                          "w⁽²,¹⁾₁₁"]
    assert labels("x", (1, 2, 1), channel_axes=1).ravel().tolist() == ["x₁₁", "x₂₁"]


def torch_dense_c(case: dict, n_inputs: int) -> np.ndarray:
    """Column j of C is the output (bias removed) for the j-th unit input, by PyTorch."""
    shape = np.shape(case["input"])
    columns = []
    for j in range(n_inputs):
        unit = np.zeros(n_inputs)
        unit[j] = 1.0
        out = torch_forward_backward(case | {"input": unit.reshape(shape), "bias": None})
        columns.append(out["output"].ravel())
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("mode", MODES)
def test_dense_c_matches_pytorch_column_by_column(mode: str) -> None:
    rng = random.Random(f"dense-{mode}")
    for n in range(10):
        case = random_case(rng, mode, PADDINGS[n % len(PADDINGS)], max_size=4)
        m = conv2d_matrix(conv2d(**case))
        assert m.dense is not None
        np.testing.assert_allclose(m.dense, torch_dense_c(case, m.shape[1]), rtol=1e-12,
                                   atol=1e-12, err_msg=describe(case))


@st.composite
def small_case(draw: st.DrawFn) -> dict:
    rng = random.Random(draw(st.integers(0, 2**32)))
    return random_case(rng, draw(st.sampled_from(MODES)), draw(st.sampled_from(PADDINGS)),
                       max_size=6)


@settings(max_examples=100, deadline=None)
@given(small_case())
def test_c_times_x_is_the_forward_output(case: dict) -> None:
    result = conv2d(**case)
    m = conv2d_matrix(result)
    torch_out = torch_forward_backward(case)["output"].ravel()
    np.testing.assert_allclose(m.matvec(m.input_flat) + m.bias_flat, result.output.ravel(),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(m.matvec(m.input_flat) + m.bias_flat, torch_out, rtol=1e-10,
                               atol=1e-12)
    np.testing.assert_allclose((m.kernel_row @ m.x_conv).ravel() + m.bias_flat, torch_out,
                               rtol=1e-10, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(small_case(), st.integers(0, 2**32))
def test_dense_equals_the_coordinate_list_and_its_transpose(case: dict, seed: int) -> None:
    m = conv2d_matrix(conv2d(**case))
    keys = m.rows * m.shape[1] + m.cols
    assert np.all(np.diff(keys) > 0)  # unique entries, row-major order
    rebuilt = np.zeros(m.shape)
    np.add.at(rebuilt, (m.rows, m.cols), m.values)
    assert m.dense is not None
    np.testing.assert_array_equal(m.dense, rebuilt)
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=m.shape[1]), rng.normal(size=m.shape[0])
    assert float(m.matvec(x) @ y) == pytest.approx(float(x @ m.rmatvec(y)), rel=1e-9,
                                                   abs=1e-9)
    np.testing.assert_allclose(m.rmatvec(y), m.dense.T @ y, rtol=1e-10, atol=1e-12)


def test_reflect_padding_adds_the_copies_into_the_source_column() -> None:
    # padding 1 row, reflect: padded rows are x₂, x₁, x₂, x₁, so the 3-row window of y₁₁
    # reads x₂₁ twice: through w₁₁ (the reflection) and through w₃₁ (the cell itself)
    result = conv2d([[1, 2], [3, 4]], [[1], [10], [100]], padding=[1, 0],
                    padding_mode="reflect")
    m = conv2d_matrix(result)
    assert m.dense is not None
    assert m.dense[0].tolist() == [10, 0, 1 + 100, 0]
    s = matrix_symbols(result, m)
    assert s.values[:2] == ["w₂₁", "w₁₁ + w₃₁"]
    assert s.x_conv[0].tolist() == ["x₂₁", "x₂₂", "x₁₁", "x₁₂"]
    assert s.output[0].terms == [("w₂₁", "x₁₁"), ("w₁₁", "x₂₁"), ("w₃₁", "x₂₁")]
    np.testing.assert_array_equal(m.matvec(m.input_flat), result.output.ravel())


def test_zero_padding_adds_no_entry_and_reads_zero_in_x_conv() -> None:
    result = conv2d([[1, 2], [3, 4]], [[1, 1], [1, 1]], padding=1)
    m = conv2d_matrix(result)
    assert m.shape == (9, 4) and len(m.rows) == 16  # each input cell is read 4 times
    s = matrix_symbols(result, m)
    assert s.x_conv[:, 0].tolist() == ["0", "0", "0", "x₁₁"]
    assert s.output[0].terms == [("w₂₂", "x₁₁")]


def test_groups_make_kernel_row_block_diagonal() -> None:
    rng = np.random.default_rng(2)
    result = conv2d(rng.normal(size=(4, 3, 3)), rng.normal(size=(2, 2, 2, 2)), groups=2)
    m = conv2d_matrix(result)
    assert m.kernel_row.shape == (2, 16) and m.x_conv.shape == (16, 4)
    assert not m.kernel_row[0, 8:].any() and not m.kernel_row[1, :8].any()
    np.testing.assert_allclose(m.kernel_row @ m.x_conv, result.output.reshape(2, 4))


def test_dense_c_is_never_built_past_the_limit() -> None:
    # 64×64 input, 3×3 kernel: dense C would be 3,844 × 4,096 float64, 126 MB
    x = np.random.default_rng(0).normal(size=(64, 64))
    result = conv2d(x, np.ones((3, 3)))
    tracemalloc.start()
    try:
        m = conv2d_matrix(result, dense_limit=65_536)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert m.dense is None and m.shape == (3844, 4096) and len(m.rows) == 3844 * 9
    assert peak < 8 * 1024 * 1024, peak
    np.testing.assert_allclose(m.matvec(m.input_flat), result.output.ravel())
    np.testing.assert_allclose(m.matvec(m.input_flat),
                               F.conv2d(torch.tensor(x)[None, None],
                                        torch.ones(1, 1, 3, 3, dtype=torch.float64)).ravel())
