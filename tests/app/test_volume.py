"""3-D convolution (engine/conv.py's plan on three axes, POST /api/conv3d) against
torch.nn.functional.conv3d in float64 on random volumes and every parameter: stride,
dilation and padding per axis (numbers, triples, (before, after) pairs, valid, same,
full), groups, bias, padding modes, true convolution; the trace's windows and sums,
recomputed here from the padded volume by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient

torch.set_num_threads(1)
CASES = 250
MODES = ("reflect", "replicate", "circular")


def _triple(v: Any) -> list[int]:
    return [v] * 3 if isinstance(v, int) else list(v)


def explicit_padding(req: dict[str, Any], k: list[int]) -> list[tuple[int, int]]:
    d, pad = _triple(req.get("dilation", 1)), req.get("padding", 0)
    spans = [(kk - 1) * dd for kk, dd in zip(k, d)]
    if pad == "valid":
        return [(0, 0)] * 3
    if pad == "full":
        return [(s, s) for s in spans]
    if pad == "same":
        return [(s // 2, s - s // 2) for s in spans]
    if isinstance(pad, list) and isinstance(pad[0], list):
        return [(a, b) for a, b in pad]
    return [(p, p) for p in _triple(pad)]


def torch_conv3d(req: dict[str, Any]) -> np.ndarray:
    x = torch.tensor(req["input"], dtype=torch.float64)
    x = x[None] if x.ndim == 3 else x
    w = torch.tensor(req["kernel"], dtype=torch.float64)
    w = w[None, None] if w.ndim == 3 else (w[None] if w.ndim == 4 else w)
    if req.get("flip_kernel"):
        w = w.flip(-1, -2, -3)
    pads = explicit_padding(req, list(w.shape[2:]))
    flat = [v for pair in reversed(pads) for v in pair]  # F.pad: last axis first
    mode = req.get("padding_mode", "zeros")
    y = F.pad(x[None], flat, mode="constant" if mode == "zeros" else mode)
    b = req.get("bias")
    bias = None if b is None else torch.tensor(np.broadcast_to(b, (w.shape[0],)).copy())
    return F.conv3d(y, w, bias, stride=req.get("stride", 1), dilation=req.get("dilation", 1),
                    groups=req.get("groups", 1))[0].numpy()


def random_request(rng: np.random.Generator) -> dict[str, Any]:
    c = int(rng.choice([1, 2, 3]))
    groups = int(rng.choice([g for g in (1, 2, 3) if c % g == 0]))
    size = [int(v) for v in rng.integers(2, 7, size=3)]
    k = [int(v) for v in rng.integers(1, 4, size=3)]
    filters = groups * int(rng.integers(1, 3))
    req: dict[str, Any] = {
        "input": rng.normal(size=(c, *size)).round(3).tolist() if c > 1 or rng.random() < 0.5
        else rng.normal(size=size).round(3).tolist(),
        "kernel": rng.normal(size=(filters, c // groups, *k)).round(3).tolist(),
        "groups": groups, "flip_kernel": bool(rng.random() < 0.3)}
    req["stride"] = int(rng.integers(1, 3)) if rng.random() < 0.5 else [
        int(v) for v in rng.integers(1, 4, size=3)]
    req["dilation"] = int(rng.integers(1, 3)) if rng.random() < 0.5 else [
        int(v) for v in rng.integers(1, 3, size=3)]
    choice = rng.random()
    if choice < 0.25:
        req["padding"] = str(rng.choice(["valid", "full", "same"]))
        if req["padding"] == "same":
            req["stride"] = 1
    elif choice < 0.5:
        req["padding"] = [int(v) for v in rng.integers(0, 3, size=3)]
    elif choice < 0.7:
        req["padding"] = [[int(a), int(b)] for a, b in rng.integers(0, 3, size=(3, 2))]
    else:
        req["padding"] = int(rng.integers(0, 2))
    if rng.random() < 0.3 and req["padding"] != "full":
        req["padding_mode"] = str(rng.choice(MODES))
    if groups == 1 and c == 1 and rng.random() < 0.3:
        req["kernel"] = req["kernel"][0][0]  # (kD, kH, kW): one filter, one channel
        filters = 1
    if rng.random() < 0.5:
        req["bias"] = rng.normal(size=filters).round(2).tolist()
    return req


def check_steps(body: dict[str, Any], want: np.ndarray) -> None:
    """Every step's window and sums, from the padded volume and the kernel as applied."""
    padded, kernel = np.asarray(body["padded_input"]), np.asarray(body["kernel"])
    per_group = kernel.shape[1]
    groups = body["groups"]
    for step in body["steps"]:
        c, *cell = step["out"]
        group = c // (kernel.shape[0] // groups)
        taps = np.asarray(step["window"])  # (T, 3) padded [depth, row, col]
        assert len(taps) == kernel[0, 0].size
        reads = padded[group * per_group:(group + 1) * per_group][:, taps[:, 0], taps[:, 1],
                                                                     taps[:, 2]]
        products = reads * kernel[c].reshape(per_group, -1)
        np.testing.assert_allclose(step["products"], products, atol=1e-12)
        assert sum(step["partial_sums"]) + step["bias"] == pytest.approx(want[(c, *cell)])
        starts = [cell[a] * _triple(body["stride"])[a] for a in range(3)]
        assert taps[0].tolist() == starts


