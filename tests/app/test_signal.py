"""1-D convolution (engine/signal.py, POST /api/conv1d) against torch.nn.functional.conv1d
in float64 on random signals and every parameter: stride, padding (numbers, pairs,
valid, same, full, causal), dilation, groups, bias, padding modes, true convolution; the
trace's sums; and the decks' 1-D definition s(t) = Σ x(a)·w(t − a)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient

from engine.errors import InputError
from engine.signal import plan_conv1d

torch.set_num_threads(1)
CASES = 600
MODES = {"reflect": "reflect", "replicate": "replicate", "circular": "circular"}


def torch_conv1d(req: dict[str, Any]) -> np.ndarray:
    x = torch.tensor(req["input"], dtype=torch.float64)
    w = torch.tensor(req["kernel"], dtype=torch.float64)
    b = req.get("bias")
    bias = None if b is None else torch.tensor(np.broadcast_to(b, (_filters(w),)).copy())
    return torch_conv1d_of(req, x, w, bias).detach().numpy()


def _filters(w: torch.Tensor) -> int:
    return 1 if w.ndim < 3 else int(w.shape[0])


def torch_conv1d_of(req: dict[str, Any], x: torch.Tensor, w: torch.Tensor,
                    bias: torch.Tensor | None) -> torch.Tensor:
    """F.conv1d of tensors (autograd follows them), the padding worked out here."""
    x = x[None] if x.ndim == 1 else x
    w = w.reshape(1, 1, -1) if w.ndim == 1 else (w[None] if w.ndim == 2 else w)
    if req.get("flip_kernel"):
        w = w.flip(-1)
    k, d = w.shape[-1], req.get("dilation", 1)
    pad = req.get("padding", 0)
    span = (k - 1) * d
    pads = {"causal": (span, 0), "valid": (0, 0), "full": (span, span),
            "same": (span // 2, span - span // 2)}.get(pad) if isinstance(pad, str) else (
        tuple(pad) if isinstance(pad, list) else (pad, pad))
    mode = req.get("padding_mode", "zeros")
    y = F.pad(x[None], pads, mode="constant" if mode == "zeros" else MODES[mode])
    return F.conv1d(y, w, bias, stride=req.get("stride", 1), dilation=d,
                    groups=req.get("groups", 1))[0]


def random_request(rng: np.random.Generator) -> dict[str, Any]:
    c = int(rng.choice([1, 2, 4]))
    groups = int(rng.choice([g for g in (1, 2, 4) if c % g == 0]))
    length, k = int(rng.integers(4, 30)), int(rng.integers(1, 6))
    req: dict[str, Any] = {
        "input": rng.normal(size=(c, length)).round(3).tolist() if c > 1 or rng.random() < 0.5
        else rng.normal(size=length).round(3).tolist(),
        "kernel": rng.normal(size=(groups * int(rng.integers(1, 3)), c // groups, k)).round(3
                                                                                        ).tolist(),
        "stride": int(rng.integers(1, 4)), "dilation": int(rng.integers(1, 3)),
        "groups": groups, "flip_kernel": bool(rng.random() < 0.3)}
    choice = rng.random()
    if choice < 0.25:
        req["padding"] = str(rng.choice(["causal", "valid", "full", "same"]))
        if req["padding"] == "same":
            req["stride"] = 1
    elif choice < 0.5:
        req["padding"] = [int(v) for v in rng.integers(0, 4, size=2)]
    else:
        req["padding"] = int(rng.integers(0, 3))
    if rng.random() < 0.3 and req["padding"] not in ("full", "causal") and length > 6:
        req["padding_mode"] = str(rng.choice(list(MODES)))
    if groups == 1 and c == 1 and rng.random() < 0.3:
        req["kernel"] = rng.normal(size=k).round(3).tolist()  # (k): one filter
    if rng.random() < 0.5:
        filters = len(req["kernel"]) if isinstance(req["kernel"][0], list) else 1
        req["bias"] = rng.normal(size=filters).round(2).tolist()
    return req


def test_random_signals_agree_with_torch(client: TestClient) -> None:
    rng = np.random.default_rng(16)
    done = 0
    while done < CASES:
        req = random_request(rng)
        response = client.post("/api/conv1d", json={**req, "trace": {"start": 0, "limit": 64}})
        try:
            want = torch_conv1d(req)
        except RuntimeError:  # torch refuses the geometry (padding past the input, …)
            assert response.status_code == 422, (req, response.text)
            continue
        if response.status_code == 422:  # ours refuses what torch would pad into nonsense
            assert req.get("padding_mode") in MODES or "kernel" in response.text, response.text
            continue
        body = response.json()
        got = np.asarray(body["output"]).reshape(want.shape)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=str(req))
        assert body["arithmetic"][0]["output_size"] == want.shape[-1]
        for step in body["steps"]:
            c, t = step["out"]
            assert sum(step["partial_sums"]) + step["bias"] == pytest.approx(want[c, t])
            assert len(step["window"]) == len(step["products"][0])
        done += 1


def test_the_decks_definition_with_the_kernel_reversed(client: TestClient) -> None:
    """Deck 000: s(t) = Σ_a x(a)·w(t − a) is the true convolution: full padding and the
    kernel flipped; e.g. a difference filter w = [1, −1] gives x(t) − x(t − 1)."""
    x, w = [0, 1, 3, 6, 10], [1, -1]
    body = client.post("/api/conv1d", json={"input": x, "kernel": w, "padding": "full",
                                            "flip_kernel": True}).json()
    s = [sum(x[a] * w[t - a] for a in range(len(x)) if 0 <= t - a < len(w))
         for t in range(len(x) + len(w) - 1)]
    assert body["output"] == s == [0, 1, 2, 3, 4, -10]


def test_causal_padding_reads_nothing_after_t(client: TestClient) -> None:
    body = client.post("/api/conv1d", json={"input": [1, 2, 3, 4, 5, 6], "kernel": [1, 1, 1],
                                            "dilation": 2, "padding": "causal"}).json()
    assert body["padding"] == [4, 0] and body["output_shape"] == [6]
    for step in body["steps"]:
        t = step["out"][1]
        assert max(step["window"]) - 4 == t  # the last tap reads x(t), nothing later
    assert body["output"] == [1, 2, 4, 6, 9, 12]


@pytest.mark.parametrize(("body", "field"), [
    ({"input": [[[1]]], "kernel": [1]}, "input"), ({"input": [1, 2], "kernel": [1, 2, 3]},
                                                   "kernel"),
    ({"input": [1, 2, 3], "kernel": [1], "padding": "left"}, "padding"),
    ({"input": [1, 2, 3], "kernel": [1], "stride": 0}, "stride"),
    ({"input": [1, 2, 3], "kernel": [1], "stride": [1, 2]}, "stride"),
    ({"input": [1, 2, 3], "kernel": [1, 1], "padding": "same", "stride": 2}, "padding"),
])
def test_bad_signals_name_their_field(client: TestClient, body: dict[str, Any],
                                      field: str) -> None:
    response = client.post("/api/conv1d", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_a_long_signal_is_bounded_like_a_map() -> None:
    with pytest.raises(InputError):
        plan_conv1d([1.0] * 10, [1.0] * 11)
