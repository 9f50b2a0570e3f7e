"""POST /api/code: every snippet is run, in this environment's Python with torch and
NumPy, and prints what the view's own endpoint answers, on random requests."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

# One fresh Python for a list of snippets (torch loads once): each runs as a script of its
# own (its own globals) and its printed output is collected.
RUNNER = """
import contextlib, io, json, sys
outputs = []
for source in json.load(sys.stdin):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<snippet>", "exec"), {"__name__": "__main__"})
    outputs.append(out.getvalue())
print(json.dumps(outputs))
"""


def run_all(sources: list[str]) -> list[Any]:
    done = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(sources),
                          capture_output=True, text=True, timeout=300,
                          env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(out) for out in json.loads(done.stdout)]


def run(source: str) -> Any:
    return run_all([source])[0]


def snippets(client: TestClient, view: str, request: dict[str, Any]) -> dict[str, str]:
    response = client.post("/api/code", json={"view": view, "request": request})
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def conv_requests(rng: np.random.Generator, n: int) -> list[dict[str, Any]]:
    out = []
    while len(out) < n:
        c = int(rng.choice([1, 2, 4]))
        groups = int(rng.choice([g for g in (1, 2) if c % g == 0]))
        h, w = (int(v) for v in rng.integers(3, 9, size=2))
        kh, kw = (int(v) for v in rng.integers(1, 4, size=2))
        req: dict[str, Any] = {
            "input": rng.normal(size=(c, h, w)).round(3).tolist(),
            "kernel": rng.normal(size=(2 * groups, c // groups, kh, kw)).round(3).tolist(),
            "stride": [int(v) for v in rng.integers(1, 3, size=2)],
            "padding": str(rng.choice(["same", "valid", "full"])) if rng.random() < 0.3 else
            [int(v) for v in rng.integers(0, 2, size=2)], "groups": groups,
            "flip_kernel": bool(rng.random() < 0.3), "trace": False}
        if req["padding"] == "same":
            req["stride"] = [1, 1]
        if rng.random() < 0.5:
            req["bias"] = rng.normal(size=2 * groups).round(2).tolist()
        if rng.random() < 0.3 and min(h, w) > 3 and req["padding"] != "full":
            req["padding_mode"] = str(rng.choice(["reflect", "replicate", "circular"]))
        if rng.random() < 0.3 and min(h, w) >= 2 * max(kh, kw) + 1:
            req["dilation"] = 2
        out.append(req)
    return out


def test_conv2d_snippets_print_the_output(client: TestClient) -> None:
    cases = []
    for req in conv_requests(np.random.default_rng(1), 30):
        answer = client.post("/api/conv2d", json=req)
        if answer.status_code == 200:
            code = snippets(client, "conv2d", req)
            cases += [(req, lang, code[lang], answer.json()["output"])
                      for lang in ("pytorch", "numpy")]
    assert len(cases) >= 40
    for (req, lang, _, want), got in zip(cases, run_all([c[2] for c in cases])):
        np.testing.assert_allclose(np.asarray(got).reshape(-1), np.asarray(want).reshape(-1),
                                   rtol=1e-10, atol=1e-10, err_msg=f"{lang}: {req}")


def test_backward_snippet_prints_the_gradients(client: TestClient) -> None:
    cases = []
    for req in conv_requests(np.random.default_rng(2), 12):
        body = client.post("/api/conv2d/backward", json=req)
        if body.status_code == 200:
            cases.append((body.json(), snippets(client, "conv2d/backward", req)["pytorch"]))
    for (want, _), got in zip(cases, run_all([c[1] for c in cases])):
        for name in ("grad_input", "grad_kernel", "grad_bias"):
            np.testing.assert_allclose(np.asarray(got[name]).reshape(-1),
                                       np.asarray(want[name]).reshape(-1), atol=1e-10)


def test_transposed_and_pool_snippets_print_the_output(client: TestClient) -> None:
    rng = np.random.default_rng(3)
    cases = []
    for _ in range(8):
        c = int(rng.choice([1, 2]))
        req = {"input": rng.normal(size=(c, 4, 5)).round(2).tolist(),
               "kernel": rng.normal(size=(c, 2, 2, 3)).round(2).tolist(),
               "stride": [int(v) for v in rng.integers(1, 3, size=2)], "padding": [0, 1],
               "output_padding": [0, 0], "dilation": 1, "bias": [0.5, -1]}
        answer = client.post("/api/conv_transpose2d", json=req | {"trace": False})
        assert answer.status_code == 200, answer.text
        code = snippets(client, "conv_transpose2d", req)
        cases += [(req, lang, code[lang], answer.json()["output"]) for lang in ("pytorch", "numpy")]
    for _ in range(24):
        mode = str(rng.choice(["max", "avg", "min"]))
        req = {"input": rng.normal(size=(2, 7, 6)).round(2).tolist(), "mode": mode,
               "kernel_size": [int(v) for v in rng.integers(2, 4, size=2)],
               "stride": [int(v) for v in rng.integers(1, 3, size=2)], "padding": [1, 0],
               "ceil_mode": bool(rng.random() < 0.4),
               "count_include_pad": bool(rng.random() < 0.5), "trace": False}
        if mode != "avg" and rng.random() < 0.4:
            req["dilation"] = 2
        answer = client.post("/api/pool2d", json=req)
        if answer.status_code != 200:
            continue
        code = snippets(client, "pool2d", req)
        cases += [(req, lang, code[lang], answer.json()["output"]) for lang in ("pytorch", "numpy")]
    for (req, lang, _, want), got in zip(cases, run_all([c[2] for c in cases])):
        np.testing.assert_allclose(np.asarray(got).reshape(-1), np.asarray(want).reshape(-1),
                                   atol=1e-10, err_msg=f"{lang}: {req}")


def test_pipeline_snippet_prints_every_stage(client: TestClient) -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 255, size=(1, 12, 12)).round(1).tolist()
    chain = [{"op": "conv2d", "kernel": ["sobel-x", "sobel-y"], "padding": 1, "flip_kernel": True},
             {"op": "leaky_relu", "negative_slope": 0.2}, {"op": "batch_norm2d"},
             {"op": "local_response_norm", "size": 2}, {"op": "max_pool2d", "kernel_size": 2},
             {"op": "max_unpool2d", "kernel_size": 2}, {"op": "local_contrast_norm"},
             {"op": "dropout", "p": 0.3, "seed": 4}, {"op": "magnitude"},
             {"op": "softplus", "beta": 0.5}, {"op": "min_pool2d", "kernel_size": 3, "stride": 3},
             {"op": "flatten"}, {"op": "linear", "weight": rng.normal(size=(3, 16)).tolist()}]
    answer = client.post("/api/pipeline", json={"input": x, "stages": chain})
    assert answer.status_code == 200, answer.text
    got = run(snippets(client, "pipeline", {"input": x, "stages": chain})["pytorch"])
    for stage, out in zip(answer.json()["stages"], got):
        np.testing.assert_allclose(np.asarray(out).reshape(-1),
                                   np.asarray(stage["output"]).reshape(-1), rtol=1e-9,
                                   atol=1e-9, err_msg=stage["op"])


def test_bad_requests_are_named_under_request(client: TestClient) -> None:
    bad = client.post("/api/code", json={"view": "conv2d", "request": {"input": [[1]]}})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == [
        "body", "request", "kernel"]
    bad = client.post("/api/code", json={"view": "conv2d", "request": {
        "input": [[1]], "kernel": [[1, 2]]}})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][:2] == ["body", "request"]
    big = client.post("/api/code", json={"view": "conv2d", "request": {
        "input": [[0] * 300] * 300, "kernel": [[1]]}})
    assert big.status_code == 413 and "max_code_numbers" in big.json()["detail"][0]["msg"]
    nope = client.post("/api/code", json={"view": "volume", "request": {}})
    assert nope.status_code == 422 and nope.json()["detail"][0]["loc"] == ["body", "view"]
    empty = client.post("/api/code", json={"view": "network", "request": {}})
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"][:2] == ["body",
                                                                                "request"]


def test_signal_and_volume_snippets_print_the_output(client: TestClient) -> None:
    """conv1d (every parameter, causal padding and true convolution) and conv3d."""
    from tests.app.test_signal import random_request
    from tests.app.test_volume import random_request as random_volume

    rng = np.random.default_rng(5)
    cases = []
    for view, draw in (("conv1d", random_request), ("conv3d", random_volume)):
        made = 0
        while made < 8:
            req = {**draw(rng), "trace": False}
            answer = client.post(f"/api/{view}", json=req)
            if answer.status_code != 200:
                continue
            code = snippets(client, view, req)
            cases += [(req, lang, code[lang], answer.json()["output"])
                      for lang in ("pytorch", "numpy")]
            made += 1
    for (req, lang, _, want), got in zip(cases, run_all([c[2] for c in cases])):
        np.testing.assert_allclose(np.asarray(got).reshape(-1), np.asarray(want).reshape(-1),
                                   rtol=1e-10, atol=1e-10, err_msg=f"{lang}: {req}")


def test_network_snippets_build_the_stack_in_torch_nn(client: TestClient) -> None:
    """The /network view's code: each preset (and a custom stack on a feature vector) as
    torch.nn layers, which print the output shape and the parameter count the table's
    totals give."""
    requests: list[dict[str, Any]] = [
        {"preset": "lenet5"}, {"preset": "resnet18"}, {"preset": "mobilenet-v1"},
        {"preset": "alexnet", "input_shape": [3, 127, 127]},
        {"input_shape": [3, 16, 16], "layers": [
            {"type": "conv2d", "out_channels": 8, "kernel_size": 3, "padding": "same",
             "groups": 1}, {"type": "batch_norm2d"}, {"type": "leaky_relu"},
            {"type": "residual", "body": [{"type": "conv2d", "out_channels": 8,
                                           "kernel_size": 3, "padding": 1}],
             "shortcut": []},
            {"type": "avg_pool2d", "kernel_size": 2, "ceil_mode": True},
            {"type": "conv_transpose2d", "out_channels": 4, "kernel_size": 2, "stride": 2},
            {"type": "adaptive_max_pool2d", "output_size": 3}, {"type": "flatten"},
            {"type": "dropout", "p": 0.2}, {"type": "linear", "out_features": 5}]},
        {"input_shape": [12], "layers": [{"type": "linear", "out_features": 7},
                                         {"type": "tanh"}, {"type": "linear",
                                                            "out_features": 3}]},
    ]
    wants, sources = [], []
    for req in requests:
        table = client.post("/api/network", json=req).json()
        wants.append((table["output_shape"], table["total"]["params"]))
        sources.append(snippets(client, "network", req)["pytorch"])
    for (shape, params), got in zip(wants, run_all(sources)):
        assert got == {"output_shape": shape, "params": params}
