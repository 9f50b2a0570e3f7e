"""The stages' endpoints as a script calls them: shapes, values, pages, and 422s."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def post(client: TestClient, path: str, status: int = 200, **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def test_activation_answers_output_derivative_and_steps(client: TestClient) -> None:
    body = post(client, "/api/activation", input=[[-2, 0], [0.5, 3]], function="relu")
    assert body["output"] == [[0, 0], [0.5, 3]]
    assert body["derivative"] == [[0, 0], [1, 1]]
    assert body["output_shape"] == [2, 2]
    assert body["steps"][0] == {"index": 0, "at": [0, 0], "input": -2, "output": 0,
                                "derivative": 0, "formula": "relu(−2) = max(0, −2) = 0",
                                "derivative_formula": "relu′ = 0 (x ≤ 0)"}
    paged = post(client, "/api/activation", input=[[1, 2, 3, 4]], function="tanh",
                 trace={"start": 2, "limit": 1})
    assert [s["index"] for s in paged["steps"]] == [2] and paged["trace"]["next_start"] == 3
    bad = post(client, "/api/activation", 422, input=[[1]], function="swish")
    assert bad["detail"][0]["loc"] == ["body", "function"]


def test_batch_norm_training_updates_the_running_statistics(client: TestClient) -> None:
    body = post(client, "/api/batch_norm2d", input=[[[1, 3]], [[2, 2]]], training=True)
    assert body["mean"] == [2, 2] and body["var"] == [1, 0]
    # momentum 0.1, unbiased variance 2 (n = 2): 0.9·1 + 0.1·2 = 1.1
    assert body["running_var"][0] == 1.1 and body["running_mean"] == [0.2, 0.2]
    assert body["output_shape"] == [2, 1, 2]
    bad = post(client, "/api/batch_norm2d", 422, input=[[[1, 3]]], weight=[1, 2])
    assert bad["detail"][0]["loc"] == ["body", "weight"]


def test_a_batch_variance_that_overflows_is_a_422_not_a_warning(client: TestClient) -> None:
    # Schemathesis's two cases: the squares of the deviations overflow float64.
    for big in (1.4687517699852415e154, 1.6089369515931116e154):
        bad = post(client, "/api/batch_norm2d", 422, input=[[0, 0, big], [0, 0, 0]])
        assert bad["detail"][0]["loc"] == ["body", "input"]
        assert "variance overflows" in bad["detail"][0]["msg"]


def test_linear_lrn_and_dropout(client: TestClient) -> None:
    body = post(client, "/api/linear", input=[[1, 2], [3, 4]],
                weight=[[1, 0, 0, 1], [0, 1, 1, 0]], bias=[0.5, 0])
    assert body["output"] == [5.5, 5]
    bad = post(client, "/api/linear", 422, input=[[1, 2]], weight=[[1, 2, 3]])
    assert bad["detail"][0]["loc"] == ["body", "weight"]
    lrn = post(client, "/api/local_response_norm", input=[[[1]], [[2]]], size=2, alpha=1,
               beta=1, k=1)
    # channel 1: 1 / (1 + (0² + 1²)/2) = 2/3 (the window pads one channel before it)
    assert abs(lrn["output"][0][0][0] - 2 / 3) < 1e-15
    drop = post(client, "/api/dropout", input=[[1, 1, 1, 1]], p=0.5, seed=3)
    assert all(v in (0, 2) for v in drop["output"][0])
    assert drop["mask"] == [[1 if v else 0 for v in drop["output"][0]]]
    same = post(client, "/api/dropout", input=[[1, 1, 1, 1]], p=0.5, training=False)
    assert same["output"] == [[1, 1, 1, 1]]


def test_local_contrast_norm_answers_the_decks_equations(client: TestClient) -> None:
    x = [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[0, 0, 0], [0, 9, 0], [0, 0, 0]]]
    body = post(client, "/api/local_contrast_norm", input=x, mode="subtractive", sigma=1,
                size=1)
    # a 1 × 1 window: each map minus the sum of the maps at that cell
    assert body["output"][0][1][1] == 5 - 14 and body["output"][1][1][1] == 9 - 14
    assert body["window_size"] == 1
    bright = post(client, "/api/local_contrast_norm", input=[[[3]]], mode="brightness",
                  kappa=1, **{"lambda": 1}, mu=0.5)
    assert bright["output"] == [[[3 / 10**0.5]]]
    assert bright["steps"][0]["formula"].startswith("y = x / (κ + λ·Σ_j x_j²)^μ = 3 / (1 + 1·9)")
    bad = post(client, "/api/local_contrast_norm", 422, input=[[1]], size=4)
    assert bad["detail"][0]["loc"] == ["body", "size"]
