"""The largest requests the limits allow: time per request and the server's peak memory.

On one real uvicorn worker, each case (built just under the limit that bounds
it) is sent ``REPEAT`` times in a row; its median and slowest times are printed
as ratios to GET /api/health on the same server in the same run. Then the
server's peak RSS (VmHWM) is printed against its RSS when idle and against
the documented bound (README, "Production": ``PEAK_RSS_BOUND_MB``).

Run: ``.venv/bin/python benchmarks/bench_limits.py``
"""

from __future__ import annotations

import http.client
import os
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import orjson

from tests.server import running_server

REPEAT = 3
TIME_BOUND_S = 2.0  # the slowest allowed request, on one core of this machine
PEAK_RSS_BOUND_MB = 1536  # per uvicorn worker, serving the largest requests in a loop


def cases() -> Iterator[tuple[str, str, str, Any]]:
    """(name, method, path, body): each just under the limit that bounds it."""
    rng = np.random.default_rng(0)

    def ints(*shape: int) -> Any:
        return rng.integers(-9, 10, size=shape).tolist()

    yield ("conv2d: 184 M multiply-adds, 16.7 M im2col cells", "POST", "/api/conv2d",
           {"input": ints(16, 79, 79), "kernel": ints(11, 16, 16, 16)})
    yield ("conv2d: full trace page, 937 k products", "POST", "/api/conv2d",
           {"input": ints(128, 128), "kernel": ints(8, 8)})
    yield ("conv2d: 1024×1024 input (max_input_cells)", "POST", "/api/conv2d",
           {"input": ints(1024, 1024), "kernel": [[1]]})
    yield ("conv2d: 6.8 MB body of floats", "POST", "/api/conv2d",
           {"input": np.round(rng.normal(size=(900, 900)), 4).tolist(),
            "kernel": ints(3, 3), "padding": 1})
    yield ("conv_transpose2d: 512×512, 3 × 13×13 filters", "POST", "/api/conv_transpose2d",
           {"input": ints(512, 512), "kernel": [ints(3, 13, 13)]})
    # Zero insertion: the equivalent direct convolution of this one, and ΔX's full
    # convolution below, are stride² times the work of the request itself.
    yield ("conv_transpose2d: 60×60 by 64×64 at stride 16", "POST", "/api/conv_transpose2d",
           {"input": ints(60, 60), "kernel": ints(64, 64), "stride": 16})
    yield ("conv2d/backward: 1024×1024 by 32×32 at stride 32", "POST", "/api/conv2d/backward",
           {"input": ints(1024, 1024), "kernel": ints(32, 32), "stride": 32})
    yield ("pool2d max: 16.7 M window values", "POST", "/api/pool2d",
           {"input": ints(1024, 1024), "kernel_size": 4, "stride": 1})
    yield ("pool2d/backward avg: 15.6 M window values", "POST", "/api/pool2d/backward",
           {"input": ints(316, 316), "kernel_size": 13, "stride": 1, "mode": "avg"})
    yield ("max_unpool2d: 512×512 → 1024×1024", "POST", "/api/max_unpool2d",
           {"input": ints(512, 512), "kernel_size": 2,
            "indices": (np.arange(512 * 512).reshape(512, 512) * 4 % (1024 * 1024)).tolist()})
    yield ("conv2d/matrix: 937 k entries of C", "POST", "/api/conv2d/matrix",
           {"input": ints(128, 128), "kernel": ints(8, 8)})
    yield ("conv2d/backward: 128×128, 8×8 kernel", "POST", "/api/conv2d/backward",
           {"input": ints(128, 128), "kernel": ints(8, 8)})
    yield ("figure: png at scale 4 of 23,900 numbers (max_figure_cells)", "POST",
           "/api/figure", {"view": "conv2d", "format": "png", "scale": 4, "request": {
               "input": ints(138, 138), "kernel": [[1]], "stride": 2}})
    yield ("figure: gif of 36 frames (max_figure_pixels)", "POST", "/api/figure",
           {"view": "conv2d", "format": "gif", "request": {"input": ints(8, 8),
                                                          "kernel": ints(3, 3)}})
    yield ("exercises: 200 of difficulty 3", "POST", "/api/exercises",
           {"difficulty": 3, "seed": 1, "count": 200})
    yield ("exercises/export: 200 as Moodle XML", "GET",
           "/api/exercises/export?format=moodle&count=200&difficulty=3&answers=true", None)


def vm_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def timed(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None
          ) -> tuple[float, int, int]:
    start = time.perf_counter()
    conn.request(method, path, body, {"content-type": "application/json"} if body else {})
    response = conn.getresponse()
    data = response.read()
    return time.perf_counter() - start, response.status, len(data)


STARVE_SECONDS = 5.0


