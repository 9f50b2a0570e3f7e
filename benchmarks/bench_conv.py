"""Foundation benchmarks (issue 2), each as a ratio against a baseline in the same run.

1. The engine's output path against torch.nn.functional.conv2d (float64, 1 thread):
   512×512 input, 3 channels, 8 filters, 3×3 kernel. Target: ratio ≤ 1.
2. POST /api/conv2d with an 8×8 input and the full trace against GET /api/health on
   the same real uvicorn server, sequential keep-alive requests. Target: ratio ≤ 3.
3. Building and serializing the full trace of a 128×128 input against orjson.dumps of
   the very same payload. Target: ratio ≤ 4.
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


def engine_vs_torch() -> tuple[float, float]:
    import torch
    import torch.nn.functional as F

    from engine import conv2d

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 512, 512))
    w = rng.normal(size=(8, 3, 3, 3))
    xt, wt = torch.from_numpy(x)[None], torch.from_numpy(w)
    ours = median_seconds(lambda: conv2d(x, w), repeat=15)
    theirs = median_seconds(lambda: F.conv2d(xt, wt), repeat=15)
    return ours, theirs


def api_vs_trivial(base: str) -> tuple[float, float]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port)
    body = orjson.dumps({"input": np.arange(64).reshape(8, 8).tolist(),
                         "kernel": [[1, 2, 1], [0, 1, 0], [-1, -2, -1]], "padding": 1})

    def traced() -> None:
        conn.request("POST", "/api/conv2d", body, {"content-type": "application/json"})
        response = conn.getresponse()
        assert response.status == 200 and b'"steps"' in response.read()

    def trivial() -> None:
        conn.request("GET", "/api/health")
        response = conn.getresponse()
        assert response.status == 200
        response.read()

    t_conv = median_seconds(traced, repeat=400, warmup=50)
    t_health = median_seconds(trivial, repeat=400, warmup=50)
    conn.close()
    return t_conv, t_health


def trace_vs_orjson() -> tuple[float, float, int]:
    from app.routers.api import _conv2d_body
    from app.schemas.common import TracePage
    from engine import plan_conv2d

    rng = np.random.default_rng(1)
    plan = plan_conv2d(rng.integers(-9, 10, size=(128, 128)).tolist(),
                       [[1, 2, 1], [0, 1, 0], [-1, -2, -1]])
    page = TracePage(start=0, limit=16_384)
    payload = orjson.loads(_conv2d_body(plan, page))
    assert payload["trace"]["next_start"] is None, "the page must hold the full trace"
    ours = median_seconds(lambda: _conv2d_body(plan, page), repeat=15)
    theirs = median_seconds(lambda: orjson.dumps(payload), repeat=15)
    return ours, theirs, len(orjson.dumps(payload))


def main() -> None:
    ours, torch_t = engine_vs_torch()
    print(f"conv2d output path 512×512×3 → 8, 3×3: engine {ours * 1e3:.1f} ms, "
          f"torch (1 thread) {torch_t * 1e3:.1f} ms, ratio {ours / torch_t:.2f} (target ≤ 1)")
    with uvicorn_server() as base:
        t_conv, t_health = api_vs_trivial(base)
    print(f"POST /api/conv2d 8×8 traced: median {t_conv * 1e6:.0f} µs, GET /api/health "
          f"{t_health * 1e6:.0f} µs, ratio {t_conv / t_health:.2f} (target ≤ 3)")
    ours, theirs, size = trace_vs_orjson()
    print(f"full trace of 128×128 ({size / 1e6:.1f} MB JSON): engine + serialization "
          f"{ours * 1e3:.1f} ms, orjson alone {theirs * 1e3:.1f} ms, ratio {ours / theirs:.2f} "
          f"(target ≤ 4)")


if __name__ == "__main__":
    main()
