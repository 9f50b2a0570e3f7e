"""Transposed convolution: deck 002, PyTorch, Cᵀ·x, and the equivalent direct convolution."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.conv import conv2d, run_conv2d
from engine.errors import InputError
from engine.matrix import conv2d_matrix
from engine.transposed import conv_transpose2d, conv_transpose2d_trace, equivalent_conv

A = [[1, 3, 2], [2, 5, 6], [7, 1, 3]]
K = [[0, 1], [3, 2]]


def test_deck_002_stride_1_is_the_sum_of_nine_placed_copies() -> None:
    result = conv_transpose2d(A, K)
    assert result.output[0].tolist() == [[0, 1, 3, 2], [3, 13, 17, 10], [6, 26, 29, 15],
                                         [21, 17, 11, 6]]
    trace = conv_transpose2d_trace(result)
    # A1: the first cell (1) places 1·K at the top left.
    assert trace.amounts[0].tolist() == [1 * 0, 1 * 1, 1 * 3, 1 * 2]
    assert trace.running_sum[0, 0].tolist() == [[0, 1, 0, 0], [3, 2, 0, 0], [0, 0, 0, 0],
                                                [0, 0, 0, 0]]
    # A2: the second cell (3) places 3·K one column to the right.
    assert trace.targets[1, :, 1:].tolist() == [[0, 1], [0, 2], [1, 1], [1, 2]]
    assert trace.amounts[1].tolist() == [0, 3, 9, 6]
    assert trace.running_sum[-1].tolist() == result.output.tolist()


def test_deck_002_stride_2() -> None:
    assert conv_transpose2d(A, K, stride=2).output[0].tolist() == [
        [0, 1, 0, 3, 0, 2], [3, 2, 9, 6, 6, 4], [0, 2, 0, 5, 0, 6],
        [6, 4, 15, 10, 18, 12], [0, 7, 0, 1, 0, 3], [21, 14, 3, 2, 9, 6]]


def test_relationship_14_shape_with_output_padding() -> None:
    result = conv_transpose2d(np.ones((3, 3)), np.ones((3, 3)), stride=2, padding=1,
                              output_padding=1)
    assert result.output.shape == (1, 6, 6)


def test_coverage_shows_the_checkerboard() -> None:
    result = conv_transpose2d(np.ones((4, 4)), np.ones((3, 3)), stride=2)
    interior = result.coverage[2:-2, 2:-2]
    assert set(np.unique(interior).tolist()) == {1.0, 2.0, 4.0}
    even = conv_transpose2d(np.ones((4, 4)), np.ones((2, 2)), stride=2)
    assert np.all(even.coverage == 1)


def _random_case(rng: np.random.Generator) -> dict[str, object]:
    groups = int(rng.integers(1, 3))
    c_in = groups * int(rng.integers(1, 3))
    stride = tuple(int(v) for v in rng.integers(1, 4, 2))
    dilation = tuple(int(v) for v in rng.integers(1, 3, 2))
    return {
        "x": rng.integers(-4, 5, size=(c_in, *rng.integers(1, 6, 2))).astype(float),
        "w": rng.normal(size=(c_in, int(rng.integers(1, 3)), *rng.integers(1, 4, 2))),
        "stride": stride, "dilation": dilation, "groups": groups,
        "padding": tuple(int(v) for v in rng.integers(0, 3, 2)),
        "output_padding": tuple(int(rng.integers(0, max(stride[i], dilation[i])))
                                for i in range(2)),
    }


def test_agrees_with_torch_on_a_thousand_random_cases() -> None:
    rng = np.random.default_rng(2024)
    compared = 0
    while compared < 1000:
        case = _random_case(rng)
        x, w = case.pop("x"), case.pop("w")
        bias = rng.normal(size=w.shape[1] * case["groups"])  # type: ignore[attr-defined]
        try:
            expected = F.conv_transpose2d(torch.from_numpy(x)[None], torch.from_numpy(w),
                                          torch.from_numpy(bias), **case)[0].numpy()
        except RuntimeError:
            with pytest.raises(InputError):
                conv_transpose2d(x, w, bias=bias, **case)  # type: ignore[arg-type]
            continue
        result = conv_transpose2d(x, w, bias=bias, **case)  # type: ignore[arg-type]
        np.testing.assert_allclose(result.output, expected, atol=1e-9)
        # The scatter view and the equivalent direct convolution give the same output.
        np.testing.assert_allclose(run_conv2d(equivalent_conv(result)).output, expected,
                                   atol=1e-9)
        start = int(rng.integers(0, x.size))
        np.testing.assert_allclose(conv_transpose2d_trace(result, start=start).running_sum[-1],
                                   expected, atol=1e-9)
        compared += 1


@pytest.mark.parametrize("groups", [1, 2])
def test_a_large_input_scatters_tap_by_tap_and_still_agrees_with_torch(groups: int) -> None:
    """Above 65,536 held products scatter takes one tap at a time (bounded memory)."""
    rng = np.random.default_rng(7 + groups)
    x = rng.normal(size=(2 * groups, 45, 47))
    w = rng.normal(size=(2 * groups, 3, 7, 6))  # 3 filters per group: 3·7·6·45·47 products
    case = {"stride": (2, 3), "padding": (1, 2), "dilation": (1, 2), "groups": groups}
    expected = F.conv_transpose2d(torch.from_numpy(x)[None], torch.from_numpy(w),
                                  **case)[0].numpy()
    result = conv_transpose2d(x, w, **case)  # type: ignore[arg-type]
    np.testing.assert_allclose(result.output, expected, atol=1e-9)


def test_transposed_is_c_transpose_times_x() -> None:
    """⟨conv(u), y⟩ = ⟨u, convᵀ(y)⟩ for the convolution being transposed."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        k = tuple(int(v) for v in rng.integers(1, 4, 2))
        s, p = int(rng.integers(1, 3)), int(rng.integers(0, 2))
        u = rng.normal(size=tuple(int(v) for v in rng.integers(4, 9, 2)))
        w = rng.normal(size=k)
        y_shape = conv2d(u, w, stride=s, padding=p).output.shape[1:]
        extra = tuple((u.shape[i] + 2 * p - k[i]) % s for i in range(2))
        y = rng.normal(size=y_shape)
        forward = conv2d(u, w, stride=s, padding=p).output[0]
        back = conv_transpose2d(y, w, stride=s, padding=p, output_padding=extra).output[0]
        assert back.shape == u.shape
        assert np.isclose(np.sum(forward * y), np.sum(u * back))


