"""The decks' backpropagation, by hand: deck 003's worked chain-rule path to a kernel tap
of its second convolution, and deck 000's weight-sharing update, reproduced with numbers
by the chain's backward pass (engine/pipeline/backward.py)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.pipeline import parse_stages, plan_pipeline, run_pipeline
from engine.pipeline.backward import backward, loss_of, sgd_step
from engine.pipeline.chainrule import param_steps


def softplus(z: np.ndarray, k: float) -> np.ndarray:
    return np.log1p(np.exp(k * z)) / k


def softplus_prime(z: np.ndarray, k: float) -> np.ndarray:
    return np.exp(k * z) / (1 + np.exp(k * z))  # the deck's f′ = e^{kz} / (1 + e^{kz})


def test_deck_003_worked_path_to_a_kernel_tap() -> None:
    """Deck 003's CNN: conv (K¹, B¹) → softplus → subsampling by skipping (S·f·Sᵀ, every
    second cell) → conv (K⁴, B⁴) → softplus → skipping → one fully connected neuron
    z = Σ w_rs (Y⁶)_rs → y = f(z), and H = ½(y − t)². The deck's path:

    ∂H/∂(K⁴)_kt = Σ_rs (y − t)·f′(z)·w_rs·f′[(Y⁴)_{2(r−1), 2(s−1)}]·(Y³)_{2(r−1)+k, 2(s−1)+t}
    """
    rng = np.random.default_rng(3)
    k_soft = 1.5
    y0 = rng.uniform(0, 1, size=(1, 12, 12))
    k1, k4 = rng.normal(0, 0.5, size=(3, 3)), rng.normal(0, 0.5, size=(3, 3))
    b1, b4 = 0.2, -0.1
    w7 = rng.normal(0, 0.5, size=(3, 3))
    t = 0.3
    chain = [
        {"op": "conv2d", "kernel": k1.tolist(), "bias": b1, "padding": 1},
        {"op": "softplus", "beta": k_soft},
        {"op": "avg_pool2d", "kernel_size": 1, "stride": 2},  # skipping: S·f·Sᵀ
        {"op": "conv2d", "kernel": k4.tolist(), "bias": b4, "padding": 1},
        {"op": "softplus", "beta": k_soft},
        {"op": "avg_pool2d", "kernel_size": 1, "stride": 2},
        {"op": "flatten"},
        {"op": "linear", "weight": [w7.ravel().tolist()]},
        {"op": "softplus", "beta": k_soft},
    ]
    runs = run_pipeline(y0, plan_pipeline(y0.shape, parse_stages(chain)))
    loss = loss_of(runs[-1].output, "mse", [t])  # (y − t)²: twice the deck's H
    grads = backward(runs, loss.grad)
    ours = grads[3].params["grad_kernel"][0, 0] / 2  # ∂H/∂K⁴, H = ½(y − t)²

    # The deck's quantities, computed on their own from its equations.
    y3 = runs[2].output[0]  # Y³: the first subsampled map (6 × 6)
    y4 = runs[3].output[0]  # Y⁴ = B⁴ + K⁴ ⋆ Y³ (6 × 6)
    y6 = runs[5].output[0]  # Y⁶ = S f(Y⁴) Sᵀ (3 × 3)
    z = float((w7 * y6).sum())
    y = float(softplus(np.array(z), k_soft))
    assert y == pytest.approx(float(runs[-1].output[0]), rel=1e-12)
    padded = np.pad(y3, 1)
    deck = np.zeros((3, 3))
    for kk in range(-1, 2):
        for tt in range(-1, 2):
            for r in range(1, 4):
                for s in range(1, 4):
                    deck[kk + 1, tt + 1] += (
                        (y - t) * softplus_prime(np.array(z), k_soft) * w7[r - 1, s - 1]
                        * softplus_prime(y4[2 * (r - 1), 2 * (s - 1)], k_soft)
                        * padded[2 * (r - 1) + kk + 1, 2 * (s - 1) + tt + 1])
    np.testing.assert_allclose(ours, deck, rtol=1e-10)
    # The tap's chain-rule step names every position it was used at.
    step = param_steps(grads[3], "grad_kernel", 4, 5)[0]  # the centre tap (k, t) = (0, 0)
    assert step["at"] == [0, 0, 1, 1] and step["term_count"] == 36
    assert step["grad"] / 2 == pytest.approx(deck[1, 1], rel=1e-10)


def test_deck_000_weight_sharing_update() -> None:
    """Deck 000: one weight used at two positions, w₁ = w₂; the update it writes is
    w₁ := w₂ := w₁ − η·½(∂L/∂w₁ + ∂L/∂w₂). The chain lists ∂L/∂w₁ and ∂L/∂w₂ (one term
    per position) and sums them, as autograd does; PyTorch's SGD step, w − η·(∂L/∂w₁ +
    ∂L/∂w₂), takes the deck's step at half the deck's η."""
    x = np.array([[[1.0, 2.0, 4.0]]])  # one row: a 1 × 2 kernel is used at two positions
    chain = [{"op": "conv2d", "kernel": [[0.5, -1.0]]}, {"op": "flatten"}]
    runs = run_pipeline(x, plan_pipeline(x.shape, parse_stages(chain)))
    # y = [0.5·1 − 1·2, 0.5·2 − 1·4] = [−1.5, −3]; L = mean((y − t)²) with t = [0, 0]
    np.testing.assert_allclose(runs[-1].output, [-1.5, -3.0])
    loss = loss_of(runs[-1].output, "mse", [0.0, 0.0])
    assert loss.value == pytest.approx((1.5**2 + 3**2) / 2)
    grads = backward(runs, loss.grad)  # ∂L/∂y = 2(y − t)/2 = [−1.5, −3]
    step = param_steps(grads[0], "grad_kernel", 0, 1)[0]  # the tap w = 0.5
    per_position = [term["product"] for term in step["terms"]]
    assert per_position == pytest.approx([-1.5 * 1.0, -3.0 * 2.0])  # ∂L/∂w₁, ∂L/∂w₂
    assert step["grad"] == pytest.approx(-7.5)  # the sum, autograd's ∂L/∂w
    eta = 0.1
    deck = 0.5 - eta * 0.5 * (per_position[0] + per_position[1])
    assert deck == pytest.approx(0.875)
    torch_step = sgd_step(grads, eta / 2)[0]["kernel"][0, 0, 0, 0]
    assert torch_step == pytest.approx(deck)
    assert sgd_step(grads, eta)[0]["kernel"][0, 0, 0, 0] == pytest.approx(0.5 + 0.75)
