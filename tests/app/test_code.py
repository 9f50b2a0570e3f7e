"""POST /api/code: every snippet is run, in this environment's Python with torch and
NumPy, and prints what the view's own endpoint answers, on random requests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from engine.errors import InputError
from engine.pipeline import plan as chain_plan
from engine.pipeline.spec import ARGS, parse_stages

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


def _sign(v: int) -> int:
    return (v > 0) - (v < 0)


def _line(f: Callable[[int, int], float]) -> list[list[float]]:
    return [[f(r - 2, c - 2) * (1 / 1020) for c in range(5)] for r in range(5)]


_EDGE4 = [[[[1, 0, -1], [1, 0, -1], [1, 0, -1]]], [[[1, 1, 1], [0, 0, 0], [-1, -1, -1]]],
          [[[0, 1, 1], [-1, 0, 1], [-1, -1, 0]]], [[[1, 1, 0], [1, 0, -1], [0, -1, -1]]]]
_LENET6 = [[k] for k in (
    _line(lambda r, c: 2 if c == 0 else -_sign(c)), _line(lambda r, c: 2 if r == 0 else -_sign(r)),
    _line(lambda r, c: 2 if r == c else -1 / 2), _line(lambda r, c: 2 if r == -c else -1 / 2),
    _line(lambda r, c: 2 if abs(r) + abs(c) <= 1 else -0.5), _line(lambda r, c: 1))]
_GAUSS = [[v / 16 for v in row] for row in [[1, 2, 1], [2, 4, 2], [1, 2, 1]]]


def _deep(act: str) -> list[dict[str, Any]]:
    first = [[v / 255 for v in row] for row in _GAUSS]
    return [stage for i, k in enumerate([first, _GAUSS, _GAUSS, _GAUSS])
            for stage in ({"op": "conv2d", "kernel": k, "bias": -0.5 if i == 0 else 0,
                           "padding": 1}, {"op": act})]


# The pipeline page's presets (static/js/views/pipeline/presets.js, which
# tests/browser/test_code_panel.py holds to this copy): picture, size, chain.
PIPELINE_PRESETS: dict[str, dict[str, Any]] = {
    "sobel-relu-pool": {"source": "camera", "size": 128, "stages": [
        {"op": "conv2d", "kernel": "sobel-x", "padding": 1}, {"op": "relu"},
        {"op": "max_pool2d", "kernel_size": 2}]},
    "gradient-magnitude": {"source": "chelsea", "size": 128, "stages": [
        {"op": "conv2d", "kernel": ["sobel-x", "sobel-y"], "padding": 1}, {"op": "magnitude"}]},
    "edge-bank": {"source": "pattern", "size": 96, "stages": [
        {"op": "conv2d", "kernel": _EDGE4, "padding": 1}, {"op": "relu"},
        {"op": "max_pool2d", "kernel_size": 2}]},
    "deck-003": {"source": "astronaut", "size": 128, "stages": [
        {"op": "conv2d", "kernel": ["sobel-x", "sobel-y"], "bias": [-40, -40], "padding": 1},
        {"op": "softplus", "beta": 0.05},
        {"op": "local_contrast_norm", "mode": "brightness", "kappa": 2, "lambda": 0.0001,
         "mu": 0.75},
        {"op": "avg_pool2d", "kernel_size": 1, "stride": 2}]},
    "lenet-digit": {"source": "draw", "size": 28, "stages": [
        {"op": "conv2d", "kernel": _LENET6, "bias": 0, "padding": 2}, {"op": "tanh"},
        {"op": "avg_pool2d", "kernel_size": 2}]},
    "deep-sigmoid": {"source": "pattern", "size": 32, "stages": _deep("sigmoid")},
    "deep-relu": {"source": "pattern", "size": 32, "stages": _deep("relu")},
}


def _preset_input(client: TestClient, source: str, size: int) -> Any:
    """The preset's picture at 32 a side at most (the same stages, quicker loops); "draw"
    (the user's digit) a 7 drawn in strokes of 255."""
    if source == "draw":
        digit = np.zeros((size, size))
        digit[5:8, 6:22] = 255
        for r in range(8, 24):
            digit[r, 20 - (r - 8) // 2:23 - (r - 8) // 2] = 255
        return digit.tolist()
    answer = client.get(f"/api/images/{source}", params={"size": min(size, 32)})
    return answer.json()["input"]

# The ops a random chain draws, and the variants of their arguments the chains must hold.
CHAIN_OPS = sorted(ARGS)
VARIANTS = {"padding given", "padding same", "padding valid", "padding full",
            *(f"padding_mode {m}" for m in ("zeros", "reflect", "replicate", "circular")),
            "groups", "flip_kernel", "dilation", "named kernel", "transposed groups",
            "output_padding", "ceil_mode", "pool dilation", "count_include_pad false",
            "indices_from", "unpool output_size", "batch_norm2d training True",
            "batch_norm2d training False", "local_contrast_norm subtractive",
            "local_contrast_norm brightness", "local_contrast_norm both",
            "dropout training True", "dropout training False", "linear on maps"}


class _Chain:
    """A random valid chain, drawn stage by stage on the shape the engine plans; ``seen``
    collects the ops and the variants of their arguments it drew, and ``turns`` takes the
    variants in turn (shared by the chains, so that few chains hold them all)."""

    def __init__(self, rng: np.random.Generator, seen: set[str], turns: dict[str, int]
                 ) -> None:
        self.rng, self.seen, self.turns = rng, seen, turns
        c, h, w = int(rng.integers(1, 4)), *(int(v) for v in rng.integers(5, 11, size=2))
        self.input: Any = rng.normal(0, 2, size=(c, h, w)).round(2)
        if c == 1 and rng.random() < 0.3:
            self.input = self.input[0]
        self.input = self.input.tolist()
        self.stages: list[dict[str, Any]] = []
        self.planned: list[chain_plan.PlannedStage] = []
        self.start: tuple[int, ...] = (c, h, w)
        self.shape = self.start

    def turn(self, name: str, options: list[Any]) -> Any:
        self.turns[name] = self.turns.get(name, -1) + 1
        return options[self.turns[name] % len(options)]

    def pair(self, low: int, high: int) -> list[int]:
        return [int(v) for v in self.rng.integers(low, high + 1, size=2)]

    def add(self, stage: dict[str, Any], *variants: str) -> bool:
        try:
            planned = chain_plan.plan_pipeline(self.start, parse_stages([*self.stages, stage]))
        except InputError:
            return False
        out = planned[-1].out_shape
        if planned[-1].cells > 400 or (len(out) == 3 and max(out[1:]) > 16):
            return False  # small maps: the loops stay quick
        self.stages.append(stage)
        self.planned, self.shape = planned, planned[-1].out_shape
        self.seen.update([stage["op"], *variants])
        return True

    def draw(self) -> None:
        rng, op = self.rng, str(self.rng.choice([*CHAIN_OPS, "conv2d", "conv2d", "conv2d"]))
        maps = len(self.shape) == 3
        c = self.shape[0]
        if op == "conv2d" and maps:
            groups = int(rng.choice([g for g in (1, 2, 3) if c % g == 0]))
            out = groups * int(rng.integers(1, 3))
            k = self.pair(1, 3)
            kernel: Any = rng.normal(size=(out, c // groups, *k)).round(2).tolist()
            named = bool(rng.random() < 0.2)
            if named:
                kernel = ["sobel-x", "laplacian"][:out] if out <= 2 else "gaussian"
            padding: Any = self.pair(0, 1)
            stride = self.pair(1, 2)
            kind = self.turn("padding", ["given", "same", "given", "valid", "given", "full"])
            if kind != "given":
                padding, stride = kind, [1, 1]
            mode = self.turn("padding_mode", ["zeros", "reflect", "replicate", "circular"])
            stage = {"op": op, "kernel": kernel, "stride": stride, "padding": padding,
                     "dilation": self.pair(1, 2), "groups": groups, "padding_mode": mode,
                     "flip_kernel": bool(rng.random() < 0.4)}
            if rng.random() < 0.5:
                stage["bias"] = rng.normal(size=out).round(2).tolist()
            self.add(stage, f"padding {padding if isinstance(padding, str) else 'given'}",
                     f"padding_mode {mode}", *(["groups"] if groups > 1 else []),
                     *(["flip_kernel"] if stage["flip_kernel"] else []),
                     *(["dilation"] if max(stage["dilation"]) > 1 else []),
                     *(["named kernel"] if named else []))
        elif op == "conv_transpose2d" and maps:
            groups = 2 if c % 2 == 0 else 1
            stride, dilation = self.pair(1, 2), self.pair(1, 2)
            extra = [int(rng.integers(0, max(s, d))) for s, d in zip(stride, dilation)]
            per_group = int(rng.integers(1, 3))
            stage = {"op": op, "kernel": rng.normal(size=(c, per_group, *self.pair(1, 3)))
                     .round(2).tolist(), "stride": stride, "padding": self.pair(0, 1),
                     "output_padding": extra, "dilation": dilation, "groups": groups}
            if rng.random() < 0.5:
                stage["bias"] = rng.normal(size=per_group * groups).round(2).tolist()
            self.add(stage, *(["transposed groups"] if groups > 1 else []),
                     *(["output_padding"] if max(extra) > 0 else []))
        elif op in ("max_pool2d", "min_pool2d", "avg_pool2d") and maps:
            k = self.pair(1, 3)
            stage = {"op": op, "kernel_size": k, "padding": [int(rng.integers(0, v // 2 + 1))
                                                             for v in k],
                     "ceil_mode": bool(rng.random() < 0.5)}
            if rng.random() < 0.6:
                stage["stride"] = self.pair(1, 3)
            if op == "avg_pool2d":
                stage["count_include_pad"] = bool(rng.random() < 0.5)
            elif rng.random() < 0.4:
                stage["dilation"] = self.pair(1, 2)
            added = self.add(stage, *(["ceil_mode"] if stage["ceil_mode"] else []),
                             *(["pool dilation"] if max(stage.get("dilation", [1])) > 1
                               else []),
                             *(["count_include_pad false"]
                               if not stage.get("count_include_pad", True) else []))
            if added and op == "max_pool2d" and rng.random() < 0.8:
                self.unpool()
        elif op in ("relu", "sigmoid", "tanh", "abs", "magnitude", "flatten") and (
                maps or op not in ("magnitude", "flatten")):
            self.add({"op": op})
        elif op == "leaky_relu":
            self.add({"op": op, "negative_slope": round(float(rng.uniform(-0.5, 0.5)), 2)})
        elif op == "elu":
            self.add({"op": op, "alpha": round(float(rng.uniform(0.1, 2)), 2)})
        elif op == "softplus":
            self.add({"op": op, "beta": round(float(rng.uniform(0.2, 3)), 2),
                      "threshold": float(rng.choice([1.0, 20.0]))})
        elif op == "batch_norm2d" and maps:
            training = self.turn("batch_norm2d", [True, False])
            stage = {"op": op, "training": training, "eps": float(rng.choice([1e-5, 0.1]))}
            for name, low in (("weight", 0.5), ("bias", -1), ("running_mean", -1),
                              ("running_var", 0.5)):
                if rng.random() < 0.5:
                    stage[name] = rng.uniform(low, 2, size=c).round(2).tolist()
            self.add(stage, f"batch_norm2d training {training}")
        elif op == "local_response_norm" and maps:
            self.add({"op": op, "size": int(rng.integers(1, 5)), "alpha": 0.5, "beta": 0.75,
                      "k": round(float(rng.uniform(1, 2)), 2)})
        elif op == "local_contrast_norm" and maps:
            mode = self.turn("local_contrast_norm", ["subtractive", "brightness", "both"])
            stage = {"op": op, "mode": mode, "sigma": round(float(rng.uniform(0.5, 1.5)), 2),
                     "across": str(rng.choice(["sum", "mean"])), "kappa": 1.5, "mu": 0.6}
            if rng.random() < 0.5:
                stage["size"] = int(rng.choice([1, 3, 5]))
            self.add(stage, f"local_contrast_norm {mode}")
        elif op == "dropout":
            training = self.turn("dropout", [True, True, False])
            self.add({"op": op, "p": float(rng.choice([0.0, 0.3, 0.5, 1.0])),
                      "training": training, "seed": int(rng.integers(0, 100))},
                     f"dropout training {training}")
        elif op == "linear":
            n = int(np.prod(self.shape))
            stage = {"op": op, "weight": rng.normal(size=(int(rng.integers(1, 5)), n)).round(2)
                     .tolist()}
            if rng.random() < 0.5:
                stage["bias"] = rng.normal(size=len(stage["weight"])).round(2).tolist()
            self.add(stage, *(["linear on maps"] if maps else []))

    def unpool(self) -> None:
        pool = self.planned[-1]
        a = pool.stage.args
        stage: dict[str, Any] = {"op": "max_unpool2d", "kernel_size": list(a["kernel_size"]),
                                 "padding": list(a["padding"])}
        if a["stride"] is not None:
            stage["stride"] = list(a["stride"])
        variants = self.turn("unpool", [[], ["indices_from"], ["unpool output_size"],
                                        ["indices_from", "unpool output_size"]])
        if "indices_from" in variants:
            stage["indices_from"] = pool.index
        if "unpool output_size" in variants:
            stage["output_size"] = [n + int(self.rng.integers(0, 2)) for n in pool.in_shape[1:]]
        self.add(stage, *variants)



def test_pipeline_snippets_print_every_stage(client: TestClient) -> None:
    """The PyTorch and the NumPy snippet of every preset of the pipeline page, of a chain
    of every op, and of random chains covering every op and variant of its arguments,
    print each stage's output as POST /api/pipeline answers it; the NumPy one with no
    import but json and NumPy."""
    rng = np.random.default_rng(7)
    requests: list[tuple[str, dict[str, Any]]] = [
        (name, {"input": _preset_input(client, p["source"], p["size"]), "stages": p["stages"]})
        for name, p in PIPELINE_PRESETS.items()]
    every = [{"op": "conv2d", "kernel": ["sobel-x", "sobel-y"], "padding": 1, "flip_kernel": True},
             {"op": "leaky_relu", "negative_slope": 0.2}, {"op": "batch_norm2d"},
             {"op": "local_response_norm", "size": 2}, {"op": "max_pool2d", "kernel_size": 2},
             {"op": "max_unpool2d", "kernel_size": 2}, {"op": "local_contrast_norm"},
             {"op": "dropout", "p": 0.3, "seed": 4}, {"op": "magnitude"},
             {"op": "softplus", "beta": 0.5}, {"op": "min_pool2d", "kernel_size": 3, "stride": 3},
             {"op": "flatten"}, {"op": "linear", "weight": rng.normal(size=(3, 16)).tolist()}]
    requests.append(("every op", {"input": rng.uniform(0, 255, size=(1, 12, 12)).round(1)
                                  .tolist(), "stages": every}))
    seen: set[str] = set()
    turns: dict[str, int] = {}
    for n in range(150):  # chains until every op and variant is drawn, at least 30
        if n >= 30 and seen >= {*CHAIN_OPS, *VARIANTS}:
            break
        drawn = _Chain(rng, seen, turns)
        for _ in range(int(rng.integers(3, 8))):
            drawn.draw()
        if drawn.stages:
            requests.append((f"random chain {n}", {"input": drawn.input,
                                                   "stages": drawn.stages}))
    assert seen >= {*CHAIN_OPS, *VARIANTS}, sorted({*CHAIN_OPS, *VARIANTS} - seen)
    wants, torch_code, numpy_code = [], [], []
    for name, req in requests:
        answer = client.post("/api/pipeline", json=req)
        assert answer.status_code == 200, (name, answer.text)
        wants.append([s["output"] for s in answer.json()["stages"]])
        code = snippets(client, "pipeline", req)
        torch_code.append(code["pytorch"])
        numpy_code.append(code["numpy"])
        imports = {line for line in code["numpy"].splitlines() if "import " in line}
        assert imports == {"import json", "import numpy as np"}, (name, imports)
    loaded = "import json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules} " \
             "& {'torch', 'scipy'})))"
    with ThreadPoolExecutor(2) as pool:  # the two Pythons side by side
        numpy_run, torch_run = pool.submit(run_all, [*numpy_code, loaded]), pool.submit(
            run_all, torch_code)
    *numpy_out, modules = numpy_run.result()
    assert modules == []
    for lang, outs in (("numpy", numpy_out), ("pytorch", torch_run.result())):
        for (name, req), want, got in zip(requests, wants, outs):
            assert len(got) == len(want), (lang, name)
            for stage, w, g in zip(req["stages"], want, got):
                w = np.asarray(w, dtype=np.float64).reshape(-1)
                np.testing.assert_allclose(np.asarray(g).reshape(-1), w, rtol=1e-9,
                                           atol=1e-9 * np.abs(w).max() + 1e-12,
                                           err_msg=f"{lang}, {name}: {stage}")


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