def health_under_load(port: int, heavy: tuple[str, str, bytes | None]) -> list[float]:
    """Latencies of GET /api/health while ``heavy`` is sent again and again meanwhile."""
    stop = threading.Event()

    def hammer() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while not stop.is_set():
            timed(conn, *heavy)
        conn.close()

    worker = threading.Thread(target=hammer)
    worker.start()
    time.sleep(0.5)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies = []
    deadline = time.perf_counter() + STARVE_SECONDS
    while time.perf_counter() < deadline:
        latencies.append(timed(conn, "GET", "/api/health", None)[0])
    conn.close()
    stop.set()
    worker.join()
    return latencies


CLIENTS = 8
MIXED_SECONDS = 12.0


def worst_allowed_load(port: int, requests: list[tuple[str, str, bytes | None]]
                       ) -> tuple[list[float], dict[int, int]]:
    """``CLIENTS`` connections each sending the largest allowed requests in turn, back to
    back, while GET /api/health is timed on another: its latencies, and the statuses."""
    stop = threading.Event()
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        k = offset
        while not stop.is_set():
            _, status, _ = timed(conn, *requests[k % len(requests)])
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            k += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies = []
    deadline = time.perf_counter() + MIXED_SECONDS
    while time.perf_counter() < deadline:
        latencies.append(timed(conn, "GET", "/api/health", None)[0])
        time.sleep(0.01)
    conn.close()
    stop.set()
    for thread in threads:
        thread.join()
    return latencies, statuses


def main() -> None:
    with running_server(extra_args=["--no-access-log"]) as base:
        pid = base.process.pid
        conn = http.client.HTTPConnection("127.0.0.1", base.port, timeout=120)
        health = statistics.median(timed(conn, "GET", "/api/health", None)[0]
                                   for _ in range(200))
        idle_mb = vm_kb(pid, "VmRSS") / 1024
        print(f"largest allowed requests, {REPEAT} each on one worker; GET /api/health "
              f"median {health * 1e6:.0f} µs is the baseline")
        print(f"{'case':52} {'median s':>9} {'max s':>7} {'× health':>10} {'response':>9}")
        slowest = 0.0
        heaviest: tuple[str, str, bytes | None] = ("GET", "/api/health", None)
        allowed: list[tuple[str, str, bytes | None]] = []
        for name, method, path, payload in cases():
            body = orjson.dumps(payload) if payload is not None else None
            allowed.append((method, path, body))
            runs = [timed(conn, method, path, body) for _ in range(REPEAT)]
            statuses = {status for _, status, _ in runs}
            if statuses != {200}:
                print(f"{name:52} refused or failed: {sorted(statuses)} (a limit changed?)")
                continue
            times = [t for t, _, _ in runs]
            median = statistics.median(times)
            if median > slowest:
                slowest, heaviest = median, (method, path, body)
            print(f"{name:52} {median:9.3f} {max(times):7.3f} "
                  f"{median / health:9.0f}× {runs[0][2] / 1e6:7.1f} MB")
        peak_mb = vm_kb(pid, "VmHWM") / 1024
        conn.close()
        starved = health_under_load(base.port, heaviest)
        mixed, statuses = worst_allowed_load(base.port, allowed)
        mixed_peak_mb = vm_kb(pid, "VmHWM") / 1024
    p50, p99 = statistics.median(starved), sorted(starved)[int(0.99 * len(starved))]
    print(f"GET /api/health while the slowest case runs back to back on another connection: "
          f"p50 {p50 * 1e3:.1f} ms ({p50 / health:.0f}× idle), p99 {p99 * 1e3:.1f} ms; "
          f"{len(starved)} answered in {STARVE_SECONDS:g} s (nothing starves)")
    m50, m99 = statistics.median(mixed), sorted(mixed)[int(0.99 * len(mixed))]
    print(f"worst allowed load: {CLIENTS} clients sending every case above in turn for "
          f"{MIXED_SECONDS:g} s ({sum(statuses.values())} requests, statuses "
          f"{dict(sorted(statuses.items()))}): GET /api/health p50 {m50 * 1e3:.1f} ms, "
          f"p99 {m99 * 1e3:.1f} ms; peak RSS {mixed_peak_mb:.0f} MB, ratio to the bound of "
          f"{PEAK_RSS_BOUND_MB} MB: {mixed_peak_mb / PEAK_RSS_BOUND_MB:.2f} (target ≤ 1)")
    print(f"slowest allowed request (median of {REPEAT}): {slowest:.2f} s, ratio to the bound of "
          f"{TIME_BOUND_S:g} s: {slowest / TIME_BOUND_S:.2f} (target ≤ 1)")
    print(f"server peak RSS {peak_mb:.0f} MB, idle {idle_mb:.0f} MB (ratio "
          f"{peak_mb / idle_mb:.1f}); ratio to the bound of {PEAK_RSS_BOUND_MB} MB: "
          f"{peak_mb / PEAK_RSS_BOUND_MB:.2f} (target ≤ 1)")


if __name__ == "__main__":
    main()
