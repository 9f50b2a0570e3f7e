"""Every bad input of POST /api/conv2d and /api/shape: one error shape naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.limits import LIMITS

GOOD: dict[str, Any] = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": [[1, 0], [0, 1]]}

BAD_CONV: list[tuple[str, dict[str, Any], list[Any], str]] = [
    ("ragged input", {"input": [[1, 2], [3]]}, ["body", "input"], "ragged"),
    ("ragged kernel", {"kernel": [[1, 2], [3]]}, ["body", "kernel"], "ragged"),
    ("empty input", {"input": []}, ["body", "input"], "2-D or 3-D"),
    ("empty rows", {"input": [[], []]}, ["body", "input"], "empty"),
    ("string cell", {"input": [[1, "x"], [3, 4]]}, ["body", "input", 0, 1], "number"),
    ("bool cell", {"input": [[1, True], [3, 4]]}, ["body", "input", 0, 1], "number"),
    ("null cell", {"input": [[1, None], [3, 4]]}, ["body", "input", 0, 1], "number"),
    ("input rank 1", {"input": [1, 2, 3]}, ["body", "input"], "2-D or 3-D"),
    ("input rank 4", {"input": [[[[1]]]]}, ["body", "input"], "2-D or 3-D"),
    ("input not a list", {"input": "1 2; 3 4"}, ["body", "input"], "2-D or 3-D"),
    ("kernel too large", {"kernel": [[1] * 4] * 4}, ["body", "kernel"], "padded input"),
    ("dilated kernel too large", {"kernel": [[1, 1], [1, 1]], "dilation": 3},
     ["body", "kernel"], "spans 4"),
    ("zero stride", {"stride": 0}, ["body", "stride"], "greater than or equal to 1"),
    ("negative stride pair", {"stride": [1, -2]}, ["body", "stride", 1], "stride (width): "),
    ("stride of three", {"stride": [1, 1, 1]}, ["body", "stride"], "at most 2"),
    ("float stride", {"stride": 1.5}, ["body", "stride"], "integer"),
    ("bool stride", {"stride": True}, ["body", "stride"], "integer or [height, width]"),
    ("zero dilation", {"dilation": 0}, ["body", "dilation"], "greater than or equal to 1"),
    ("negative padding", {"padding": -1}, ["body", "padding"], "greater than or equal to 0"),
    ("unknown padding word", {"padding": "half"}, ["body", "padding"], "'same'"),
    ("same with stride", {"padding": "same", "stride": 2}, ["body", "padding"], "stride 1"),
    ("bias wrong length", {"bias": [1, 2]}, ["body", "bias"], "one per output channel"),
    ("bias string", {"bias": "1"}, ["body", "bias"], "number"),
    ("groups not dividing", {"input": [[[1, 2], [3, 4]]] * 3, "kernel": [[[[1]]]] * 2,
                             "groups": 2}, ["body", "groups"], "does not divide"),
    ("zero groups", {"groups": 0}, ["body", "groups"], "greater than or equal to 1"),
    ("kernel channels mismatch", {"input": [[[1, 2], [3, 4]]] * 2, "kernel": [[[[1]]] * 3]},
     ["body", "kernel"], "needs 2"),
    ("2-D kernel on 3 channels", {"input": [[[1, 2], [3, 4]]] * 3, "kernel": [[1]]},
     ["body", "kernel"], "needs 3"),
    ("unknown field", {"weights": [[1]]}, ["body", "weights"], "Extra inputs"),
    ("unknown padding mode", {"padding_mode": "mirror"}, ["body", "padding_mode"], "zeros"),
    ("reflect padding too big", {"padding": 3, "padding_mode": "reflect"},
     ["body", "padding"], "smaller than the input"),
    ("circular padding too big", {"padding": 4, "padding_mode": "circular"},
     ["body", "padding"], "at most the input"),
    ("flip_kernel not bool", {"flip_kernel": "yes"}, ["body", "flip_kernel"], "boolean"),
    ("trace start past end", {"trace": {"start": 99}}, ["body", "trace"], "outside the 4"),
    ("trace limit zero", {"trace": {"limit": 0}}, ["body", "trace", "limit"], "greater"),
    ("trace unknown key", {"trace": {"page": 1}}, ["body", "trace", "page"], "Extra"),
    ("padding over limit", {"padding": LIMITS.max_padding + 1}, ["body", "padding"],
     "less than or equal"),
]


@pytest.mark.parametrize(("change", "loc", "words"),
                         [case[1:] for case in BAD_CONV], ids=[case[0] for case in BAD_CONV])
def test_bad_conv2d_input_is_422_naming_the_field(client: TestClient, change: dict[str, Any],
                                                  loc: list[Any], words: str) -> None:
    response = client.post("/api/conv2d", json=GOOD | change)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail[0]["loc"] == loc
    assert words in detail[0]["msg"]
    assert set(detail[0]) == {"loc", "msg", "type"}
    assert detail[0]["msg"].startswith(str(loc[1]))


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(client: TestClient, token: str) -> None:
    body = '{"input": [[1, ' + token + ']], "kernel": [[1]]}'
    response = client.post("/api/conv2d", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "input", 0, 1]
    assert "finite" in response.json()["detail"][0]["msg"]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/api/conv2d", content=b'{"input": [[1, 2]',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"][0]["msg"]


def test_missing_fields_are_named(client: TestClient) -> None:
    response = client.post("/api/conv2d", json={"kernel": [[1]]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "input"]


def test_body_over_limit_is_413_naming_it(client: TestClient) -> None:
    blob = b'{"input": [[' + b"1," * (LIMITS.max_body_bytes // 2) + b'1]], "kernel": [[1]]}'
    response = client.post("/api/conv2d", content=blob,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "max_body_bytes" in response.json()["detail"][0]["msg"]


def test_work_over_limit_is_413_naming_it(client: TestClient) -> None:
    # 1 × 700 input, 1 × 600 kernel, 8 filters: small body, but padding makes the work big.
    body = {"input": [[1] * 700], "kernel": [[[[1] * 600]]] * 256, "padding": [0, 1000]}
    response = client.post("/api/conv2d", json=body)
    assert response.status_code == 413
    msg = response.json()["detail"][0]["msg"]
    assert "limit" in msg and "max_" in msg


def test_server_still_answers_after_bad_requests(client: TestClient) -> None:
    for case in BAD_CONV:
        client.post("/api/conv2d", json=GOOD | case[1])
    response = client.post("/api/conv2d", json=GOOD | {"trace": False})
    assert response.json()["output"] == [[1 + 5, 2 + 6], [4 + 8, 5 + 9]]


BAD_SHAPE: list[tuple[dict[str, Any], list[Any], str]] = [
    ({"op": "conv4d", "input_size": 5, "kernel_size": 3}, ["body", "op"], "conv2d"),
    ({"op": "conv2d", "input_size": 0, "kernel_size": 3}, ["body", "input_size"], "greater"),
    ({"op": "conv2d", "input_size": 2, "kernel_size": 3}, ["body", "kernel_size"], "padded input"),
    ({"op": "conv_transpose2d", "input_size": 3, "kernel_size": 3, "stride": 2,
      "output_padding": 2}, ["body", "output_padding"], "smaller than the stride"),
    ({"op": "conv_transpose2d", "input_size": 3, "kernel_size": 3, "padding": "same"},
     ["body", "padding"], "conv2d only"),
    ({"op": "pool2d", "input_size": 5, "kernel_size": 2, "padding": 2},
     ["body", "padding"], "half the kernel"),
    ({"op": "conv2d", "kernel_size": 3}, ["body", "input_size"], "Field required"),
]


@pytest.mark.parametrize(("body", "loc", "words"), BAD_SHAPE)
def test_bad_shape_input_is_422(client: TestClient, body: dict[str, Any], loc: list[Any],
                                words: str) -> None:
    response = client.post("/api/shape", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc
    assert words in response.json()["detail"][0]["msg"]


def test_overflowing_values_are_422_not_null(client: TestClient) -> None:
    response = client.post("/api/conv2d", json={"input": [[1e300, 1e300]],
                                                "kernel": [[1e300, 1]]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "input"]
    assert "overflows" in response.json()["detail"][0]["msg"]


def test_body_that_is_not_text_is_422(client: TestClient) -> None:
    response = client.post("/api/conv2d", content=b"\xff\xfe\x00garbage",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert "not valid JSON" in response.json()["detail"][0]["msg"]


def test_unknown_path_and_method_share_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/nope")
    assert missing.status_code == 404
    assert missing.json() == {"detail": [{"loc": [], "msg": "Not Found", "type": "http_404"}]}
    wrong = client.get("/api/conv2d")
    assert wrong.status_code == 405
    assert wrong.json()["detail"][0]["type"] == "http_405"
