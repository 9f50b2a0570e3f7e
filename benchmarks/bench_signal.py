"""Signals and volumes (issue 16), each as a ratio against torch in the same run.

1. conv1d of a 1,000,000-sample signal with a 31-tap kernel, output only, against
   torch.nn.functional.conv1d in float64 on one thread. Target: ratio ≤ 1.5.
2. conv3d of a 3 × 32 × 64 × 64 volume with 8 filters of 3 × 3 × 3, output only, against
   torch.nn.functional.conv3d the same way (no target: how the shared N-axis path fares).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from benchmarks._timing import median_seconds


def conv1d_vs_torch() -> tuple[float, float]:
    import torch
    import torch.nn.functional as F

    from engine.conv import run_conv2d
    from engine.signal import plan_conv1d

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=1_000_000), rng.normal(size=31)
    xt, wt = torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None]
    ours = run_conv2d(plan_conv1d(x, w)[0]).output[0, 0]
    assert np.allclose(ours, F.conv1d(xt, wt)[0, 0].numpy(), atol=1e-9)
    return (median_seconds(lambda: run_conv2d(plan_conv1d(x, w)[0]), repeat=9),
            median_seconds(lambda: F.conv1d(xt, wt), repeat=9))


def conv3d_vs_torch() -> tuple[float, float]:
    import torch
    import torch.nn.functional as F

    from engine.conv import conv3d

    torch.set_num_threads(1)
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(3, 32, 64, 64)), rng.normal(size=(8, 3, 3, 3, 3))
    xt, wt = torch.from_numpy(x)[None], torch.from_numpy(w)
    assert np.allclose(conv3d(x, w).output, F.conv3d(xt, wt)[0].numpy(), atol=1e-9)
    return (median_seconds(lambda: conv3d(x, w), repeat=7),
            median_seconds(lambda: F.conv3d(xt, wt), repeat=7))


def main() -> int:
    ours, theirs = conv1d_vs_torch()
    ratio = ours / theirs
    verdict = "met" if ratio <= 1.5 else "MISSED"
    print(f"conv1d, 1,000,000 samples × 31 taps: ours {ours * 1e3:.1f} ms, torch "
          f"{theirs * 1e3:.1f} ms, ratio {ratio:.2f} (target ≤ 1.5: {verdict})")
    ours, theirs = conv3d_vs_torch()
    print(f"conv3d, 3 × 32 × 64 × 64 by 8 × 3 × 3³: ours {ours * 1e3:.1f} ms, torch "
          f"{theirs * 1e3:.1f} ms, ratio {ours / theirs:.2f}")
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    raise SystemExit(main())
