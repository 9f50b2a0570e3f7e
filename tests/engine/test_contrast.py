"""Deck 003's local contrast normalisation (engine/contrast.py) against a direct NumPy
transcription of its equations (15)–(17), loop by loop, with the Gaussian's sign as a
Gaussian has it (the deck prints exp{+…}: a slip)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.contrast import gaussian_window, local_contrast_norm
from engine.errors import InputError


def window(size: int, sigma: float) -> np.ndarray:
    """Eq. (16) with exp{−(r² + s²)/2σ²}, then normalised to sum 1."""
    h = (size - 1) // 2
    k = np.zeros((size, size))
    for r in range(-h, h + 1):
        for s in range(-h, h + 1):
            k[r + h, s + h] = 1 / (math.sqrt(2 * math.pi) * sigma**2) * math.exp(
                -(r * r + s * s) / (2 * sigma**2))
    return k / k.sum()


def deck(x: np.ndarray, mode: str, sigma: float, size: int, across: str, kappa: float,
         lam: float, mu: float) -> np.ndarray:
    c, hh, ww = x.shape
    y = x.copy()
    if mode != "brightness":
        k, h = window(size, sigma), size // 2
        local = np.zeros((hh, ww))
        for j in range(c):  # Σ_j K_G * Y_j, zero outside the map
            for r in range(hh):
                for s in range(ww):
                    for a in range(-h, h + 1):
                        for b in range(-h, h + 1):
                            if 0 <= r + a < hh and 0 <= s + b < ww:
                                local[r, s] += k[a + h, b + h] * x[j, r + a, s + b]
        if across == "mean":
            local /= c
        y = x - local[None]
    if mode != "subtractive":
        out = np.empty_like(y)
        for i in range(c):
            for r in range(hh):
                for s in range(ww):
                    total = sum(y[j, r, s] ** 2 for j in range(c))
                    out[i, r, s] = y[i, r, s] / (kappa + lam * total) ** mu
        y = out
    return y


def test_local_contrast_norm_agrees_with_the_decks_equations() -> None:
    rng = np.random.default_rng(17)
    for _ in range(150):
        c, h, w = int(rng.integers(1, 4)), int(rng.integers(1, 8)), int(rng.integers(1, 8))
        x = rng.normal(0, 3, size=(c, h, w))
        mode = str(rng.choice(["subtractive", "brightness", "both"]))
        sigma = float(rng.uniform(0.3, 2.5))
        size = int(rng.choice([1, 3, 5, 7]))
        p = {"kappa": float(rng.uniform(0.5, 3)), "lam": float(rng.uniform(0, 2)),
             "mu": float(rng.uniform(0.2, 1.5)), "across": str(rng.choice(["sum", "mean"]))}
        ours = local_contrast_norm(x, mode=mode, sigma=sigma, size=size, **p)
        expected = deck(x, mode, sigma, size, p["across"], p["kappa"], p["lam"], p["mu"])
        np.testing.assert_allclose(ours.output, expected, rtol=1e-11, atol=1e-12)
        step = ours.step(int(rng.integers(0, x.size)))
        assert step["formula"].endswith(f"= {step['formula'].rsplit('= ', 1)[1]}")
        assert np.isclose(step["output"], ours.output.flat[step["index"]])


def test_the_window_sums_to_one_and_peaks_in_the_middle() -> None:
    k = gaussian_window(5, 1.0)
    np.testing.assert_allclose(k, window(5, 1.0), rtol=1e-14)
    assert abs(k.sum() - 1) < 1e-14 and k[2, 2] == k.max() and k[0, 0] == k.min()


def test_the_default_window_holds_two_sigmas() -> None:
    assert local_contrast_norm(np.ones((1, 9, 9)), sigma=1.0).extra["size"] == 5
    assert local_contrast_norm(np.ones((1, 9, 9)), sigma=1.6).extra["size"] == 9


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"mode": "divisive"}, "mode"), ({"sigma": 0.0}, "sigma"), ({"size": 4}, "size"),
    ({"across": "max"}, "across"), ({"mode": "brightness", "kappa": 0.0, "lam": 0.0}, "input"),
])
def test_bad_arguments_name_their_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as err:
        local_contrast_norm(np.ones((1, 3, 3)), **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
