"""POST /api/pipeline and the sample pictures as a script calls them: shapes, values
against torch, paged steps, reads, and every refusal naming its stage and field."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient

from app.limits import LIMITS

SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]


def post(client: TestClient, status: int = 200, **body: Any) -> dict[str, Any]:
    response = client.post("/api/pipeline", json=body)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_picture_through_sobel_relu_and_pooling_agrees_with_torch(client: TestClient) -> None:
    picture = client.get("/api/images/camera", params={"size": 32}).json()["input"]
    body = post(client, input=picture, stages=[
        {"op": "conv2d", "kernel": "sobel-x", "padding": 1}, {"op": "relu"},
        {"op": "max_pool2d", "kernel_size": 2}], reads=True,
        trace={"stage": 2, "start": 5, "limit": 3})
    x = torch.tensor(picture, dtype=torch.float64)[None]
    conv = F.conv2d(x, torch.tensor([[SOBEL_X]], dtype=torch.float64), padding=1)
    expected = [conv, F.relu(conv), F.max_pool2d(F.relu(conv), 2)]
    assert [s["output_shape"] for s in body["stages"]] == [[1, 32, 32], [1, 32, 32],
                                                          [1, 16, 16]]
    for stage, want in zip(body["stages"], expected):
        np.testing.assert_allclose(stage["output"], want[0].numpy(), rtol=1e-12)
        assert stage["range"] == [float(want.min()), float(want.max())]
    pool = body["stages"][2]
    assert pool["trace"] == {"start": 5, "count": 3, "total": 256, "next_start": 8}
    assert [s["index"] for s in pool["steps"]] == [5, 6, 7]
    assert pool["steps"][0]["formula"].startswith("max(")
    assert pool["reads"]["height"][5] == [10, 11] and pool["reads"]["channels"] == "same"
    assert "steps" not in body["stages"][0]


def test_outputs_can_be_left_out_and_training_statistics_come_back(client: TestClient) -> None:
    body = post(client, input=[[[1, 2], [3, 4]], [[0, 0], [2, 2]]], outputs=False,
                stages=[{"op": "batch_norm2d"}, {"op": "dropout", "p": 0.5, "seed": 3},
                        {"op": "flatten"}, {"op": "linear", "weight": [[1] * 8]}])
    bn = body["stages"][0]
    assert "output" not in bn and bn["mean"] == [2.5, 1] and bn["var"] == [1.25, 1]
    assert len(body["stages"][1]["mask"]) == 2
    assert body["stages"][3]["output_shape"] == [1]


@pytest.mark.parametrize(("stages", "loc"), [
    ([{"op": "relu"}, {"op": "conv2d", "kernel": [[1] * 9]}], ["stages", 1, "kernel"]),
    ([{"op": "flatten"}, {"op": "max_pool2d", "kernel_size": 2}], ["stages", 1, "op"]),
    ([{"op": "relu", "slope": 1}], ["stages", 0, "slope"]),
    ([{"op": "pool2d", "mode": "median", "kernel_size": 2}], ["stages", 0, "mode"]),
    ([{"op": "conv2d", "kernel": "sobel-x", "stride": 0}], ["stages", 0, "stride"]),
    ("relu", ["stages"]),
])
def test_a_bad_stage_is_a_422_naming_its_index_and_field(client: TestClient, stages: Any,
                                                         loc: list[Any]) -> None:
    body = post(client, 422, input=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], stages=stages)
    assert body["detail"][0]["loc"] == ["body", *loc]


def test_a_chain_that_grows_past_the_limits_is_refused_before_it_runs(client: TestClient
                                                                      ) -> None:
    grow = {"op": "conv_transpose2d", "kernel": [[1]], "stride": 1000}
    body = post(client, 413, input=[[1, 2], [3, 4]], stages=[grow, grow, {"op": "relu"}])
    assert body["detail"][0]["loc"][:3] == ["body", "stages", 1]
    many = [{"op": "relu"}] * 30
    big = [[1] * 300] * 300
    body = post(client, 413, input=big, stages=many)
    assert "max_pipeline_cells" in body["detail"][0]["msg"]
    assert LIMITS.max_pipeline_cells < 300 * 300 * 30
    bad = post(client, 422, input=[[1]], stages=[{"op": "relu"}], trace={"stage": 1})
    assert bad["detail"][0]["loc"] == ["body", "trace", "stage"]


def test_the_sample_pictures_are_whole_numbers_from_0_to_255(client: TestClient) -> None:
    listed = client.get("/api/images").json()
    names = [p["name"] for p in listed["images"]]
    assert {"photograph", "portrait", "synthetic"} <= {p["kind"] for p in listed["images"]}
    assert all(p["licence"] for p in listed["images"])
    for name in names:
        for mode, channels in (("gray", 1), ("rgb", 3)):
            body = client.get(f"/api/images/{name}", params={"size": 24, "mode": mode}).json()
            a = np.asarray(body["input"])
            assert body["shape"] == [channels, 24, 24] == list(a.shape)
            assert a.dtype.kind == "i" and a.min() >= 0 and a.max() <= 255 and a.std() > 10
    assert client.get("/api/images/camera", params={"size": 512}).json()["shape"] == [1, 512, 512]
    assert client.get("/api/images/nope").status_code == 404
    for size in (15, 513):
        r = client.get("/api/images/camera", params={"size": size})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "size"]


def test_gray_is_the_luma_of_rgb(client: TestClient) -> None:
    rgb = np.asarray(client.get("/api/images/astronaut", params={"size": 32, "mode": "rgb"}
                                ).json()["input"], dtype=float)
    gray = np.asarray(client.get("/api/images/astronaut", params={"size": 32}).json()["input"])
    luma = np.tensordot([0.299, 0.587, 0.114], rgb, axes=1)
    assert np.abs(gray[0] - luma).max() <= 1


def back(client: TestClient, status: int = 200, **body: Any) -> dict[str, Any]:
    response = client.post("/api/pipeline/backward", json=body)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def test_backward_through_sobel_sigmoid_pool_agrees_with_autograd(client: TestClient) -> None:
    # No two cells equal: with ties, which cell wins a max depends on rounding (our sums
    # and torch's may differ in the last bit), and with it where the gradient goes.
    picture = np.random.default_rng(1).uniform(0, 255, size=(16, 16)).tolist()
    w0 = [[0.01 * v for v in row] for row in SOBEL_X]
    body = back(client, input=picture, stages=[
        {"op": "conv2d", "kernel": w0, "bias": 0.1, "padding": 1}, {"op": "sigmoid"},
        {"op": "max_pool2d", "kernel_size": 2}, {"op": "flatten"},
        {"op": "linear", "weight": [[0.01] * 64, [-0.02] * 64], "bias": [0, 1]}],
        loss={"type": "cross_entropy", "target": 1}, learning_rate=0.5,
        trace={"stage": 0, "of": "grad_kernel", "start": 4, "limit": 1})
    x = torch.tensor(picture, dtype=torch.float64)[None]
    w = torch.tensor([[w0]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.1], dtype=torch.float64, requires_grad=True)
    lw = torch.tensor([[0.01] * 64, [-0.02] * 64], dtype=torch.float64, requires_grad=True)
    y = F.linear(F.max_pool2d(torch.sigmoid(F.conv2d(x, w, b, padding=1)), 2).reshape(1, -1),
                 lw, torch.tensor([0.0, 1.0], dtype=torch.float64))
    loss = F.cross_entropy(y, torch.tensor([1]))
    loss.backward()
    assert body["loss"]["value"] == pytest.approx(loss.item(), rel=1e-12)
    conv = body["stages"][0]
    assert w.grad is not None and b.grad is not None and lw.grad is not None
    np.testing.assert_allclose(conv["grad_kernel"], w.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(conv["grad_bias"], b.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(body["stages"][4]["grad_weight"], lw.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(conv["updated"]["kernel"], (w - 0.5 * w.grad).detach().numpy(),
                               rtol=1e-12)
    step = conv["steps"][0]
    assert conv["trace"]["of"] == "grad_kernel" and step["at"] == [0, 0, 1, 1]
    assert step["term_count"] == 256 and "weight sharing" in step["note"]
    assert body["stages"][1]["grad_input_rms"] > 0


def test_backward_refusals_name_their_field(client: TestClient) -> None:
    x = [[1, 2], [3, 4]]
    bad = back(client, 422, input=x, stages=[{"op": "relu"}, {"op": "local_contrast_norm"}])
    assert bad["detail"][0]["loc"] == ["body", "stages", 1, "op"]
    bad = back(client, 422, input=x, stages=[{"op": "relu"}], loss={"type": "mse",
                                                                    "target": [1, 2, 3]})
    assert bad["detail"][0]["loc"] == ["body", "loss", "target"]
    bad = back(client, 422, input=x, stages=[{"op": "relu"}], grad_output=[[1]])
    assert bad["detail"][0]["loc"] == ["body", "grad_output"]
    bad = back(client, 422, input=x, stages=[{"op": "relu"}], trace={"stage": 0,
                                                                     "of": "grad_kernel"})
    assert bad["detail"][0]["loc"] == ["body", "trace", "of"]
    ok = back(client, input=x, stages=[{"op": "relu"}], grad_output=[[1, 2], [3, 4]])
    assert ok["loss"] is None and ok["stages"][0]["grad_input"] == [[[1, 2], [3, 4]]]
