"""GET /api/networks and POST /api/network as a script calls them: presets, custom
stacks, and every impossible stack a 422 that names the layer by its path."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def post(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/network", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def error(client: TestClient, status: int = 422, **body: Any) -> dict[str, Any]:
    response = client.post("/api/network", json=body)
    assert response.status_code == status, response.text
    detail: dict[str, Any] = response.json()["detail"][0]
    return detail


def test_the_presets_are_listed_with_their_sources(client: TestClient) -> None:
    nets = client.get("/api/networks").json()["networks"]
    names = [n["name"] for n in nets]
    assert names == ["lenet5", "alexnet", "alexnet-torchvision", "vgg11", "vgg16", "resnet18",
                     "resnet34", "resnet50", "mobilenet-v1"]
    for net in nets:
        assert net["reference"] and net["input_shape"] and net["layers"]
        # Each listed stack is what POST /api/network takes: the same table as the preset.
        same = post(client, input_shape=net["input_shape"], layers=net["layers"])
        assert same["total"] == post(client, preset=net["name"])["total"]


def test_resnet18_rows_and_totals(client: TestClient) -> None:
    body = post(client, preset="resnet18")
    assert body["title"] == "ResNet-18" and "He, Zhang" in body["reference"]
    assert body["total"]["params"] == 11_689_512
    assert body["total"]["flops"] == 2 * body["total"]["macs"]
    paths = [r["path"] for r in body["layers"]]
    assert paths[:6] == ["0", "1", "2", "3", "4.body.0", "4.body.1"]
    assert "4.add" in paths and "8.shortcut.0" in paths  # the first stride-2 block projects
    fc = body["layers"][-1]
    assert fc["type"] == "linear" and fc["input_shape"] == [512] and fc["output_shape"] == [1000]
    assert fc["receptive_field"] is None and fc["receptive_field_note"]


def test_a_preset_on_another_input_size(client: TestClient) -> None:
    body = post(client, preset="resnet18", input_shape=[3, 128, 128])
    assert body["input_shape"] == [3, 128, 128]
    assert body["layers"][0]["output_shape"] == [64, 64, 64]
    assert body["total"]["params"] == 11_689_512  # global pooling: the size does not matter


def test_a_custom_stack_takes_pytorchs_defaults(client: TestClient) -> None:
    body = post(client, input_shape=[1, 28, 28], layers=[
        {"type": "conv2d", "out_channels": 8, "kernel_size": 3},
        {"type": "max_pool2d", "kernel_size": 2}, {"type": "flatten"},
        {"type": "linear", "out_features": 10}])
    conv, pool, flat, fc = body["layers"]
    assert conv["args"] == {"out_channels": 8, "kernel_size": [3, 3], "stride": [1, 1],
                            "padding": [0, 0], "dilation": [1, 1], "groups": 1, "bias": True,
                            "in_channels": None}
    assert conv["params"] == 8 * (9 + 1) and conv["output_shape"] == [8, 26, 26]
    assert pool["args"]["stride"] is None and pool["output_shape"] == [8, 13, 13]
    assert flat["output_shape"] == [8 * 13 * 13]
    assert fc["params"] == 10 * (8 * 13 * 13 + 1)
    assert body["title"] == "Custom network" and body["preset"] is None


@pytest.mark.parametrize(("layers", "loc", "words"), [
    ([{"type": "conv2d", "out_channels": 4, "kernel_size": 9}], [0, "kernel_size"],
     "kernel height 9 is more than the padded input's 8"),
    ([{"type": "linear", "out_features": 4}], [0], "needs a flat input (put flatten before it), "
                                                   "got (3, 8, 8)"),
    ([{"type": "relu"}, {"type": "residual", "body": [
        {"type": "conv2d", "out_channels": 4, "kernel_size": 3}]}], [1],
     "body's output (4, 6, 6) to its shortcut's (3, 8, 8)"),
    ([{"type": "residual", "body": [{"type": "relu"}, {"type": "conv2d", "out_channels": 3,
                                                       "kernel_size": 3, "stride": 0}]}],
     [0, "body", 1, "stride"], "must be from 1"),
    ([{"type": "conv2d", "out_channels": 4, "kernel_size": 3, "groups": 2}], [0, "groups"],
     "must divide the input channels (3)"),
    ([{"type": "conv2d", "kernel_size": 3}], [0, "out_channels"], "conv2d needs out_channels"),
    ([{"type": "conv2d", "out_channels": 4, "kernel_size": 3, "strides": 2}], [0, "strides"],
     "has no argument 'strides'"),
    ([{"type": "conv3d"}], [0, "type"], "must be one of"),
    ([{"type": "max_pool2d", "kernel_size": 2, "padding": 2}], [0, "padding"],
     "must be at most half the kernel size"),
    ([{"type": "flatten"}, {"type": "conv2d", "out_channels": 1, "kernel_size": 1}], [1],
     "needs a (C, H, W) input, got (192) (it comes after flatten)"),
    ([{"type": "conv2d", "out_channels": 4, "kernel_size": 3, "bias": "yes"}], [0, "bias"],
     "must be true or false"),
    ([{"type": "batch_norm2d", "num_features": 4}], [0, "num_features"], "has 3 channels"),
])
def test_impossible_stacks_name_the_layer(client: TestClient, layers: list[Any], loc: list[Any],
                                          words: str) -> None:
    detail = error(client, input_shape=[3, 8, 8], layers=layers)
    assert detail["loc"] == ["body", "layers", *loc]
    assert words in detail["msg"]


def test_limits_and_bad_requests(client: TestClient) -> None:
    relu = {"type": "relu"}
    assert "at most 2,000" in error(client, input_shape=[1, 4, 4],
                                    layers=[{"type": "residual", "body": [relu] * 1500,
                                             "shortcut": [relu] * 600}])["msg"]
    nested: dict[str, Any] = {"type": "relu"}
    for _ in range(8):
        nested = {"type": "residual", "body": [nested]}
    assert "nest at most 6 deep" in error(client, input_shape=[1, 4, 4], layers=[nested])["msg"]
    assert error(client, input_shape=[3, 0, 8], layers=[relu])["loc"] == ["body", "input_shape"]
    assert error(client, input_shape=[3, 8], layers=[relu])["loc"] == ["body", "input_shape"]
    assert "not both" in error(client, preset="resnet18", layers=[relu])["msg"]
    assert error(client, preset="resnet19")["loc"] == ["body", "preset"]
    assert "at least one layer" in error(client, input_shape=[3, 8, 8], layers=[])["msg"]
    assert error(client, input_shape=[3, 8, 8], layers=[relu] * 2001)["loc"][:2] == ["body",
                                                                                    "layers"]
