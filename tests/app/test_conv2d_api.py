"""POST /api/conv2d: exact JSON for small cases, traces and paging."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

A6 = [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4],
      [5, 6, 0, 7, 1, 4], [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]]
K3 = [[1, 2, 2], [2, 1, 2], [2, 2, 1]]


def post(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/conv2d", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_tiny_case_exact_json(client: TestClient) -> None:
    body = post(client, input=[[1, 2], [3, 4]], kernel=[[1, 0], [0, -1]], bias=0.5)
    arithmetic = body.pop("arithmetic")
    assert body == {
        "output": [[1 * 1 + 2 * 0 + 3 * 0 + 4 * -1 + 0.5]],
        "output_shape": [1, 1],
        "padded_input": [[[1, 2], [3, 4]]],
        "padding": [[0, 0], [0, 0]],
        "kernel": [[[[1, 0], [0, -1]]]],
        "bias": [0.5],
        "stride": [1, 1],
        "dilation": [1, 1],
        "groups": 1,
        "padding_mode": "zeros",
        "flip_kernel": False,
        "trace": {"start": 0, "count": 1, "total": 1, "next_start": None},
        "steps": [{
            "index": 0, "out": [0, 0, 0], "window": [[0, 0], [0, 1], [1, 0], [1, 1]],
            "padding": [False, False, False, False], "products": [[1, 0, 0, -4]],
            "partial_sums": [-3], "bias": 0.5, "value": -2.5,
        }],
    }
    assert [a["axis"] for a in arithmetic] == ["height", "width"]
    assert arithmetic[0]["substituted"] == "o = ⌊(2 + 2·0 − 2) / 1⌋ + 1 = ⌊0 / 1⌋ + 1 = 1"
    assert arithmetic[0]["relationship"] == 1


def test_stride_3_worked_example(client: TestClient) -> None:
    body = post(client, input=A6, kernel=K3, stride=3)
    assert body["output"] == [[52, 54], [52, 54]]
    first = body["steps"][0]
    assert first["products"] == [[3 * 1, 2 * 2, 7 * 2, 4 * 2, 1 * 1, 1 * 2, 8 * 2, 2 * 2, 0 * 1]]
    assert first["value"] == 52
    assert body["steps"][3]["window"][0] == [3, 3]
    assert "52" not in body["arithmetic"][0]["formula"]
    assert body["arithmetic"][0]["output_size"] == 2


def test_integers_stay_integers_in_json(client: TestClient) -> None:
    response = client.post("/api/conv2d", json={"input": A6, "kernel": K3, "stride": 3})
    assert b'"output":[[52,54],[52,54]]' in response.content


def test_padding_reads_flagged_and_remainder_explained(client: TestClient) -> None:
    body = post(client, input=A6, kernel=K3, padding=1, dilation=3)
    assert body["output"] == [[17, 33], [28, 22]]
    step = body["steps"][0]
    # Taps at padded rows/cols 0, 3, 6: row 0 and col 0 are padding.
    assert step["window"] == [[r, c] for r in (0, 3, 6) for c in (0, 3, 6)]
    assert step["padding"] == [True, True, True, True, False, False, True, False, False]
    height = body["arithmetic"][0]
    assert height["formula"] == "o = ⌊(i + 2p − k − (k − 1)(d − 1)) / s⌋ + 1"
    assert height["relationship"] == 15
    assert height["unvisited"] == [2, 5]


def test_channels_bias_per_filter_and_partial_sums(client: TestClient) -> None:
    x = [[[1, 2], [3, 4]], [[10, 20], [30, 40]]]
    k = [[[[1, 0], [0, 0]], [[0, 0], [0, 1]]], [[[0, 1], [0, 0]], [[0, 0], [1, 0]]]]
    body = post(client, input=x, kernel=k, bias=[100, 200])
    assert body["output"] == [[[1 + 40 + 100]], [[2 + 30 + 200]]]
    assert body["output_shape"] == [2, 1, 1]
    assert body["steps"][1]["partial_sums"] == [2, 30]
    assert body["steps"][1]["out"] == [1, 0, 0]


def test_true_convolution_rotates_kernel(client: TestClient) -> None:
    body = post(client, input=[[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                kernel=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], flip_kernel=True)
    assert body["kernel"] == [[[[9, 8, 7], [6, 5, 4], [3, 2, 1]]]]
    assert body["output"] == [[1 * 9 + 2 * 8 + 3 * 7 + 4 * 6 + 5 * 5 + 6 * 4 + 7 * 3 + 8 * 2 + 9]]


def test_padding_keywords(client: TestClient) -> None:
    same = post(client, input=A6, kernel=[[1, 1], [1, 1]], padding="same", trace=False)
    assert same["output_shape"] == [6, 6]
    assert same["padding"] == [[0, 1], [0, 1]]
    full = post(client, input=[[1, 2]], kernel=[[1, 1]], padding="full", trace=False)
    assert full["padding"] == [[0, 0], [1, 1]]
    assert full["output"] == [[1, 3, 2]]


def test_reflect_padding_reads_real_values(client: TestClient) -> None:
    body = post(client, input=[[1, 2, 3]], kernel=[[1, 1, 1]], padding=[0, 1],
                padding_mode="reflect")
    assert body["padded_input"] == [[[2, 1, 2, 3, 2]]]
    assert body["output"] == [[2 + 1 + 2, 1 + 2 + 3, 2 + 3 + 2]]
    assert body["steps"][0]["padding"] == [True, False, False]


def test_trace_off_and_paged(client: TestClient) -> None:
    off = post(client, input=A6, kernel=K3, trace=False)
    assert off["steps"] == []
    assert off["trace"] == {"start": 0, "count": 0, "total": 16, "next_start": None}
    page = post(client, input=A6, kernel=K3, trace={"start": 5, "limit": 4})
    assert page["trace"] == {"start": 5, "count": 4, "total": 16, "next_start": 9}
    assert [s["index"] for s in page["steps"]] == [5, 6, 7, 8]
    assert [s["value"] for s in page["steps"]] == [off["output"][r][c]
                                                   for r, c in ((1, 1), (1, 2), (1, 3), (2, 0))]
    last = post(client, input=A6, kernel=K3, trace={"start": 14, "limit": 10})
    assert last["trace"]["next_start"] is None
    assert last["trace"]["count"] == 2


def test_repeated_geometry_reuses_positions_but_never_values(client: TestClient) -> None:
    """The serialized positions of a geometry are reused across requests (app.render);
    values, padding modes and pages must still be each request's own."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(4)
    for mode in ("zeros", "reflect", "zeros", "circular"):
        x = rng.integers(-5, 6, size=(2, 5, 6))
        w = rng.integers(-3, 4, size=(3, 2, 3, 2))
        for start in (0, 7, 0):
            body = post(client, input=x.tolist(), kernel=w.tolist(), padding=1,
                        padding_mode=mode, stride=[1, 2], trace={"start": start, "limit": 11})
            padded = F.pad(torch.tensor(x, dtype=torch.float64)[None], (1, 1, 1, 1),
                           mode="constant" if mode == "zeros" else mode)
            expected = F.conv2d(padded, torch.tensor(w, dtype=torch.float64), stride=(1, 2))[0]
            assert body["output"] == expected.numpy().astype(int).tolist()
            assert [s["index"] for s in body["steps"]] == list(range(start, start + 11))
            for step in body["steps"]:
                o, r, c = step["out"]
                assert step["value"] == int(expected[o, r, c])
                assert step["window"][0] == [r, 2 * c]
                assert step["padding"][0] == (r == 0 or c == 0)