def test_transposed_equals_c_transpose_from_the_matrix_view() -> None:
    """conv_transpose2d(y) = Cᵀ·vec(y), with C the sparse matrix of the convolution it
    transposes (engine.matrix), over random strides, paddings, dilations and channels."""
    rng = np.random.default_rng(31)
    for _ in range(300):
        c_in, c_out = (int(v) for v in rng.integers(1, 4, 2))
        k = tuple(int(v) for v in rng.integers(1, 4, 2))
        s = tuple(int(v) for v in rng.integers(1, 4, 2))
        d = tuple(int(v) for v in rng.integers(1, 3, 2))
        p = tuple(int(rng.integers(0, 3)) for _ in range(2))
        size = tuple(int(rng.integers(d[i] * (k[i] - 1) + 1, 10)) for i in range(2))
        u = rng.normal(size=(c_in, *size))
        w = rng.normal(size=(c_out, c_in, *k))
        forward = conv2d(u, w, stride=s, padding=p, dilation=d)
        matrix = conv2d_matrix(forward)
        y = rng.normal(size=forward.output.shape)
        extra = tuple((size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) % s[i] for i in range(2))
        back = conv_transpose2d(y, w, stride=s, padding=p, dilation=d, output_padding=extra)
        assert back.output.shape == u.shape
        np.testing.assert_allclose(back.output.ravel(), matrix.rmatvec(y.ravel()), atol=1e-10)


def test_output_padding_must_be_below_stride_or_dilation() -> None:
    with pytest.raises(InputError) as err:
        conv_transpose2d(A, K, stride=2, output_padding=2)
    assert err.value.field == "output_padding"
    assert "smaller than the stride (2)" in err.value.message
