"""The backward pass: PyTorch autograd on a thousand cases, finite differences, the
adjoint identity, deck 001 by hand and by name, and the three traces."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from _conv_cases import MODES, PADDINGS, describe, random_case, torch_forward_backward
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.backward import (
    conv2d_backward,
    full_convolution,
    input_grad_trace,
    kernel_grad_trace,
)
from engine.conv import conv2d, run_conv2d
from engine.errors import InputError
from engine.matrix import tap_table
from engine.symbolic import backward_symbols, labels

pytestmark = pytest.mark.filterwarnings(
    "ignore:Using padding='same' with even kernel lengths:UserWarning")

X = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
W = [[1, 2], [3, 4]]
DY = [[1, 2], [3, 4]]


def test_agrees_with_torch_autograd_on_a_thousand_cases() -> None:
    rng = random.Random("backward")
    np_rng = np.random.default_rng(5)
    seen = set()
    for mode, padding_kind in itertools.product(MODES, PADDINGS):
        for _ in range(50):  # 4 modes × 5 paddings × 50 = 1000
            case = random_case(rng, mode, padding_kind)
            result = conv2d(**case)
            dy = np_rng.normal(size=result.output.shape) if rng.random() < 0.8 else None
            expected = torch_forward_backward(case, dy)
            back = conv2d_backward(result, dy)
            np.testing.assert_allclose(back.grad_input, expected["grad_input"], rtol=1e-10,
                                       atol=1e-12, err_msg=describe(case))
            np.testing.assert_allclose(back.grad_kernel, expected["grad_kernel"], rtol=1e-10,
                                       atol=1e-12, err_msg=describe(case))
            np.testing.assert_allclose(back.grad_bias, expected["grad_bias"], rtol=1e-10,
                                       atol=1e-12, err_msg=describe(case))
            seen.add((case["groups"] > 1, case["flip_kernel"], dy is None,
                      np.ndim(case["input"]), np.ndim(case["kernel"])))
    assert {s[0] for s in seen} == {True, False} and {s[1] for s in seen} == {True, False}
    assert {s[2] for s in seen} == {True, False} and {s[3] for s in seen} == {2, 3}
    assert {s[4] for s in seen} == {2, 3, 4}


def test_deck_001_by_hand() -> None:
    back = conv2d_backward(conv2d(X, W, flip_kernel=True), DY)
    # δx₁₁ = δy₁₁w₂₂, δx₁₂ = δy₁₁w₂₁ + δy₁₂w₂₂, …, δx₂₂ = δy₁₁w₁₁ + δy₁₂w₁₂ + δy₂₁w₂₁ + δy₂₂w₂₂
    assert back.grad_input[0].tolist() == [
        [1 * 4, 1 * 3 + 2 * 4, 2 * 3],
        [1 * 2 + 3 * 4, 1 * 1 + 2 * 2 + 3 * 3 + 4 * 4, 2 * 1 + 4 * 3],
        [3 * 2, 3 * 1 + 4 * 2, 4 * 1]]
    # δw₁₁ = δy₁₁x₂₂ + δy₁₂x₂₃ + δy₂₁x₃₂ + δy₂₂x₃₃, …, δw₂₂ = δy₁₁x₁₁ + … + δy₂₂x₂₂
    assert back.grad_kernel[0, 0].tolist() == [
        [1 * 5 + 2 * 6 + 3 * 8 + 4 * 9, 1 * 4 + 2 * 5 + 3 * 7 + 4 * 8],
        [1 * 2 + 2 * 3 + 3 * 5 + 4 * 6, 1 * 1 + 2 * 2 + 3 * 4 + 4 * 5]]
    assert back.grad_bias.tolist() == [1 + 2 + 3 + 4]


def test_deck_001_formulas_with_the_corrected_dx22() -> None:
    result = conv2d(X, W, flip_kernel=True)
    symbols = backward_symbols(result, tap_table(result))
    dw = {f.label: f.terms for f in symbols.grad_kernel}
    assert dw == {
        "δw₁₁": [("δy₁₁", "x₂₂"), ("δy₁₂", "x₂₃"), ("δy₂₁", "x₃₂"), ("δy₂₂", "x₃₃")],
        "δw₁₂": [("δy₁₁", "x₂₁"), ("δy₁₂", "x₂₂"), ("δy₂₁", "x₃₁"), ("δy₂₂", "x₃₂")],
        "δw₂₁": [("δy₁₁", "x₁₂"), ("δy₁₂", "x₁₃"), ("δy₂₁", "x₂₂"), ("δy₂₂", "x₂₃")],
        "δw₂₂": [("δy₁₁", "x₁₁"), ("δy₁₂", "x₁₂"), ("δy₂₁", "x₂₁"), ("δy₂₂", "x₂₂")],
    }
    dx = {f.label: f.terms for f in symbols.grad_input}
    assert dx == {
        "δx₁₁": [("δy₁₁", "w₂₂")],
        "δx₁₂": [("δy₁₁", "w₂₁"), ("δy₁₂", "w₂₂")],
        "δx₁₃": [("δy₁₂", "w₂₁")],
        "δx₂₁": [("δy₁₁", "w₁₂"), ("δy₂₁", "w₂₂")],
        # the slide's last term reads δy₁₁·w₂₂: a slip, it is δy₂₂·w₂₂
        "δx₂₂": [("δy₁₁", "w₁₁"), ("δy₁₂", "w₁₂"), ("δy₂₁", "w₂₁"), ("δy₂₂", "w₂₂")],
        "δx₂₃": [("δy₁₂", "w₁₁"), ("δy₂₂", "w₂₁")],
        "δx₃₁": [("δy₂₁", "w₁₂")],
        "δx₃₂": [("δy₂₁", "w₁₁"), ("δy₂₂", "w₁₂")],
        "δx₃₃": [("δy₂₂", "w₁₁")],
    }
    assert symbols.grad_input[4].text == "δy₁₁·w₁₁ + δy₁₂·w₁₂ + δy₂₁·w₂₁ + δy₂₂·w₂₂"
    assert symbols.grad_bias == [["δy₁₁", "δy₁₂", "δy₂₁", "δy₂₂"]]


def test_symbolic_formulas_evaluate_to_the_numbers() -> None:
    # substitute numbers for the names: the formulas must give the computed gradients
    rng = np.random.default_rng(3)
    x, w = rng.integers(-5, 6, (2, 4, 5)), rng.integers(-3, 4, (2, 2, 2, 3))
    result = conv2d(x, w, padding=1, padding_mode="reflect", stride=[1, 2], flip_kernel=True)
    dy = rng.integers(-3, 4, result.output.shape)
    back = conv2d_backward(result, dy)
    symbols = backward_symbols(result, tap_table(result))
    value = dict(zip(symbols.grad_output.ravel().tolist(), dy.ravel().tolist()))
    value.update(zip(labels("w", w.shape, channel_axes=2).ravel().tolist(), w.ravel().tolist()))
    value.update(zip(labels("x", x.shape, channel_axes=1).ravel().tolist(), x.ravel().tolist()))
    dx = [sum(value[a] * value[b] for a, b in f.terms) for f in symbols.grad_input]
    dw = [sum(value[a] * value[b] for a, b in f.terms) for f in symbols.grad_kernel]
    assert dx == back.grad_input.ravel().tolist()
    assert dw == back.grad_kernel.ravel().tolist()


@st.composite
def small_case(draw: st.DrawFn) -> dict:
    rng = random.Random(draw(st.integers(0, 2**32)))
    return random_case(rng, draw(st.sampled_from(MODES)), draw(st.sampled_from(PADDINGS)),
                       max_size=5)


@settings(max_examples=150, deadline=None)
@given(small_case(), st.integers(0, 2**32))
def test_finite_differences_agree(case: dict, seed: int) -> None:
    """The loss L = ⟨ΔY, y⟩ is linear in x and in W: a central difference is exact up to
    rounding, and only calls the forward pass."""
    rng = np.random.default_rng(seed)
    result = conv2d(**case)
    dy = rng.normal(size=result.output.shape)
    back = conv2d_backward(result, dy)
    x0, w0 = np.asarray(case["input"], dtype=float), np.asarray(case["kernel"], dtype=float)

    def loss(x: np.ndarray, w: np.ndarray) -> float:
        return float(np.sum(dy * conv2d(**(case | {"input": x, "kernel": w})).output))

    eps = 1e-3
    for _ in range(3):
        i = tuple(rng.integers(0, n) for n in x0.shape)
        step = np.zeros_like(x0)
        step[i] = eps
        fd = (loss(x0 + step, w0) - loss(x0 - step, w0)) / (2 * eps)
        assert fd == pytest.approx(back.grad_input.reshape(x0.shape)[i], rel=1e-6, abs=1e-8)
        j = tuple(rng.integers(0, n) for n in w0.shape)
        step = np.zeros_like(w0)
        step[j] = eps
        fd = (loss(x0, w0 + step) - loss(x0, w0 - step)) / (2 * eps)
        assert fd == pytest.approx(back.grad_kernel.reshape(w0.shape)[j], rel=1e-6, abs=1e-8)


@settings(max_examples=150, deadline=None)
@given(small_case(), st.integers(0, 2**32))
def test_adjoint_identity(case: dict, seed: int) -> None:
    """⟨C·x, y⟩ = ⟨x, Cᵀ·y⟩ with C·x the forward pass (bias removed) and Cᵀ·y the ΔX."""
    rng = np.random.default_rng(seed)
    result = conv2d(**case)
    y = rng.normal(size=result.output.shape)
    forward = result.output - result.bias[:, None, None]
    x = np.asarray(case["input"], dtype=float)
    left = float(np.sum(forward * y))
    right = float(np.sum(x.reshape(-1) * conv2d_backward(result, y).grad_input.reshape(-1)))
    assert left == pytest.approx(right, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("mode", MODES)
def test_input_trace_scatters_through_the_windows(mode: str) -> None:
    rng = np.random.default_rng(11)
    result = conv2d(rng.integers(-4, 5, (2, 5, 4)), rng.integers(-2, 3, (4, 1, 2, 3)),
                    padding=[2, 1], padding_mode=mode, stride=[2, 1], groups=2)
    back = conv2d_backward(result, rng.integers(-3, 4, result.output.shape))
    trace = input_grad_trace(back)
    assert trace.total == back.grad_output.size == len(trace.grad)
    np.testing.assert_array_equal(trace.running_sum[-1], back.grad_input)
    # each step adds exactly its amounts at its targets; dropped ones only in zeros mode
    steps = np.diff(np.concatenate([np.zeros((1, *back.grad_input.shape)),
                                    trace.running_sum]), axis=0)
    for k in range(trace.total):
        expected = np.zeros_like(back.grad_input)
        for g, ch in enumerate(trace.channels[k]):
            for t, (r, c) in enumerate(trace.targets[k]):
                if not trace.dropped[k, t]:
                    expected[ch, r, c] += trace.amounts[k, g, t]
        np.testing.assert_array_equal(steps[k], expected)
    assert trace.dropped.any() == (mode == "zeros")
    assert trace.padding.any()
    # a page starts from the sum of the steps before it
    page = input_grad_trace(back, start=5, limit=4)
    np.testing.assert_array_equal(page.running_sum, trace.running_sum[5:9])
    np.testing.assert_array_equal(page.source, trace.source[5:9])


def test_kernel_trace_gathers_inputs_times_grads() -> None:
    rng = np.random.default_rng(12)
    result = conv2d(rng.integers(-4, 5, (2, 5, 5)), rng.integers(-2, 3, (2, 2, 2, 3)),
                    padding=1, dilation=[2, 1], flip_kernel=True)
    back = conv2d_backward(result, rng.integers(-3, 4, result.output.shape))
    trace = kernel_grad_trace(back)
    np.testing.assert_array_equal(trace.value, back.grad_kernel.ravel())
    np.testing.assert_array_equal(trace.products, trace.inputs * trace.grads)
    # true convolution: the kernel's weight (i, j) is the applied tap (kH−1−i, kW−1−j)
    assert trace.weight[0].tolist() == [0, 0, 0, 0] and trace.tap[0].tolist() == [1, 2]
    padded = result.padded_input
    k = 7
    f, ch = trace.weight[k, :2]
    rows, cols = trace.window[k].T
    np.testing.assert_array_equal(trace.inputs[k], padded[ch, rows, cols])
    np.testing.assert_array_equal(trace.grads[k], back.grad_output[f].ravel())
    assert trace.padding[0].any() and not trace.padding[0].all()
    assert kernel_grad_trace(back, start=10, limit=3).value.tolist() == trace.value[10:13].tolist()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("stride", "dilation"), [(1, 1), (2, 1), ([3, 2], [1, 2])])
def test_full_convolution_gives_the_padded_frame(mode: str, stride, dilation) -> None:
    rng = np.random.default_rng(13)
    result = conv2d(rng.normal(size=(2, 7, 6)), rng.normal(size=(2, 2, 2, 3)), padding=2,
                    padding_mode=mode, stride=stride, dilation=dilation)
    back = conv2d_backward(result, rng.normal(size=result.output.shape))
    full = run_conv2d(full_convolution(back))
    np.testing.assert_allclose(full.output, back.grad_padded, rtol=1e-12, atol=1e-12)
    # the kernel of the full convolution is the applied one rotated 180°
    np.testing.assert_array_equal(full.kernel, result.kernel[:, :, ::-1, ::-1].swapaxes(0, 1))


def test_grad_output_must_have_the_output_shape() -> None:
    result = conv2d(X, W)
    with pytest.raises(InputError) as err:
        conv2d_backward(result, [[1, 2, 3]])
    assert err.value.field == "grad_output"
    assert "[2, 2]" in str(err.value) and "[1, 3]" in str(err.value)
    # the 3-D form of a one-channel output is accepted
    assert conv2d_backward(result, [DY]).grad_bias.tolist() == [10]
    with pytest.raises(InputError, match="overflows"):
        conv2d_backward(conv2d([[1e300, 1e300]], [[1, 1]]), [[1e300]])
    with pytest.raises(InputError, match="finite"):
        conv2d_backward(result, [[1, float("nan")], [1, 1]])
