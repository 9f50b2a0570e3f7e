"""The other signal operations against PyTorch in float64 on random signals:
conv_transpose1d (every parameter), max/avg pooling in 1-D (with indices, ceil mode,
padding, dilation, count_include_pad) and the backward pass of conv1d against autograd
(every conv1d parameter, causal padding and true convolution included)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient

from tests.app.test_signal import random_request, torch_conv1d, torch_conv1d_of

torch.set_num_threads(1)


def _transposed_request(rng: np.random.Generator) -> dict[str, Any]:
    c = int(rng.choice([1, 2, 4]))
    groups = int(rng.choice([g for g in (1, 2, 4) if c % g == 0]))
    k, s, d = int(rng.integers(1, 6)), int(rng.integers(1, 4)), int(rng.integers(1, 3))
    req: dict[str, Any] = {
        "input": rng.normal(size=(c, int(rng.integers(1, 12)))).round(3).tolist(),
        "kernel": rng.normal(size=(c, int(rng.integers(1, 3)), k)).round(3).tolist(),
        "stride": s, "dilation": d, "groups": groups,
        "padding": int(rng.integers(0, 3)),
        "output_padding": int(rng.integers(0, max(s, d)))}
    if c == 1 and groups == 1 and rng.random() < 0.3:
        req["input"], req["kernel"] = req["input"][0], rng.normal(size=k).round(3).tolist()
    if rng.random() < 0.5:
        out_channels = (len(req["kernel"][0]) if isinstance(req["kernel"][0], list) else 1
                        ) * groups
        req["bias"] = rng.normal(size=out_channels).round(2).tolist()
    return req


def test_transposed_signals_agree_with_torch(client: TestClient) -> None:
    rng = np.random.default_rng(116)
    done = 0
    while done < 200:
        req = _transposed_request(rng)
        x = torch.tensor(req["input"], dtype=torch.float64)
        w = torch.tensor(req["kernel"], dtype=torch.float64)
        x, w = (x[None], w[None, None]) if x.ndim == 1 else (x, w)
        b = None if "bias" not in req else torch.tensor(req["bias"], dtype=torch.float64)
        response = client.post("/api/conv_transpose1d", json=req)
        try:
            want = F.conv_transpose1d(x[None], w, b, stride=req["stride"],
                                      padding=req["padding"],
                                      output_padding=req["output_padding"],
                                      groups=req["groups"], dilation=req["dilation"])[0].numpy()
        except RuntimeError:  # an empty or negative output length
            assert response.status_code == 422, (req, response.text)
            continue
        assert response.status_code == 200, (req, response.text)
        body = response.json()
        np.testing.assert_allclose(np.asarray(body["output"]).reshape(want.shape), want,
                                   rtol=1e-12, atol=1e-12, err_msg=str(req))
        assert body["arithmetic"][0]["output_size"] == want.shape[-1]
        last = np.asarray(body["steps"][-1]["running_sum"]).reshape(want.shape)
        np.testing.assert_allclose(last, want, atol=1e-9)  # the scatter adds up to the output
        for step in body["steps"]:  # each target sample is t·s + j·d − p
            t = step["source"][1]
            taps = len(step["targets"]) // w.shape[1]
            positions = [target[1] for target in step["targets"][:taps]]
            assert positions == [t * req["stride"] + j * req["dilation"] - req["padding"]
                                 for j in range(taps)]
        done += 1


def _pool_request(rng: np.random.Generator) -> dict[str, Any]:
    k = int(rng.integers(1, 5))
    mode = str(rng.choice(["max", "avg"]))
    req: dict[str, Any] = {
        "input": rng.normal(size=(int(rng.integers(1, 4)), int(rng.integers(k, 16)))
                            ).round(3).tolist(),
        "mode": mode, "kernel_size": k, "padding": int(rng.integers(0, k // 2 + 1)),
        "ceil_mode": bool(rng.random() < 0.4)}
    if rng.random() < 0.6:
        req["stride"] = int(rng.integers(1, 4))
    if mode == "max" and rng.random() < 0.4:
        req["dilation"] = int(rng.integers(1, 3))
    if mode == "avg":
        req["count_include_pad"] = bool(rng.random() < 0.5)
    return req


def test_pooled_signals_agree_with_torch(client: TestClient) -> None:
    rng = np.random.default_rng(216)
    done = 0
    while done < 200:
        req = _pool_request(rng)
        x = torch.tensor(req["input"], dtype=torch.float64)
        stride = req.get("stride", req["kernel_size"])
        response = client.post("/api/pool1d", json=req)
        try:
            if req["mode"] == "max":
                want, idx = F.max_pool1d(x, req["kernel_size"], stride, req["padding"],
                                         req.get("dilation", 1), ceil_mode=req["ceil_mode"],
                                         return_indices=True)
            else:
                want = F.avg_pool1d(x, req["kernel_size"], stride, req["padding"],
                                    ceil_mode=req["ceil_mode"],
                                    count_include_pad=req["count_include_pad"])
        except RuntimeError:
            assert response.status_code == 422, (req, response.text)
            continue
        assert response.status_code == 200, (req, response.text)
        body = response.json()
        np.testing.assert_allclose(np.asarray(body["output"]).reshape(want.shape),
                                   want.numpy(), rtol=1e-12, atol=1e-12, err_msg=str(req))
        if req["mode"] == "max":
            assert np.asarray(body["indices"]).reshape(idx.shape).tolist() == idx.tolist()
        for step in body["steps"]:
            c, t = step["out"]
            assert step["window"][0] == t * stride
            if req["mode"] == "avg":
                assert step["sum"] / step["divisor"] == pytest.approx(want[c, t].item())
        done += 1


def test_conv1d_gradients_agree_with_autograd(client: TestClient) -> None:
    rng = np.random.default_rng(316)
    done = 0
    while done < 200:
        req = random_request(rng)
        try:
            want = torch_conv1d(req)
        except RuntimeError:
            continue
        grad = rng.normal(size=want.shape).round(2)
        shown = grad[0] if np.ndim(req["input"]) == 1 and want.shape[0] == 1 else grad
        response = client.post("/api/conv1d/backward",
                               json={**req, "grad_output": shown.tolist()})
        if response.status_code == 422:  # reflect/circular padding wider than the signal
            continue
        assert response.status_code == 200, (req, response.text)
        body = response.json()
        x = torch.tensor(req["input"], dtype=torch.float64, requires_grad=True)
        w = torch.tensor(req["kernel"], dtype=torch.float64, requires_grad=True)
        b = (torch.tensor(np.broadcast_to(req["bias"], (want.shape[0],)).copy(),
                          requires_grad=True) if "bias" in req else None)
        y = torch_conv1d_of(req, x, w, b)
        (y * torch.tensor(grad)).sum().backward()
        assert x.grad is not None and w.grad is not None
        np.testing.assert_allclose(np.asarray(body["grad_input"]).reshape(x.shape),
                                   x.grad.numpy(), atol=1e-10, err_msg=str(req))
        np.testing.assert_allclose(np.asarray(body["grad_kernel"]).reshape(w.shape),
                                   w.grad.numpy(), atol=1e-10, err_msg=str(req))
        if b is not None:
            assert b.grad is not None
            np.testing.assert_allclose(body["grad_bias"], b.grad.numpy(), atol=1e-10)
        for step in body["steps"]:  # ΔW of one weight: Σ_t ΔY(t) · x(read)
            assert sum(step["products"]) == pytest.approx(step["value"], abs=1e-9)
        done += 1


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/conv1d/backward", {"input": [1, 2, 3], "kernel": [1, 1], "grad_output": [1]},
     "grad_output"),
    ("/api/conv_transpose1d", {"input": [1, 2], "kernel": [[1, 1]]}, "kernel"),
    ("/api/conv_transpose1d", {"input": [1, 2], "kernel": [1, 1], "stride": 2,
                               "output_padding": 2}, "output_padding"),
    ("/api/pool1d", {"input": [1, 2, 3], "kernel_size": 2, "padding": 2}, "padding"),
    ("/api/pool1d", {"input": [1, 2, 3], "kernel_size": 2, "mode": "avg", "dilation": 2},
     "dilation"),
    ("/api/pool1d", {"input": [1, 2, 3], "kernel_size": 5}, "kernel_size"),
])
def test_bad_signal_requests_name_their_field(client: TestClient, path: str,
                                              body: dict[str, Any], field: str) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]
