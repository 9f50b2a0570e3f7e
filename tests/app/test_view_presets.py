"""The presets the transposed and pooling pages load: every one reproduces its
expected output through its endpoint, and that output is PyTorch's (float64)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient

from engine.presets import EXAMPLES


def _torch_pool(params: dict[str, object]) -> list[list[float]]:
    x = torch.tensor(params["input"], dtype=torch.float64)[None, None]
    k, s = params["kernel_size"], params.get("stride", params["kernel_size"])
    if params["mode"] == "avg":
        return F.avg_pool2d(x, k, s)[0, 0].tolist()  # type: ignore[arg-type, no-any-return]
    sign = -1.0 if params["mode"] == "min" else 1.0
    return (sign * F.max_pool2d(sign * x, k, s))[0, 0].tolist()  # type: ignore[arg-type, no-any-return]


def test_pool2d_presets_reproduce_through_the_api_and_torch(client: TestClient) -> None:
    examples = [e for e in client.get("/api/presets").json()["examples"] if e["op"] == "pool2d"]
    assert {e["params"]["mode"] for e in examples} == {"max", "avg", "min"}
    for example in examples:
        response = client.post("/api/pool2d", json=example["params"] | {"trace": False})
        assert response.status_code == 200, response.text
        assert response.json()["output"] == example["expected_output"], example["id"]
        assert _torch_pool(example["params"]) == example["expected_output"], example["id"]


def test_deck_004_pooling_reads_the_bias_example_feature_map() -> None:
    # The pooled map is the slide's stride-1 output of the bias example (seeds README, 6).
    conv = next(e for e in EXAMPLES if e["id"] == "bias-stride-1")
    for example in (e for e in EXAMPLES if e["op"] == "pool2d"):
        assert example["params"]["input"] == conv["expected_output"]


def test_conv_transpose2d_presets_reproduce_through_the_api_and_torch(
        client: TestClient) -> None:
    examples = [e for e in EXAMPLES if e["op"] == "conv_transpose2d"]
    assert {e["params"]["stride"] for e in examples} == {1, 2}
    for example in examples:
        p = example["params"]
        response = client.post("/api/conv_transpose2d",
                               json=p | {"trace": False, "equivalent_trace": False})
        assert response.json()["output"] == example["expected_output"], example["id"]
        x = torch.tensor(p["input"], dtype=torch.float64)[None, None]
        w = torch.tensor(p["kernel"], dtype=torch.float64)[None, None]
        expected = F.conv_transpose2d(x, w, stride=p["stride"])[0, 0].tolist()
        assert expected == example["expected_output"], example["id"]
