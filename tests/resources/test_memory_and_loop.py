"""A worker's memory and event loop under requests built to take them (issue: "Bounded by
construction"), against a real uvicorn: the answer, its time, the worker's resident
memory (psutil, VmHWM) and /api/health's latency measured meanwhile."""

from __future__ import annotations

import threading
import time

import numpy as np
import orjson

from tests.resources.probes import health_meanwhile, peak_rss_mb, post, rss_mb, worker
from tests.server import Server, running_server

# README, "Limits": a worker stays under this however requests arrive; health's p99
# beside the worst allowed load stays under HEALTH_P99_S.
RSS_BOUND_MB = 1536
HEALTH_P99_S = 0.15


def _ints(rng: np.random.Generator, *shape: int) -> list[object]:
    return rng.integers(-9, 10, size=shape).tolist()  # type: ignore[no-any-return]


def test_a_body_of_bad_cells_gets_one_small_error_at_once(server: Server) -> None:
    # ~8 MB of "" cells: each used to make an error (74 s, 5.7 GB, a 330 MB answer).
    cells = (8 * 2**20 - 64) // 3
    body = b'{"input": [[' + b'"",' * (cells - 1) + b'""]], "kernel": [[1]]}'
    process = worker(server.process.pid)
    before = rss_mb(process)
    with health_meanwhile(server.port) as health:
        start = time.monotonic()
        status, headers, answer = post(server.port, "/api/conv2d", body)
        took = time.monotonic() - start
        time.sleep(0.2)
    assert status == 422 and len(answer) < 2048, answer[:300]
    detail = orjson.loads(answer)["detail"]
    assert detail[0]["loc"] == ["body", "input", 0, 0] and "number" in detail[0]["msg"]
    assert took < 5.0
    assert rss_mb(process) - before < 300
    assert health.failures == 0 and health.quantile(0.99) < 1.0
    assert "content-security-policy" in headers


def test_distinct_tall_geometries_and_trace_pages_leave_the_worker_bounded(
        server: Server) -> None:
    """Each tall geometry cached ~130 MB, each trace page ~60 MB, never released."""
    process = worker(server.process.pid)
    rng = np.random.default_rng(1)
    for k in range(20):  # 20 tall columns, each its own geometry
        body = orjson.dumps({"input": _ints(rng, 16_000 + k, 1), "kernel": _ints(rng, 400, 1),
                             "trace": {"start": 0, "limit": 16}})
        status, _, answer = post(server.port, "/api/conv2d", body)
        assert status == 200, answer[:300]
    x, w = _ints(rng, 263, 263), _ints(rng, 16, 16)
    for page in range(60):  # 60 distinct pages of 1,024 steps × 256 products
        body = orjson.dumps({"input": x, "kernel": w,
                             "trace": {"start": page * 1024, "limit": 1024}})
        status, _, answer = post(server.port, "/api/conv2d", body)
        assert status == 200 and orjson.loads(answer)["trace"]["start"] == page * 1024
    # The caches hold at most ~180 MB together (engine/cache.py budgets).
    assert rss_mb(process) < 700, rss_mb(process)


def test_heavy_requests_neither_starve_health_nor_stack_up_in_memory() -> None:
    with running_server() as server:  # its own worker: the peak below is this test's
        _heavy_requests_on(server)


def _heavy_requests_on(server: Server) -> None:
    rng = np.random.default_rng(2)
    # 1.1 M multiply-adds but a 36 MB trace: it used to run on the event loop.
    traced = orjson.dumps({"input": _ints(rng, 135, 135), "kernel": _ints(rng, 8, 8)})
    process = worker(server.process.pid)
    stop = threading.Event()
    statuses: list[int] = []

    def back_to_back() -> None:
        while not stop.is_set():
            statuses.append(post(server.port, "/api/conv2d", traced)[0])

    with health_meanwhile(server.port) as health:
        hammer = threading.Thread(target=back_to_back)
        hammer.start()
        time.sleep(4.0)
        stop.set()
        hammer.join()
    assert statuses and set(statuses) == {200}
    assert health.failures == 0 and len(health.seconds) > 50
    assert health.quantile(0.99) < HEALTH_P99_S, sorted(health.seconds)[-5:]

    # Eight at once: one is computed at a time (max_heavy_requests), the rest wait.
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(
        post(server.port, "/api/conv2d", traced)[0])) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 8
    assert peak_rss_mb(process) < 700  # eight at once used to reach ~2.4 GB here
    assert peak_rss_mb(process) < RSS_BOUND_MB


def test_more_heavy_requests_than_the_queue_holds_are_told_to_retry() -> None:
    env = {"CONVVIZ_MAX_QUEUED_REQUESTS": "1"}
    rng = np.random.default_rng(3)
    heavy = orjson.dumps({"input": _ints(rng, 16, 79, 79), "kernel": _ints(rng, 11, 16, 16, 16),
                          "trace": False})
    with running_server(env=env) as base:
        answers: list[tuple[int, dict[str, str], bytes]] = []
        go = threading.Barrier(6)

        def send() -> None:
            go.wait()
            answers.append(post(base.port, "/api/conv2d", heavy))

        threads = [threading.Thread(target=send) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(a[0] for a in answers)
        assert statuses.count(200) >= 2 and 503 in statuses, statuses
        busy = next(a for a in answers if a[0] == 503)
        assert busy[1]["retry-after"] == "2"
        assert "max_queued_requests" in orjson.loads(busy[2])["detail"][0]["msg"]