def test_random_volumes_agree_with_torch(client: TestClient) -> None:
    rng = np.random.default_rng(33)
    done = refused = 0
    while done < CASES:
        req = random_request(rng)
        response = client.post("/api/conv3d", json={**req, "trace": {"start": 0, "limit": 40}})
        try:
            want = torch_conv3d(req)
        except RuntimeError:  # torch refuses the geometry (kernel past the padded input, …)
            assert response.status_code == 422, (req, response.text)
            refused += 1
            continue
        if response.status_code == 422:  # reflect/circular padding wider than the input
            assert req.get("padding_mode") in MODES, response.text
            refused += 1
            continue
        body = response.json()
        got = np.asarray(body["output"]).reshape(want.shape)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=str(req))
        assert [a["output_size"] for a in body["arithmetic"]] == list(want.shape[1:])
        assert [a["axis"] for a in body["arithmetic"]] == ["depth", "height", "width"]
        check_steps(body, want)
        done += 1
    assert refused < CASES  # the draw is mostly feasible


def test_a_one_channel_volume_answers_in_its_own_shape(client: TestClient) -> None:
    cube = np.arange(27.0).reshape(3, 3, 3)
    body = client.post("/api/conv3d", json={"input": cube.tolist(), "kernel": [[[1]]],
                                            "stride": [2, 1, 2]}).json()
    assert body["output_shape"] == [2, 3, 2]
    assert body["output"] == cube[::2, :, ::2].tolist()
    assert body["trace"]["total"] == 12 and body["steps"][5]["out"] == [0, 0, 2, 1]


