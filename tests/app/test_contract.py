"""What the schema promises is what the server takes, and what it answers is JSON's:
whole numbers written 150.0, the exercise id pattern, overflow as a 422, never a null
where the schema says number, and no cell-by-cell error flood."""

from __future__ import annotations

import re
import time

import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from app import main
from engine.exercises.ids import ExerciseIdError, parse_id


def _no_nulls(value: object, where: str = "") -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in ("next_start", "indices", "winner", "sum", "divisor", "dense",
                         "symbolic", "target", "w_conv", "names"):
                _no_nulls(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _no_nulls(v, f"{where}[{i}]")
    else:
        assert value is not None, f"null at {where}"


OVERFLOWS = [
    ("/api/conv2d", {"input": [[1e308, 1e308, -1e308]], "kernel": [[1, 1, 1]],
                     "trace": {"start": 0, "limit": 1}}),
    ("/api/conv2d/matrix", {"input": [[1e308, 1e308, -1e308]], "kernel": [[1, 1, 1]]}),
    ("/api/pool2d/backward", {"input": [[1, 2, 3], [3, 4, 5], [1, 1, 1]], "kernel_size": 2,
                              "stride": 1, "grad_output": [[1e308, 1e308], [1e308, 1e308]]}),
    ("/api/conv2d/backward", {"input": [[1e308, 1e308], [1e308, 1e308]], "kernel": [[1]],
                              "grad_output": [[1e308, 1e308], [1e308, 1e308]]}),
]


@pytest.mark.parametrize("path, body", OVERFLOWS, ids=[p for p, _ in OVERFLOWS])
def test_an_overflow_is_a_422_that_names_it(client: TestClient, path: str,
                                            body: dict[str, object]) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text[:300]
    assert "overflows float64" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("path, body", [
    ("/api/conv2d", {"input": [[1e308, -1e308, 1e308]], "kernel": [[1, 1, 1]]}),
    ("/api/conv2d/matrix", {"input": [[1e308, -1e308, 1e308, -1e308]], "kernel": [[1, 1]]}),
    ("/api/pool2d/backward", {"input": [[1, 2], [3, 4]], "kernel_size": 2, "mode": "avg",
                              "grad_output": [[1e308]]}),
])
def test_large_values_that_stay_finite_answer_without_a_null(client: TestClient, path: str,
                                                            body: dict[str, object]) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text[:300]
    _no_nulls(orjson.loads(response.content))


def test_whole_numbers_may_be_written_with_a_zero_fraction(client: TestClient) -> None:
    ok = client.post("/api/exercises", json={"type": "conv-size", "count": 150.0,
                                             "seed": 7.0, "difficulty": 2.0})
    assert ok.status_code == 200 and ok.json()["count"] == 150
    conv = client.post("/api/conv2d", json={"input": [[1, 2], [3, 4]], "kernel": [[1]],
                                            "stride": 2.0, "padding": [1.0, 0.0],
                                            "trace": {"start": 0.0, "limit": 2.0}})
    assert conv.status_code == 200 and conv.json()["stride"] == [2, 2]
    for bad in (150.5, "150", True):
        refused = client.post("/api/exercises", json={"count": bad})
        assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == [
            "body", "count"]


def test_the_published_id_pattern_is_the_one_the_server_parses(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    parameter = schema["paths"]["/api/exercises/{exercise_id}"]["get"]["parameters"][0]
    pattern = re.compile(parameter["schema"]["pattern"])
    samples = ["conv-output.2.12345.v1", "0.0.0.v000", "conv-output.02.1.v1",
               "conv-output.2.01.v1", "conv-output.2.1.v01", "conv-output.4.1.v1",
               "conv-output.1.4294967295.v1", "conv-output.1.4294967296.v1",
               "conv-output.1.0.v0", "-a.1.1.v1", "x.1.1.v7"]
    for sample in samples:
        _agree(pattern, sample)


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[a-z0-9-]{1,6}\.[0-9]{1,3}\.[0-9]{1,11}\.v[0-9]{1,3}", fullmatch=True))
def test_pattern_and_parser_agree_on_random_ids(text: str) -> None:
    from engine.exercises.ids import ID_PATTERN

    _agree(re.compile(ID_PATTERN), text)


def _agree(pattern: re.Pattern[str], text: str) -> None:
    try:
        parse_id(text)
        parsed = True
    except ExerciseIdError:
        parsed = False
    assert bool(pattern.search(text)) is parsed, text


def test_a_flood_of_bad_cells_costs_one_error_per_field(client: TestClient) -> None:
    cells = b'"x",' * 500_000
    body = b'{"input": [[' + cells + b'1]], "kernel": [[' + cells + b'1]], "bias": [' + (
        cells + b"1]}")
    start = time.perf_counter()
    response = client.post("/api/conv2d", content=body,
                           headers={"content-type": "application/json"})
    took = time.perf_counter() - start
    detail = response.json()["detail"]
    assert response.status_code == 422 and len(detail) == 3
    assert [d["loc"][:2] for d in detail] == [["body", "input"], ["body", "kernel"],
                                               ["body", "bias"]]
    assert len(response.content) < 2048 and took < 5


def test_vendor_files_are_compressed_at_start_up_not_in_a_request() -> None:
    with TestClient(main.create_app()):
        deadline = time.monotonic() + 30
        while "plotly.min.js" not in main._GZIPPED and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "plotly.min.js" in main._GZIPPED  # before any request asked for it
