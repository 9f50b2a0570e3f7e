"""conv2d against two independent oracles: PyTorch (float64) and a naive Python loop.

Random cases cover every parameter: 2-D/3-D input, 2-D/3-D/4-D kernel, bias
None/scalar/per channel, stride/padding/dilation as int or [h, w], padding
"valid"/"same"/"full", every padding mode, groups and flip_kernel.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from _conv_cases import MODES, PADDINGS, describe, explicit_padding, pair
from _conv_cases import random_case as shared_random_case

from engine import conv2d
from engine.conv import conv2d_trace, plan_conv2d, run_conv2d, run_conv2d_traced

# torch warns that 'same' with an even kernel copies the input; that is the case we want.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Using padding='same' with even kernel lengths:UserWarning")

CASES_PER_COMBINATION = 60   # 4 modes × 5 paddings × 60 = 1200 random cases


def random_case(rng: random.Random, mode: str, padding_kind: str) -> dict:
    """One feasible conv2d call, a little larger than the shared default."""
    return shared_random_case(rng, mode, padding_kind, max_size=7, max_kernel=4)


def torch_conv2d(case: dict) -> np.ndarray:
    """The same call through ``torch.nn.Conv2d`` (its own padding modes), as (C_out, H, W)."""
    x = torch.tensor(np.asarray(case["input"]), dtype=torch.float64)
    x = x.reshape(1, -1, *x.shape[-2:])
    w = torch.tensor(np.asarray(case["kernel"]), dtype=torch.float64)
    w = w.reshape((1,) * (4 - w.ndim) + tuple(w.shape))
    if case["flip_kernel"]:
        w = torch.flip(w, dims=(-2, -1))
    padding = case["padding"]
    if padding == "full":
        padding = tuple((k - 1) * d for k, d in zip(w.shape[2:], pair(case["dilation"])))
    elif not isinstance(padding, str):
        padding = pair(padding)
    conv = torch.nn.Conv2d(x.shape[1], w.shape[0], tuple(w.shape[2:]),
                           stride=pair(case["stride"]), padding=padding,
                           dilation=pair(case["dilation"]), groups=case["groups"],
                           bias=case["bias"] is not None, padding_mode=case["padding_mode"],
                           dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(w)
        if case["bias"] is not None:
            conv.bias.copy_(torch.as_tensor(case["bias"], dtype=torch.float64)
                            .expand(w.shape[0]))
        return conv(x)[0].numpy()


@pytest.mark.parametrize(("mode", "padding_kind"), list(itertools.product(MODES, PADDINGS)))
def test_agrees_with_torch_on_random_cases(mode, padding_kind):
    rng = random.Random(f"{mode}-{padding_kind}")
    seen = set()
    for _ in range(CASES_PER_COMBINATION):
        case = random_case(rng, mode, padding_kind)
        expected = torch_conv2d(case)
        result = conv2d(**case)
        assert result.output.shape == expected.shape, describe(case)
        np.testing.assert_allclose(result.output, expected, rtol=1e-10, atol=1e-12,
                                   err_msg=describe(case))
        seen.add((np.ndim(case["input"]), np.ndim(case["kernel"]), case["groups"] > 1,
                  case["flip_kernel"], type(case["bias"]).__name__))
    # the draw really covers the parameter space, not one corner of it
    assert {s[0] for s in seen} == {2, 3} and {s[1] for s in seen} == {2, 3, 4}
    assert {s[2] for s in seen} == {True, False} and {s[3] for s in seen} == {True, False}
    assert {s[4] for s in seen} == {"NoneType", "float", "list"}


@pytest.mark.parametrize(("mode", "padding_kind"), list(itertools.product(MODES, PADDINGS)))
def test_the_one_gather_path_agrees_with_torch_and_with_the_trace(mode, padding_kind):
    """run_conv2d_traced (the API's path for small requests) against torch, and its
    steps against conv2d_trace of run_conv2d's result."""
    rng = random.Random(f"one-gather-{mode}-{padding_kind}")
    for n in range(20):
        case = shared_random_case(rng, mode, padding_kind, integers=n % 2 == 0, max_size=7,
                                  max_kernel=4)
        plan = plan_conv2d(**case)
        result, trace = run_conv2d_traced(plan)
        np.testing.assert_allclose(result.output, torch_conv2d(case), rtol=1e-10, atol=1e-12,
                                   err_msg=describe(case))
        reference = run_conv2d(plan)
        if n % 2 == 0:  # whole numbers: both paths are exact
            np.testing.assert_array_equal(result.output, reference.output)
        expected = conv2d_trace(reference)
        for name in ("out", "window", "padding"):
            np.testing.assert_array_equal(getattr(trace, name), getattr(expected, name))
        for name in ("products", "partial_sums", "bias", "value"):
            np.testing.assert_allclose(getattr(trace, name), getattr(expected, name),
                                       rtol=1e-12, atol=1e-12, err_msg=describe(case))
        assert (trace.start, trace.total) == (0, result.n_steps)
        # every value is exactly the sum its step shows
        np.testing.assert_array_equal(trace.value, trace.partial_sums.sum(axis=1) + trace.bias)


@pytest.mark.parametrize("kernel_size", [(2, 2), (2, 3), (4, 1), (3, 3)])
@pytest.mark.parametrize("dilation", [1, 3, (1, 2)])
def test_same_padding_matches_torch_functional(kernel_size, dilation):
    rng = np.random.default_rng(sum(kernel_size))
    x, k = rng.normal(size=(6, 7)), rng.normal(size=kernel_size)
    expected = F.conv2d(torch.tensor(x)[None, None], torch.tensor(k)[None, None],
                        padding="same", dilation=dilation)[0, 0].numpy()
    result = conv2d(x, k, padding="same", dilation=list(pair(dilation)))
    assert result.output.shape == (1, 6, 7)
    np.testing.assert_allclose(result.output[0], expected, rtol=1e-12, atol=1e-12)


def test_full_padding_matches_explicit_padding_in_torch():
    rng = np.random.default_rng(7)
    x, k = rng.normal(size=(2, 5, 4)), rng.normal(size=(3, 2, 3, 2))
    expected = F.conv2d(torch.tensor(x)[None], torch.tensor(k), padding=(4, 2),
                        dilation=(2, 2))[0].numpy()
    result = conv2d(x, k, padding="full", dilation=2)
    np.testing.assert_allclose(result.output, expected, rtol=1e-12, atol=1e-12)


# --- naive loop: plain Python over output cells and taps -----------------------------------

def source(i: int, n: int, mode: str) -> int | None:
    """The input index a (possibly out-of-range) index i reads, or None for a zero."""
    if 0 <= i < n:
        return i
    if mode == "zeros":
        return None
    if mode == "replicate":
        return min(max(i, 0), n - 1)
    if mode == "circular":
        return i % n
    return -i if i < 0 else 2 * (n - 1) - i   # reflect, without repeating the edge


def naive_conv2d(case: dict) -> np.ndarray:
    x = np.asarray(case["input"], dtype=float)
    x = x.reshape(-1, *x.shape[-2:])
    w = np.asarray(case["kernel"], dtype=float)
    w = w.reshape((1,) * (4 - w.ndim) + w.shape)
    if case["flip_kernel"]:
        w = w[:, :, ::-1, ::-1]
    c_out, per_group, kh, kw = w.shape
    (sh, sw), (dh, dw) = pair(case["stride"]), pair(case["dilation"])
    (top, bottom), (left, right) = explicit_padding(case["padding"], (kh, kw), (dh, dw))
    _, h, wid = x.shape
    ho = (h + top + bottom - (kh - 1) * dh - 1) // sh + 1
    wo = (wid + left + right - (kw - 1) * dw - 1) // sw + 1
    bias = case["bias"]
    out = np.zeros((c_out, ho, wo))
    for co in range(c_out):
        group = co // (c_out // case["groups"])
        for r in range(ho):
            for c in range(wo):
                total = 0.0 if bias is None else (bias if np.isscalar(bias) else bias[co])
                for ci in range(per_group):
                    for i in range(kh):
                        for j in range(kw):
                            rr = source(r * sh + i * dh - top, h, case["padding_mode"])
                            cc = source(c * sw + j * dw - left, wid, case["padding_mode"])
                            if rr is not None and cc is not None:
                                total += x[group * per_group + ci, rr, cc] * w[co, ci, i, j]
                out[co, r, c] = total
    return out


@pytest.mark.parametrize("mode", MODES)
def test_agrees_with_naive_loop(mode):
    rng = random.Random(f"naive-{mode}")
    for n in range(60):
        case = random_case(rng, mode, PADDINGS[n % len(PADDINGS)])
        np.testing.assert_allclose(conv2d(**case).output, naive_conv2d(case), rtol=1e-10,
                                   atol=1e-12, err_msg=describe(case))


def test_naive_loop_is_itself_right():
    # the oracle on the paper's Figure 1.1, so a broken oracle cannot pass silently
    case = {"input": [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2],
                      [2, 0, 0, 0, 1]], "kernel": [[0, 1, 2], [2, 2, 0], [0, 1, 2]],
            "bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1,
            "padding_mode": "zeros", "flip_kernel": False}
    assert naive_conv2d(case).tolist() == [[[12, 12, 17], [10, 17, 19], [9, 6, 14]]]
    assert [source(i, 3, "reflect") for i in range(-2, 5)] == [2, 1, 0, 1, 2, 1, 0]
