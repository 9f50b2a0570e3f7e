"""POST /api/conv_transpose2d, /api/pool2d, /api/pool2d/backward, /api/max_unpool2d."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

A = [[1, 3, 2], [2, 5, 6], [7, 1, 3]]
K = [[0, 1], [3, 2]]
X = [[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 2]]


def post(client: TestClient, path: str, **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_transposed_deck_002_with_scatter_and_equivalent(client: TestClient) -> None:
    body = post(client, "/api/conv_transpose2d", input=A, kernel=K)
    assert body["output"] == [[0, 1, 3, 2], [3, 13, 17, 10], [6, 26, 29, 15], [21, 17, 11, 6]]
    assert body["steps"][1] == {
        "index": 1, "source": [0, 0, 1], "value": 3,
        "targets": [[0, 0, 1], [0, 0, 2], [0, 1, 1], [0, 1, 2]],
        "cropped": [False] * 4, "amounts": [0, 3, 9, 6],
        "running_sum": [[0, 1, 3, 0], [3, 11, 6, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
    }
    assert body["steps"][-1]["running_sum"] == body["output"]
    equivalent = body["equivalent"]
    assert equivalent["kernel"] == [[[[2, 3], [1, 0]]]]
    assert equivalent["padding"] == [[1, 1], [1, 1]]
    assert [s["value"] for s in equivalent["steps"]] == [v for row in body["output"]
                                                         for v in row]
    assert body["arithmetic"][0]["relationship"] == 8


def test_transposed_stride_2_inserts_zeros(client: TestClient) -> None:
    body = post(client, "/api/conv_transpose2d", input=A, kernel=K, stride=2,
                trace={"start": 8, "limit": 5})
    assert body["output_shape"] == [6, 6]
    assert body["equivalent"]["input"][0][:2] == [[1, 0, 3, 0, 2], [0, 0, 0, 0, 0]]
    assert body["trace"] == {"start": 8, "count": 1, "total": 9, "next_start": None}


def test_transposed_padding_crops_and_says_so(client: TestClient) -> None:
    body = post(client, "/api/conv_transpose2d", input=A, kernel=[[1, 1, 1]] * 3, stride=2,
                padding=1, output_padding=1)
    assert body["output_shape"] == [6, 6]
    assert body["steps"][0]["cropped"][0] is True
    assert "checkerboard" in body["coverage_note"]
    assert body["arithmetic"][0]["relationship"] == 14
    assert body["arithmetic"][0]["substituted"].endswith("= 6")


def test_max_pool_with_indices_and_trace(client: TestClient) -> None:
    body = post(client, "/api/pool2d", input=X, kernel_size=2)
    assert body["output"] == [[5, 8], [9, 7]]
    assert body["indices"] == [[1, 6], [12, 11]]
    assert body["steps"][2] == {
        "index": 2, "out": [0, 1, 0], "window": [[2, 0], [2, 1], [3, 0], [3, 1]],
        "padding": [False] * 4, "values": [0, 2, 9, 1], "winner": 2, "sum": None,
        "divisor": None, "value": 9,
    }


def test_avg_pool_divisor_with_and_without_padding(client: TestClient) -> None:
    counted = post(client, "/api/pool2d", input=X, kernel_size=2, padding=1, mode="avg")
    assert counted["steps"][0]["divisor"] == 4 and counted["output"][0][0] == 1 / 4
    skipped = post(client, "/api/pool2d", input=X, kernel_size=2, padding=1, mode="avg",
                   count_include_pad=False)
    assert skipped["steps"][0]["divisor"] == 1 and skipped["output"][0][0] == 1
    assert skipped["indices"] is None


def test_pool_backward_routes(client: TestClient) -> None:
    body = post(client, "/api/pool2d/backward", input=X, kernel_size=2,
                grad_output=[[1, 2], [3, 4]])
    assert body["grad_input"] == [[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 4], [3, 0, 0, 0]]
    assert body["routes"][1] == {"out": [0, 0, 1], "grad": 2.0, "targets": [[1, 2]],
                                 "amount": 2.0}


def test_unpool_puts_values_back(client: TestClient) -> None:
    body = post(client, "/api/max_unpool2d", input=[[5, 8], [9, 7]],
                indices=[[1, 6], [12, 11]], kernel_size=2)
    assert body["output"] == [[0, 5, 0, 0], [0, 0, 8, 0], [0, 0, 0, 7], [9, 0, 0, 0]]
    assert body["steps"][2] == {"index": 2, "source": [0, 1, 0], "value": 9,
                                "target": [0, 3, 0], "overwritten": False}


BAD: list[tuple[str, dict[str, Any], list[Any], str]] = [
    ("/api/conv_transpose2d", {"input": A, "kernel": K, "stride": 2, "output_padding": 2},
     ["body", "output_padding"], "smaller than the stride"),
    ("/api/conv_transpose2d", {"input": A, "kernel": [[[[1]]]] * 2},
     ["body", "kernel"], "input channel"),
    ("/api/conv_transpose2d", {"input": A, "kernel": K, "padding": 5},
     ["body", "padding"], "removes the whole output"),
    ("/api/pool2d", {"input": X, "kernel_size": 2, "padding": 2},
     ["body", "padding"], "half the kernel"),
    ("/api/pool2d", {"input": X, "kernel_size": 2, "mode": "avg", "dilation": 2},
     ["body", "dilation"], "no dilation"),
    ("/api/pool2d", {"input": X, "kernel_size": 2, "mode": "median"},
     ["body", "mode"], "'max'"),
    ("/api/pool2d", {"input": X, "kernel_size": 5}, ["body", "kernel_size"], "padded input"),
    ("/api/pool2d/backward", {"input": X, "kernel_size": 2, "grad_output": [[1]]},
     ["body", "grad_output"], "output's shape [2, 2]"),
    ("/api/max_unpool2d", {"input": [[5, 8]], "indices": [[1, 99]], "kernel_size": 2},
     ["body", "indices"], "outside"),
    ("/api/max_unpool2d", {"input": [[5, 8]], "indices": [[1]], "kernel_size": 2},
     ["body", "indices"], "input's shape"),
    ("/api/max_unpool2d", {"input": [[5, 8]], "indices": [[1, 2]], "kernel_size": 2,
                           "output_size": [9, 9]}, ["body", "output_size"], "strictly between"),
]


@pytest.mark.parametrize(("path", "body", "loc", "words"), BAD)
def test_bad_input_is_422_naming_the_field(client: TestClient, path: str, body: dict[str, Any],
                                           loc: list[Any], words: str) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc
    assert words in response.json()["detail"][0]["msg"]


def test_pool_over_the_work_limit_is_413(client: TestClient) -> None:
    big = [[1] * 900] * 900
    response = client.post("/api/pool2d", json={"input": big, "kernel_size": 400, "stride": 1})
    assert response.status_code == 413
    assert "max_multiply_adds" in response.json()["detail"][0]["msg"]
