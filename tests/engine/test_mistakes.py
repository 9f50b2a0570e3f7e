"""Feedback that names the mistake: each common mistake, made on purpose from the givens
with PyTorch (not with the engine), is recognised; a right answer and a random wrong one
are not blamed on any."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from engine.exercises import generate
from engine.exercises.mistakes import diagnose


def g(e) -> dict:
    return {x.name: x.value for x in e.givens}


def torch_conv(giv: dict, *, flip: bool = False, stride: object = None, bias: float | None = None
               ) -> np.ndarray:
    def t4(v: object) -> torch.Tensor:
        return torch.tensor(v, dtype=torch.float64).reshape(1, -1, *np.shape(v)[-2:])

    x, k = t4(giv["input"]), t4(giv["kernel"])
    if flip:
        k = k.flip(-1, -2)
    b = torch.tensor([float(giv["bias"] if bias is None else bias)], dtype=torch.float64)
    return F.conv2d(x, k, b, stride=giv["stride"] if stride is None else stride,
                    padding=giv["padding"], dilation=giv["dilation"])[0, 0].numpy()


def first(kind: str, level: int, want) -> object:
    for seed in range(400):
        e = generate(kind, level, seed)
        if want(e):
            return e
    raise AssertionError(f"no {kind} level {level} exercise fits")


def test_the_transposed_key_and_swapped_entries() -> None:
    e = first("conv-output", 1, lambda e: e.answer.value.shape[0] == e.answer.value.shape[1]
              and not np.array_equal(e.answer.value, e.answer.value.T))
    assert any("transposed" in m for m in diagnose(e, e.answer.value.T.tolist()))
    flat = e.answer.value.reshape(-1).copy()
    i, j = next((a, b) for a in range(flat.size) for b in range(a + 1, flat.size)
                if abs(flat[a] - flat[b]) > 0.1)
    flat[[i, j]] = flat[[j, i]]
    said = diagnose(e, flat.reshape(e.answer.value.shape).tolist())
    assert any("swapped" in m for m in said), said


def test_the_bias_forgotten_or_added_twice() -> None:
    e = first("conv-output", 2, lambda e: g(e)["bias"] != 0)
    giv = g(e)
    assert any("forgotten" in m for m in diagnose(e, torch_conv(giv, bias=0).tolist()))
    twice = torch_conv(giv, bias=2 * giv["bias"]).tolist()
    assert any("twice" in m for m in diagnose(e, twice))


def test_the_kernel_rotated_or_not() -> None:
    e = first("conv-output", 1, lambda e: not np.allclose(torch_conv(g(e), flip=True),
                                                          e.answer.value))
    assert any("rotated" in m for m in diagnose(e, torch_conv(g(e), flip=True).tolist()))
    t = first("true-conv", 2, lambda e: e.answer.value[0] != e.answer.value[1])
    cross = float(t.answer.value[0])
    assert any("not rotated" in m for m in diagnose(t, [cross, cross]))
    s = first("conv1d-output", 2, lambda e: g(e)["definition"] == "convolution")
    giv = g(s)
    x = torch.tensor(giv["input"], dtype=torch.float64)[None, None]
    w = torch.tensor(giv["kernel"], dtype=torch.float64)[None, None]  # not reversed
    y = F.conv1d(F.pad(x, tuple(giv["padding"])), w,
                 torch.tensor([float(giv["bias"])], dtype=torch.float64),
                 stride=giv["stride"], dilation=giv["dilation"])[0, 0]
    assert any("not reversed" in m for m in diagnose(s, y.tolist()))


def test_the_stride_ignored_and_the_padding_off_by_one() -> None:
    e = first("conv-cell", 2, lambda e: g(e)["stride"] != [1, 1] and g(e)["cell"] != [0, 0])
    giv = g(e)
    y1 = torch_conv(giv, stride=1)
    r, c = giv["cell"]
    if r < y1.shape[0] and c < y1.shape[1] and abs(y1[r, c] - float(e.answer.value)) > 0.01:
        assert any("stride" in m for m in diagnose(e, float(y1[r, c])))
    def fewer(e) -> list[int]:
        giv = g(e)
        return list(F.conv2d(torch.zeros(1, 1, *giv["input_size"]),
                             torch.zeros(1, 1, *giv["kernel_size"]), stride=giv["stride"],
                             padding=[p - 1 for p in giv["padding"]],
                             dilation=giv["dilation"]).shape[2:])

    size = first("conv-size", 2, lambda e: min(g(e)["padding"]) >= 1
                 and fewer(e) != e.answer.value.tolist())
    assert any("off by one" in m for m in diagnose(size, fewer(size)))
    assert any("+ 1" in m for m in diagnose(size, (size.answer.value - 1).tolist()))


def test_no_mistake_is_named_for_a_right_or_a_random_answer() -> None:
    rng = np.random.default_rng(0)
    for kind in ("conv-output", "conv-size", "true-conv", "conv1d-output", "conv3d-size"):
        for seed in range(20):
            e = generate(kind, 1 + seed % 3, seed)
            assert diagnose(e, e.answer.value.tolist()) == []
            noise = e.answer.value + rng.integers(7, 50, size=e.answer.value.shape)
            assert diagnose(e, noise.tolist()) == [], e.id
