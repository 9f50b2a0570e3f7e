"""Pooling, its gradient and unpooling against PyTorch (values, indices, autograd)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.errors import InputError
from engine.pool import max_unpool2d, pool2d, pool2d_backward, pool2d_trace

X = [[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 2]]


def test_max_mean_min_by_hand() -> None:
    assert pool2d(X, kernel_size=2).output[0].tolist() == [[5, 8], [9, 7]]
    assert pool2d(X, kernel_size=2, mode="min").output[0].tolist() == [[1, 0], [0, 2]]
    assert pool2d(X, kernel_size=2, mode="avg").output[0].tolist() == [
        [(1 + 5 + 3 + 4) / 4, (2 + 0 + 8 + 1) / 4], [(0 + 2 + 9 + 1) / 4, (6 + 7 + 3 + 2) / 4]]
    assert pool2d(X, kernel_size=2).indices[0].tolist() == [[1, 6], [12, 11]]  # type: ignore[index]


def test_trace_names_the_winner_and_the_divisor() -> None:
    trace = pool2d_trace(pool2d(X, kernel_size=2))
    assert trace.values[0].tolist() == [1, 5, 3, 4]
    assert trace.winner is not None and trace.winner.tolist() == [1, 2, 2, 1]
    avg = pool2d_trace(pool2d(X, kernel_size=2, padding=1, mode="avg"))
    assert avg.padding[0].tolist() == [True, True, True, False]
    assert avg.total is not None and avg.divisor is not None
    assert (avg.total[0], avg.divisor[0], avg.value[0]) == (1, 4, 0.25)


def _case(rng: np.random.Generator) -> dict[str, object]:
    mode = str(rng.choice(["max", "avg", "min"]))
    k = tuple(int(v) for v in rng.integers(1, 4, 2))
    return {
        "mode": mode, "kernel_size": k,
        "stride": tuple(int(v) for v in rng.integers(1, 4, 2)),
        "padding": tuple(int(rng.integers(0, k[i] // 2 + 1)) for i in range(2)),
        "dilation": (1, 1) if mode == "avg" else tuple(int(v) for v in rng.integers(1, 3, 2)),
        "ceil_mode": bool(rng.integers(0, 2)), "count_include_pad": bool(rng.integers(0, 2)),
    }


def _torch_pool(x: torch.Tensor, case: dict[str, object]) -> tuple[torch.Tensor,
                                                                    torch.Tensor | None]:
    args = (case["kernel_size"], case["stride"], case["padding"])
    if case["mode"] == "avg":
        return F.avg_pool2d(x, *args, ceil_mode=case["ceil_mode"],  # type: ignore[arg-type]
                            count_include_pad=case["count_include_pad"]), None
    sign = 1 if case["mode"] == "max" else -1
    out, idx = F.max_pool2d(sign * x, *args, case["dilation"],  # type: ignore[arg-type]
                            ceil_mode=case["ceil_mode"], return_indices=True)
    return sign * out, idx


def test_agrees_with_torch_values_indices_and_autograd() -> None:
    """A thousand random cases per mode; min against −max_pool2d(−x)."""
    rng = np.random.default_rng(11)
    compared = {"max": 0, "avg": 0, "min": 0}
    while min(compared.values()) < 1000:
        case = _case(rng)
        x = rng.integers(-5, 6, size=(int(rng.integers(1, 3)), *rng.integers(1, 9, 2)))
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        try:
            expected, idx = _torch_pool(xt, case)
        except RuntimeError:
            with pytest.raises(InputError):
                pool2d(x, **case)  # type: ignore[arg-type]
            continue
        if not torch.isfinite(expected).all():
            with pytest.raises(InputError, match="padding only"):
                pool2d(x, **case)  # type: ignore[arg-type]
            continue
        result = pool2d(x, **case)  # type: ignore[arg-type]
        np.testing.assert_allclose(result.output, expected.detach().numpy())
        if idx is not None:
            np.testing.assert_array_equal(result.indices, idx.numpy())  # type: ignore[arg-type]
        grad = rng.normal(size=tuple(expected.shape))
        expected.backward(torch.from_numpy(grad))
        np.testing.assert_allclose(pool2d_backward(result, grad), xt.grad.numpy(),  # type: ignore[union-attr]
                                   atol=1e-12)
        compared[str(case["mode"])] += 1


def test_unpool_agrees_with_torch() -> None:
    rng = np.random.default_rng(5)
    compared = 0
    while compared < 1000:
        k = tuple(int(v) for v in rng.integers(1, 4, 2))
        s = tuple(int(v) for v in rng.integers(1, 4, 2))
        p = tuple(int(rng.integers(0, k[i] // 2 + 1)) for i in range(2))
        x = torch.tensor(rng.normal(size=(2, *rng.integers(2, 9, 2))))
        try:
            pooled, idx = F.max_pool2d(x, k, s, p, return_indices=True)
            expected = F.max_unpool2d(pooled, idx, k, s, p, output_size=x.shape[1:])
        except RuntimeError:
            continue
        result = max_unpool2d(pooled.numpy(), idx.numpy(), kernel_size=k, stride=s, padding=p,
                              output_size=tuple(x.shape[1:]))
        np.testing.assert_array_equal(result.output, expected.numpy())
        compared += 1


def test_unpool_refuses_indices_outside_the_output() -> None:
    with pytest.raises(InputError) as err:
        max_unpool2d([[5, 8]], [[1, 16]], kernel_size=2)
    assert err.value.field == "indices"
    assert "16" in err.value.message and "8 output cells" in err.value.message
    # Far past int64 (schemathesis sent 2⁶³): refused, not wrapped around by a cast.
    for huge in (2.0**63, 1e300, -1e19):
        with pytest.raises(InputError, match="outside the"):
            max_unpool2d([[5, 8]], [[1, huge]], kernel_size=2)


def test_min_pooling_is_minus_max_of_minus() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 7, 6))
    mine = pool2d(x, mode="min", kernel_size=3, stride=2, padding=1, ceil_mode=True)
    theirs = -F.max_pool2d(-torch.from_numpy(x), 3, 2, 1, ceil_mode=True)
    np.testing.assert_allclose(mine.output, theirs.numpy())
