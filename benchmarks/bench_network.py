"""The ResNet-50 table (POST /api/network) against the same table computed as torchinfo
and fvcore compute theirs: a forward pass of a 224×224 image through torch.nn modules
with hooks on every leaf module (shapes, parameters, conv and linear multiply-adds).

Targets: our table at least 20× faster than the hooked forward pass, and a request to a
real uvicorn under 20 ms (median), with GET /api/health on the same server as the
baseline of the request figures.

    .venv/bin/python benchmarks/bench_network.py
"""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
import torch

from benchmarks._timing import median_seconds, uvicorn_server
from engine.network import analyze
from engine.network.presets import PRESETS
from tests.engine.network_reference import REFERENCES


def main() -> None:
    torch.set_num_threads(1)
    preset = PRESETS["resnet50"]
    model = REFERENCES["resnet50"]().float().eval()

    def hooked() -> None:
        # What torchinfo and fvcore do: hooks on every leaf module record its output shape
        # and count its multiply-adds, during a float32 forward pass of one 224×224 image.
        rows: list[tuple[str, tuple[int, ...], int]] = []

        def hook(mod: torch.nn.Module, inputs: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
            macs = 0
            if isinstance(mod, torch.nn.Conv2d):
                macs = out[0].numel() * mod.in_channels // mod.groups * \
                    mod.kernel_size[0] * mod.kernel_size[1]
            elif isinstance(mod, torch.nn.Linear):
                macs = mod.in_features * mod.out_features
            rows.append((type(mod).__name__, tuple(out.shape), macs))

        handles = [m.register_forward_hook(hook) for m in model.modules()
                   if not list(m.children())]
        with torch.no_grad():
            model(torch.zeros((1, 3, 224, 224)))
        for h in handles:
            h.remove()
        sum(p.numel() for p in model.parameters())

    ours = median_seconds(lambda: analyze(preset["input_shape"], preset["layers"]), repeat=30)
    torch_s = median_seconds(hooked, repeat=5, warmup=1)
    print(f"ResNet-50 table: engine {ours * 1e3:.2f} ms, hooked forward pass (torchinfo/fvcore "
          f"style) {torch_s * 1e3:.1f} ms: ratio {torch_s / ours:.0f}× faster "
          f"(target ≥ 20×: {'ok' if torch_s / ours >= 20 else 'MISSED'})")
    with uvicorn_server() as base:
        body = orjson.dumps({"preset": "resnet50"})

        def post() -> None:
            req = urllib.request.Request(base + "/api/network", data=body,
                                         headers={"content-type": "application/json"})
            with urllib.request.urlopen(req) as r:
                r.read()

        def health() -> None:
            with urllib.request.urlopen(base + "/api/health") as r:
                r.read()

        request_s = median_seconds(post, repeat=40, warmup=3)
        health_s = median_seconds(health, repeat=40, warmup=3)
    print(f"POST /api/network (resnet50) over HTTP: {request_s * 1e3:.1f} ms median, "
          f"{request_s / health_s:.1f}× GET /api/health ({health_s * 1e3:.2f} ms) "
          f"(target < 20 ms: {'ok' if request_s < 0.020 else 'MISSED'})")


if __name__ == "__main__":
    main()
