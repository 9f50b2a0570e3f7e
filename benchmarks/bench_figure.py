"""POST /api/figure against the request it draws: the stride-3 example's step 1 in every
format, and the whole animation as a GIF, each as a ratio to POST /api/conv2d of the same
body in the same run (the figure computes the view, then draws it).

Target: a slide's figure (SVG, PNG, TikZ) within 100× the view's own request, so the
Export menu answers while the lecturer is still looking at the step.

    .venv/bin/python benchmarks/bench_figure.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient

from app.main import create_app
from benchmarks._timing import median_seconds

STRIDE3 = {"input": [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4],
                     [5, 6, 0, 7, 1, 4], [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]],
           "kernel": [[1, 2, 2], [2, 1, 2], [2, 2, 1]], "stride": 3}  # deck 001: h11 = 52
TARGET = 100.0


def main() -> None:
    client = TestClient(create_app())

    def post(path: str, body: dict[str, object]) -> None:
        response = client.post(path, json=body)
        assert response.status_code == 200, response.text

    base = median_seconds(lambda: post("/api/conv2d", STRIDE3), repeat=30)
    print(f"POST /api/conv2d (baseline): {base * 1e3:.2f} ms")
    worst = 0.0
    for fmt in ("svg", "png", "tikz", "gif"):
        body = {"view": "conv2d", "request": STRIDE3, "step": 0, "format": fmt}
        seconds = median_seconds(lambda body=body: post("/api/figure", body), repeat=10)
        ratio = seconds / base
        if fmt != "gif":
            worst = max(worst, ratio)
        print(f"figure {fmt:<4} {seconds * 1e3:7.1f} ms  ratio {ratio:6.1f}"
              + ("  (every step: 4 frames)" if fmt == "gif" else ""))
    verdict = "met" if worst <= TARGET else "MISSED"
    print(f"slowest slide format ratio {worst:.1f} (target ≤ {TARGET:.0f}: {verdict})")


if __name__ == "__main__":
    main()
