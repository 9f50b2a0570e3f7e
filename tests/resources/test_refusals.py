"""Every operation checks its planned sizes before it allocates: for each endpoint, a
request just past a limit is refused (413, naming the limit) having allocated nothing
big. tracemalloc sees NumPy's buffers as well as Python's objects."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app

SMALL = [[1] * 64 for _ in range(64)]
BIG = [[1] * 256 for _ in range(256)]
# What parsing a 64×64 or 256×256 body and answering its refusal may take; the refused
# requests below would each have allocated from 100 MB to 32 GB.
BUDGET_MB = 24

REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("/api/conv2d", {"input": SMALL, "kernel": [[1]], "padding": 1024}, "max_padded_cells"),
    ("/api/conv2d", {"input": BIG, "kernel": [[1] * 128] * 128}, "max_multiply_adds"),
    ("/api/conv_transpose2d", {"input": SMALL, "kernel": [[1]], "stride": 1024},
     "max_output_cells"),
    ("/api/pool2d", {"input": BIG, "kernel_size": 128, "stride": 1}, "max_multiply_adds"),
    ("/api/pool2d/backward", {"input": BIG, "kernel_size": 128, "stride": 1},
     "max_multiply_adds"),
    ("/api/max_unpool2d", {"input": SMALL, "indices": [[0] * 64] * 64, "kernel_size": 1024,
                           "stride": 1024}, "max_output_cells"),
    ("/api/conv2d/matrix", {"input": BIG, "kernel": [[1] * 5] * 5}, "max_matrix_entries"),
    ("/api/conv2d/backward", {"input": BIG, "kernel": [[1] * 5] * 5}, "max_matrix_entries"),
    ("/api/figure", {"view": "conv2d", "request": {"input": BIG, "kernel": [[1]]}},
     "max_figure_cells"),
    ("/api/figure", {"view": "conv2d", "format": "gif", "request": {
        "input": [[1] * 100] * 100, "kernel": [[1]], "stride": 8}}, "max_figure_frames"),
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


@pytest.mark.parametrize("path, body, limit", REFUSED,
                         ids=[f"{p} {lim}" for p, _, lim in REFUSED])
def test_refused_before_anything_big_is_allocated(client: TestClient, path: str,
                                                   body: dict[str, Any], limit: str) -> None:
    client.post(path, json=body)  # warm: imports, caches and the first-call machinery
    tracemalloc.start()
    try:
        response = client.post(path, json=body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413, response.text[:300]
    assert limit in response.json()["detail"][0]["msg"]
    assert peak / 2**20 < BUDGET_MB, f"{path} allocated {peak / 2**20:.0f} MB before refusing"