def test_a_page_of_steps_past_the_end_names_the_trace(client: TestClient) -> None:
    response = client.post("/api/conv3d", json={"input": [[[1, 2]]], "kernel": [[[1]]],
                                                "trace": {"start": 5, "limit": 1}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "trace"]


@pytest.mark.parametrize(("body", "field"), [
    ({"input": [[1, 2]], "kernel": [[[1]]]}, "input"),
    ({"input": [[[1, 2]]], "kernel": [[1]]}, "kernel"),
    ({"input": [[[1, 2]]], "kernel": [[[1, 1, 1]]]}, "kernel"),
    ({"input": [[[1, 2]]], "kernel": [[[1]]], "stride": [1, 2]}, "stride"),
    ({"input": [[[1, 2]]], "kernel": [[[1]]], "dilation": 0}, "dilation"),
    ({"input": [[[1, 2]]], "kernel": [[[1]]], "padding": [[1, 2], [0, 0]]}, "padding"),
    ({"input": [[[1, 2]]], "kernel": [[[1, 1]]], "padding": "same", "stride": 2},
     "padding"),
    ({"input": [[[1, 2]]], "kernel": [[[1]]], "padding": 1, "padding_mode": "reflect"},
     "padding"),
    ({"input": [[[[1, 2]]], [[[3, 4]]]], "kernel": [[[[1]]]], "groups": 2}, "groups"),
    ({"input": [[[[1, 2]]], [[[3, 4]]]], "kernel": [[[[1]]]]}, "kernel"),
])
def test_bad_volumes_name_their_field(client: TestClient, body: dict[str, Any],
                                      field: str) -> None:
    response = client.post("/api/conv3d", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_a_volume_over_the_limits_is_refused_before_it_is_computed(client: TestClient) -> None:
    # A small body: 2 × 8³ inputs, 64 filters of 2 × 8³ (the most kernel cells allowed);
    # "full" padding makes the output 64 · 15³ cells, 14 G multiply-adds.
    body = {"input": np.zeros((2, 8, 8, 8)).tolist(),
            "kernel": np.zeros((64, 2, 8, 8, 8)).tolist(), "padding": "full"}
    response = client.post("/api/conv3d", json=body)
    assert response.status_code == 413
    assert "max_multiply_adds" in response.text


@pytest.mark.parametrize(("body", "sizes"), [
    ({"op": "conv3d", "input_size": [16, 112, 112], "kernel_size": 3, "padding": 1,
      "stride": [1, 2, 2]}, [16, 56, 56]),
    ({"op": "conv3d", "input_size": 8, "kernel_size": [3, 1, 1], "padding": "same"},
     [8, 8, 8]),
    ({"op": "conv1d", "input_size": 16, "kernel_size": 2, "dilation": 8,
      "padding": "causal"}, [16]),
    ({"op": "conv1d", "input_size": [10], "kernel_size": 3, "padding": [2, 0]}, [10]),
    ({"op": "conv_transpose1d", "input_size": 5, "kernel_size": 4, "stride": 2,
      "padding": 1}, [10]),
    ({"op": "pool1d", "input_size": 9, "kernel_size": 2, "ceil_mode": True}, [5]),
])
def test_shape_answers_for_one_and_three_axes(client: TestClient, body: dict[str, Any],
                                               sizes: list[int]) -> None:
    """Sizes as torch computes them: a conv3d of zeros, conv1d, conv_transpose1d, pool1d."""
    answer = client.post("/api/shape", json=body).json()
    assert answer["output_size"] == sizes
    assert len(answer["arithmetic"]) == len(sizes)
    n = 1 if body["op"] != "conv3d" else 3
    size = [body["input_size"]] * n if isinstance(body["input_size"], int) else body["input_size"]
    x = torch.zeros((1, 1, *size), dtype=torch.float64)
    k = [body["kernel_size"]] * n if isinstance(body["kernel_size"], int) else body["kernel_size"]
    if body["op"] == "conv3d":
        pad = body.get("padding", 0)
        y = F.conv3d(x, torch.zeros((1, 1, *k), dtype=torch.float64), stride=body.get(
            "stride", 1), padding=pad)
    elif body["op"] == "conv1d":
        left, right = ((k[0] - 1) * body.get("dilation", 1), 0) if body["padding"] == "causal" \
            else body["padding"]
        y = F.conv1d(F.pad(x, (left, right)), torch.zeros((1, 1, k[0]), dtype=torch.float64),
                     dilation=body.get("dilation", 1))
    elif body["op"] == "conv_transpose1d":
        y = F.conv_transpose1d(x, torch.zeros((1, 1, k[0]), dtype=torch.float64),
                               stride=body["stride"], padding=body["padding"])
    else:
        y = F.max_pool1d(x, k[0], ceil_mode=True)
    assert list(y.shape[2:]) == sizes


@pytest.mark.parametrize(("body", "field"), [
    ({"op": "conv3d", "input_size": [4, 4], "kernel_size": 3}, "input_size"),
    ({"op": "conv1d", "input_size": 4, "kernel_size": [3, 3]}, "kernel_size"),
    ({"op": "conv3d", "input_size": 4, "kernel_size": 3, "padding": "causal"}, "padding"),
    ({"op": "pool1d", "input_size": 4, "kernel_size": 2, "padding": "same"}, "padding"),
])
def test_shape_names_the_field_of_a_wrong_axis_count(client: TestClient, body: dict[str, Any],
                                                     field: str) -> None:
    response = client.post("/api/shape", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_a_bad_entry_of_a_triple_names_its_axis(client: TestClient) -> None:
    body = {"input": [[[1, 2]]], "kernel": [[[1]]], "stride": [1, 0, 1]}
    detail = client.post("/api/conv3d", json=body).json()["detail"][0]
    assert detail["loc"] == ["body", "stride", 1] and detail["msg"].startswith("stride (height)")
