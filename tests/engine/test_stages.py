"""The stages after a convolution (engine/stages.py) against PyTorch in float64 on random
inputs and parameters: F.relu, F.leaky_relu, F.elu, torch.sigmoid, torch.tanh,
F.softplus, torch.abs with autograd's derivatives; F.batch_norm in training (the
running statistics PyTorch updates) and inference; F.local_response_norm; F.linear;
dropout's scaling with the same mask."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine import stages
from engine.errors import InputError

torch.set_num_threads(1)
CASES = 200


def t(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


TORCH = {
    "relu": lambda x, p: F.relu(x), "leaky_relu": lambda x, p: F.leaky_relu(x, p["negative_slope"]),
    "elu": lambda x, p: F.elu(x, p["alpha"]), "sigmoid": lambda x, p: torch.sigmoid(x),
    "tanh": lambda x, p: torch.tanh(x),
    "softplus": lambda x, p: F.softplus(x, p["beta"], p["threshold"]),
    "abs": lambda x, p: torch.abs(x),
}


@pytest.mark.parametrize("function", stages.ACTIVATIONS)
def test_activations_and_their_derivatives_agree_with_torch(function: str) -> None:
    rng = np.random.default_rng(hash(function) % 2**32)
    for _ in range(CASES // 2):
        shape = tuple(rng.integers(1, 6, size=rng.integers(2, 4)))
        x = rng.normal(0, 4, size=shape)
        x.flat[rng.integers(0, x.size)] = 0.0  # the kink, where conventions differ
        p = {"negative_slope": float(rng.uniform(0, 0.5)), "alpha": float(rng.uniform(0.1, 2)),
             "beta": float(rng.uniform(0.2, 4)), "threshold": float(rng.uniform(1, 20))}
        ours = stages.activation(x, function, **p)
        xt = t(x, grad=True)
        y = TORCH[function](xt, p)
        y.sum().backward()
        np.testing.assert_allclose(ours.output, y.detach().numpy(), rtol=1e-13, atol=1e-14)
        assert xt.grad is not None
        np.testing.assert_allclose(ours.extra["derivative"], xt.grad.numpy(), rtol=1e-12,
                                   atol=1e-14)
        step = ours.step(int(rng.integers(0, x.size)))
        assert "=" in step["formula"] and step["derivative_formula"]


def test_batch_norm_in_training_and_inference_agrees_with_torch() -> None:
    rng = np.random.default_rng(3)
    for case in range(CASES):
        n, c, h, w = (int(v) for v in rng.integers(1, 5, size=4))
        if n * h * w < 2:
            continue
        x = rng.normal(2, 3, size=(n, c, h, w))
        weight, bias = rng.normal(size=c), rng.normal(size=c)
        rm, rv = rng.normal(size=c), rng.uniform(0.5, 2, size=c)
        momentum, eps = float(rng.uniform(0, 1)), float(10 ** rng.uniform(-6, -1))
        training = bool(case % 2)
        ours = stages.batch_norm2d(x, training=training, weight=weight, bias=bias,
                                   running_mean=rm, running_var=rv, momentum=momentum, eps=eps)
        trm, trv = t(rm), t(rv)
        theirs = F.batch_norm(t(x), trm, trv, t(weight), t(bias), training, momentum, eps)
        np.testing.assert_allclose(ours.output, theirs.numpy(), rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(ours.extra["running_mean"], trm.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours.extra["running_var"], trv.numpy(), rtol=1e-12, atol=1e-14)
    with pytest.raises(InputError, match="more than one value per channel"):
        stages.batch_norm2d(np.ones((1, 2, 1, 1)), training=True, weight=None, bias=None,
                            running_mean=None, running_var=None, momentum=0.1, eps=1e-5)


def test_local_response_norm_agrees_with_torch() -> None:
    rng = np.random.default_rng(4)
    for _ in range(CASES):
        c, h, w = (int(v) for v in rng.integers(1, 7, size=3))
        x = rng.normal(0, 2, size=(c, h, w))
        size = int(rng.integers(1, 7))
        alpha, beta, k = float(rng.uniform(1e-4, 1)), float(rng.uniform(0.1, 1.5)), \
            float(rng.uniform(0.5, 3))
        ours = stages.local_response_norm(x, size=size, alpha=alpha, beta=beta, k=k)
        theirs = F.local_response_norm(t(x)[None], size, alpha, beta, k)[0]
        np.testing.assert_allclose(ours.output, theirs.numpy(), rtol=1e-12, atol=1e-14)


def test_linear_agrees_with_torch() -> None:
    rng = np.random.default_rng(5)
    for case in range(CASES):
        shape = tuple(int(v) for v in rng.integers(1, 5, size=int(rng.integers(2, 4))))
        x = rng.normal(size=shape)
        out = int(rng.integers(1, 9))
        weight = rng.normal(size=(out, x.size))
        bias = rng.normal(size=out) if case % 2 else None
        ours = stages.linear(x, weight, bias)
        theirs = F.linear(t(x).reshape(-1), t(weight), None if bias is None else t(bias))
        np.testing.assert_allclose(ours.output, theirs.numpy(), rtol=1e-12, atol=1e-13)
    with pytest.raises(InputError, match="must be \\(out_features, 4\\)"):
        stages.linear(np.ones((2, 2)), np.ones((3, 5)), None)


def test_dropout_scales_kept_cells_as_torch_does() -> None:
    """F.dropout keeps a cell as x / (1 − p); with our mask, the same values."""
    rng = np.random.default_rng(6)
    for case in range(CASES):
        x = rng.normal(size=(2, 3, 4))
        p = float(rng.uniform(0, 0.95))
        ours = stages.dropout(x, p=p, training=True, seed=case)
        mask = ours.extra["mask"]
        # torch's own dropout on an input of ones gives its scale, 1 / (1 − p), where kept.
        torch.manual_seed(case)
        scale = F.dropout(torch.ones(1000, dtype=torch.float64), p, True)
        kept = scale[scale != 0]
        assert torch.allclose(kept, torch.full_like(kept, 1 / (1 - p)))
        np.testing.assert_allclose(ours.output, np.where(mask, x * float(kept[0]), 0.0),
                                   rtol=1e-14)
        assert stages.dropout(x, p=p, training=False, seed=case).output.tolist() == x.tolist()
    # The same seed, the same mask; about 1 − p of the cells kept.
    big = stages.dropout(np.ones((100, 100)), p=0.3, training=True, seed=9)
    assert np.array_equal(big.extra["mask"],
                          stages.dropout(np.ones((100, 100)), p=0.3, training=True,
                                         seed=9).extra["mask"])
    assert abs(big.extra["mask"].mean() - 0.7) < 0.03


def test_the_formulas_carry_the_numbers() -> None:
    r = stages.activation(np.array([[-3.0, 2.0]]), "relu")
    assert r.step(0)["formula"] == "relu(−3) = max(0, −3) = 0"
    s = stages.activation(np.array([[0.0]]), "sigmoid").step(0)
    assert s["derivative_formula"] == "σ′ = σ·(1 − σ) = 0.5·(1 − 0.5) = 0.25 (at most 0.25)"
    bn = stages.batch_norm2d(np.array([[[[1.0, 3.0]]]]), training=True, weight=None, bias=None,
                             running_mean=None, running_var=None, momentum=0.1, eps=1e-5)
    assert bn.step(0)["formula"] == ("(x − μ) / √(σ² + ε)·γ + β = (1 − 2) / √(1 + 1e−05)·1 + 0"
                                     " = −0.999995")
    lin = stages.linear(np.array([[1.0, 2.0]]), np.array([[3.0, -1.0]]), np.array([0.5]))
    assert lin.step(0)["formula"] == "y1 = Σ w·x + b = 3·1 + (−1)·2 + 0.5 = 1.5"
