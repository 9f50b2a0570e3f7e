"""Matrix-view benchmarks (issue 5), each as a ratio against a baseline in the same run.

On one real uvicorn server, sequential keep-alive requests, a 64×64 input with a 3×3
kernel (C is 3,844 × 4,096, past the dense limit, so it travels as a coordinate list):

1. POST /api/conv2d/matrix against POST /api/conv2d, both without a trace:
   median time and response size.
2. POST /api/conv2d/backward (all three traces off) against POST /api/conv2d.
3. The same three with their default traces (the first page of each).
"""

from __future__ import annotations

import http.client
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import orjson

from benchmarks._timing import median_seconds, uvicorn_server

SIDE = 64


def measure(conn: http.client.HTTPConnection, path: str, body: bytes) -> tuple[float, int]:
    size = 0

    def call() -> None:
        nonlocal size
        conn.request("POST", path, body, {"content-type": "application/json"})
        response = conn.getresponse()
        payload = response.read()
        assert response.status == 200, payload[:300]
        size = len(payload)

    return median_seconds(call, repeat=60, warmup=5), size


def main() -> None:
    rng = np.random.default_rng(0)
    params = {"input": rng.integers(-9, 10, size=(SIDE, SIDE)).tolist(),
              "kernel": [[1, 2, 1], [0, 1, 0], [-1, -2, -1]]}
    off = {"trace": False}
    backward_off = off | {"kernel_trace": False, "full_convolution_trace": False}
    runs = [("forward  /api/conv2d", "/api/conv2d", params | off),
            ("matrix   /api/conv2d/matrix", "/api/conv2d/matrix", params | off),
            ("backward /api/conv2d/backward", "/api/conv2d/backward", params | backward_off),
            ("forward  /api/conv2d, trace", "/api/conv2d", params),
            ("matrix   /api/conv2d/matrix, trace", "/api/conv2d/matrix", params),
            ("backward /api/conv2d/backward, traces", "/api/conv2d/backward", params)]
    with uvicorn_server() as base:
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port)
        results = [(name, *measure(conn, path, orjson.dumps(body)))
                   for name, path, body in runs]
        conn.close()
    print(f"{SIDE}×{SIDE} input, 3×3 kernel; medians of 60 sequential requests "
          f"(response sizes uncompressed)")
    for i, (name, seconds, size) in enumerate(results):
        base_t, base_size = results[0 if i < 3 else 3][1:]
        print(f"{name:40s} {seconds * 1e3:8.2f} ms  {size / 1e6:7.3f} MB   "
              f"time ×{seconds / base_t:5.2f}  size ×{size / base_size:6.2f}")


if __name__ == "__main__":
    main()
