"""POST /api/conv2d/matrix and /api/conv2d/backward: exact JSON, PyTorch, paging, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient

from app.limits import LIMITS

DECK = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 2], [3, 4]],
        "flip_kernel": True}


def post(client: TestClient, path: str, **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_matrix_deck_001(client: TestClient) -> None:
    body = post(client, "/api/conv2d/matrix", **DECK, symbolic=True, trace=False)
    assert body["output"] == [[23, 33], [53, 63]]
    assert body["matrix"] == {
        "shape": [4, 9], "nnz": 16,
        "rows": [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3],
        "cols": [0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8],
        "values": [4, 3, 2, 1] * 4,
        "dense": [[4, 3, 0, 2, 1, 0, 0, 0, 0], [0, 4, 3, 0, 2, 1, 0, 0, 0],
                  [0, 0, 0, 4, 3, 0, 2, 1, 0], [0, 0, 0, 0, 4, 3, 0, 2, 1]]}
    assert body["x_conv"] == [[5, 6, 8, 9], [4, 5, 7, 8], [2, 3, 5, 6], [1, 2, 4, 5]]
    assert body["kernel_row"] == [[1, 2, 3, 4]]
    assert body["w_conv"]["rotated_kernel"] == [[4, 3], [2, 1]]
    assert body["input_flat"] == list(range(1, 10))
    assert body["output_flat"] == [23, 33, 53, 63] and body["bias_flat"] == [0, 0, 0, 0]
    assert body["identities"] == [
        {"equation": "C·vec(x) + b = vec(y)", "max_abs_difference": 0},
        {"equation": "kernel_row·X_conv + b = Y (1 × 4)", "max_abs_difference": 0}]
    symbolic = body["symbolic"]
    assert symbolic["input"][1] == ["x₂₁", "x₂₂", "x₂₃"]
    assert symbolic["kernel"] == [["w₁₁", "w₁₂"], ["w₂₁", "w₂₂"]]
    assert symbolic["matrix_dense"][0] == ["w₂₂", "w₂₁", "0", "w₁₂", "w₁₁", "0", "0", "0", "0"]
    assert symbolic["matrix_values"][:4] == ["w₂₂", "w₂₁", "w₁₂", "w₁₁"]
    assert symbolic["x_conv"][0] == ["x₂₂", "x₂₃", "x₃₂", "x₃₃"]
    assert symbolic["kernel_row"] == [["w₁₁", "w₁₂", "w₂₁", "w₂₂"]]
    assert symbolic["output"][0] == {
        "label": "y₁₁", "terms": [["w₂₂", "x₁₁"], ["w₂₁", "x₁₂"], ["w₁₂", "x₂₁"], ["w₁₁", "x₂₂"]],
        "text": "w₂₂·x₁₁ + w₂₁·x₁₂ + w₁₂·x₂₁ + w₁₁·x₂₂"}
    assert body["trace"] == {"start": 0, "count": 0, "total": 4, "next_start": None}


def test_matrix_forward_steps_explain_the_rows(client: TestClient) -> None:
    body = post(client, "/api/conv2d/matrix", **DECK, trace={"start": 1, "limit": 1})
    assert body["symbolic"] is None
    assert body["steps"] == [{"index": 1, "out": [0, 0, 1], "window": [[0, 1], [0, 2], [1, 1],
                                                                       [1, 2]],
                              "padding": [False] * 4, "products": [[8, 9, 10, 6]],
                              "partial_sums": [33], "bias": 0, "value": 33}]


def test_matrix_floats_channels_and_reflect_against_torch(client: TestClient) -> None:
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=(2, 4, 5)), rng.normal(size=(3, 2, 2, 2)), rng.normal(size=3)
    body = post(client, "/api/conv2d/matrix", input=x.tolist(), kernel=w.tolist(),
                bias=b.tolist(), padding=1, padding_mode="reflect", trace=False)
    m = body["matrix"]
    c = np.zeros(m["shape"])
    np.add.at(c, (m["rows"], m["cols"]), m["values"])
    np.testing.assert_array_equal(c, np.array(m["dense"]))
    expected = F.conv2d(F.pad(torch.tensor(x)[None], (1, 1, 1, 1), mode="reflect"),
                        torch.tensor(w), torch.tensor(b))[0].numpy()
    np.testing.assert_allclose(c @ x.ravel() + np.array(body["bias_flat"]), expected.ravel(),
                               rtol=1e-12, atol=1e-12)
    assert isinstance(body["output_flat"][0], float)
    assert body["w_conv"] is None
    assert all(i["max_abs_difference"] < 1e-12 for i in body["identities"])
    assert "unpadded input" in body["note"]


def test_matrix_past_the_dense_limit_has_no_dense(client: TestClient) -> None:
    side = 20  # C is 324 × 400 = 129,600 cells
    assert 18 * 18 * side * side > LIMITS.max_dense_matrix_cells
    body = post(client, "/api/conv2d/matrix", input=np.ones((side, side)).tolist(),
                kernel=[[1, 1, 1]] * 3, trace=False)
    assert body["matrix"]["dense"] is None and body["matrix"]["nnz"] == 18 * 18 * 9
    assert body["matrix"]["shape"] == [324, 400]


def test_backward_deck_001(client: TestClient) -> None:
    body = post(client, "/api/conv2d/backward", **DECK, grad_output=[[1, 2], [3, 4]],
                symbolic=True)
    assert body["grad_input"] == [[1 * 4, 1 * 3 + 2 * 4, 2 * 3],
                                  [1 * 2 + 3 * 4, 1 * 1 + 2 * 2 + 3 * 3 + 4 * 4, 2 * 1 + 4 * 3],
                                  [3 * 2, 3 * 1 + 4 * 2, 4 * 1]]
    assert body["grad_kernel"] == [[5 + 12 + 24 + 36, 4 + 10 + 21 + 32],
                                   [2 + 6 + 15 + 24, 1 + 4 + 12 + 20]]
    assert body["grad_bias"] == [10]
    assert body["grad_output"] == [[1, 2], [3, 4]]
    symbolic = body["symbolic"]
    assert symbolic["grad_input"][4] == {
        "label": "δx₂₂", "terms": [["δy₁₁", "w₁₁"], ["δy₁₂", "w₁₂"], ["δy₂₁", "w₂₁"],
                                   ["δy₂₂", "w₂₂"]],
        "text": "δy₁₁·w₁₁ + δy₁₂·w₁₂ + δy₂₁·w₂₁ + δy₂₂·w₂₂"}
    assert symbolic["grad_kernel"][0]["text"] == "δy₁₁·x₂₂ + δy₁₂·x₂₃ + δy₂₁·x₃₂ + δy₂₂·x₃₃"
    assert symbolic["grad_output"] == [["δy₁₁", "δy₁₂"], ["δy₂₁", "δy₂₂"]]
    assert body["steps"][0] == {
        "index": 0, "source": [0, 0, 0], "grad": 1, "window": [[0, 0], [0, 1], [1, 0], [1, 1]],
        "padding": [False] * 4, "targets": [[0, 0], [0, 1], [1, 0], [1, 1]], "channels": [0],
        "amounts": [[4, 3, 2, 1]], "running_sum": [[4, 3, 0], [2, 1, 0], [0, 0, 0]]}
    assert body["steps"][-1]["running_sum"] == body["grad_input"]
    assert body["kernel_steps"][0] == {
        "index": 0, "weight": [0, 0, 0, 0], "tap": [1, 1],
        "window": [[1, 1], [1, 2], [2, 1], [2, 2]], "padding": [False] * 4,
        "inputs": [5, 6, 8, 9], "grads": [1, 2, 3, 4], "products": [5, 12, 24, 36],
        "value": 77}
    full = body["full_convolution"]
    assert full["input"] == [[[1, 2], [3, 4]]] and full["padding"] == [[1, 1], [1, 1]]
    assert full["kernel"] == [[[[1, 2], [3, 4]]]]  # the applied [4 3; 2 1], rotated back
    assert full["output"] == [body["grad_input"]]
    assert [s["value"] for s in full["steps"]] == [v for row in body["grad_input"] for v in row]


def test_backward_against_torch_with_padding_modes_and_groups(client: TestClient) -> None:
    rng = np.random.default_rng(9)
    x, w = rng.normal(size=(4, 5, 6)), rng.normal(size=(2, 2, 3, 2))
    xt, wt = torch.tensor(x)[None].requires_grad_(), torch.tensor(w).requires_grad_()
    y = F.conv2d(F.pad(xt, (1, 1, 2, 2), mode="circular"), torch.flip(wt, (-2, -1)),
                 stride=(2, 1), dilation=(1, 2), groups=2)
    dy = rng.normal(size=tuple(y.shape[1:]))
    y.backward(torch.tensor(dy)[None])
    body = post(client, "/api/conv2d/backward", input=x.tolist(), kernel=w.tolist(),
                padding=[2, 1], padding_mode="circular", stride=[2, 1], dilation=[1, 2],
                groups=2, flip_kernel=True, grad_output=dy.tolist(),
                trace={"start": 3, "limit": 2}, kernel_trace=False,
                full_convolution_trace=False)
    assert xt.grad is not None and wt.grad is not None
    np.testing.assert_allclose(body["grad_input"], xt.grad[0].numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(body["grad_kernel"], wt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(body["grad_bias"], dy.sum(axis=(1, 2)), rtol=1e-12)
    assert [s["index"] for s in body["steps"]] == [3, 4]
    assert body["trace"]["next_start"] == 5
    assert body["kernel_steps"] == [] and body["kernel_trace"]["total"] == w.size
    assert body["full_convolution"]["steps"] == []
    # circular padding: every tap's gradient reaches an input cell
    assert all(t is not None for s in body["steps"] for t in s["targets"])


def test_backward_zero_padding_drops_gradient_with_null_targets(client: TestClient) -> None:
    body = post(client, "/api/conv2d/backward", input=[[1, 2], [3, 4]], kernel=[[1, 1], [1, 1]],
                padding=1, kernel_trace={"start": 0, "limit": 1})
    assert body["grad_input"] == [[4, 4], [4, 4]]
    assert body["steps"][0]["targets"] == [None, None, None, [0, 0]]
    assert body["steps"][0]["padding"] == [True, True, True, False]
    assert len(body["kernel_steps"]) == 1 and body["kernel_trace"]["next_start"] == 1
    assert body["kernel_steps"][0]["inputs"] == [0, 0, 0, 0, 1, 2, 0, 3, 4]


BAD: list[tuple[str, str, dict[str, Any], list[Any], str]] = [
    ("grad_output wrong shape", "backward", {"grad_output": [[1, 2, 3]]},
     ["body", "grad_output"], "output's shape [2, 2], got [1, 3]"),
    ("grad_output ragged", "backward", {"grad_output": [[1, 2], [3]]},
     ["body", "grad_output"], "ragged"),
    ("grad_output rank 1", "backward", {"grad_output": [1, 2]}, ["body", "grad_output"],
     "2-D or 3-D"),
    ("grad_output string", "backward", {"grad_output": [[1, "a"], [1, 1]]},
     ["body", "grad_output", 0, 1], "number"),
    ("grad_output overflow", "backward", {"input": [[1e300] * 3] * 3,
                                          "grad_output": [[1e300] * 2] * 2},
     ["body", "grad_output"], "overflows"),
    ("symbolic not bool", "matrix", {"symbolic": "yes"}, ["body", "symbolic"], "boolean"),
    ("unknown field", "matrix", {"weight": [[1]]}, ["body", "weight"], "Extra inputs"),
    ("kernel too large", "matrix", {"kernel": [[1] * 4] * 4}, ["body", "kernel"],
     "padded input"),
    ("trace past end", "backward", {"trace": {"start": 4}}, ["body", "trace"], "outside the 4"),
    ("kernel trace past end", "backward", {"kernel_trace": {"start": 4}},
     ["body", "kernel_trace"], "outside the 4"),
    ("full trace past end", "backward", {"full_convolution_trace": {"start": 9}},
     ["body", "full_convolution_trace"], "outside the 9"),
    ("kernel trace bad", "backward", {"kernel_trace": "all"}, ["body", "kernel_trace"],
     "true, false"),
    ("groups not dividing", "backward", {"input": [[[1, 2], [3, 4]]] * 3,
                                         "kernel": [[[[1]]]] * 2, "groups": 2},
     ["body", "groups"], "does not divide"),
]


@pytest.mark.parametrize(("path", "change", "loc", "words"), [c[1:] for c in BAD],
                         ids=[c[0] for c in BAD])
def test_bad_input_is_422_naming_the_field(client: TestClient, path: str,
                                           change: dict[str, Any], loc: list[Any],
                                           words: str) -> None:
    response = client.post(f"/api/conv2d/{path}", json=DECK | change)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail[0]["loc"] == loc
    assert words in detail[0]["msg"]
    assert detail[0]["msg"].startswith(str(loc[1]))


@pytest.mark.parametrize("path", ["matrix", "backward"])
def test_matrix_over_the_entry_limit_is_413(client: TestClient, path: str) -> None:
    # 200 × 200 input, 6 × 6 kernel: 195² · 36 = 1,368,900 entries of C
    body = {"input": np.zeros((200, 200), dtype=int).tolist(), "kernel": np.ones((6, 6),
                                                                                 dtype=int).tolist()}
    response = client.post(f"/api/conv2d/{path}", json=body)
    assert response.status_code == 413
    assert response.json()["detail"][0]["loc"] == ["body", "input"]
    assert "max_matrix_entries" in response.json()["detail"][0]["msg"]


def test_symbolic_past_the_dense_limit_is_413(client: TestClient) -> None:
    response = client.post("/api/conv2d/matrix", json={
        "input": np.ones((20, 20)).tolist(), "kernel": [[1, 1, 1]] * 3, "symbolic": True})
    assert response.status_code == 413
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "symbolic"] and "max_dense_matrix_cells" in detail["msg"]


def test_openapi_documents_both_endpoints(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/conv2d/matrix", "/api/conv2d/backward"):
        assert {"200", "413", "422"} <= set(schema["paths"][path]["post"]["responses"])
    props = schema["components"]["schemas"]["BackwardRequest"]["properties"]
    for name in ("grad_output", "symbolic", "trace", "kernel_trace", "full_convolution_trace"):
        assert props[name].get("description"), name
    assert client.get("/api/limits").json()["max_dense_matrix_cells"] == \
        LIMITS.max_dense_matrix_cells
