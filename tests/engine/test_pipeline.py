"""Random chains (engine/pipeline) against the same chain of torch.nn.functional calls in
float64; each stage's map of reads against autograd (what a cell's gradient reaches);
a stage that cannot take its input named by index and field."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.errors import InputError
from engine.pipeline import parse_stages, plan_pipeline, reads, run_pipeline, steps
from engine.presets import KERNELS
from tests.engine.test_contrast import window

torch.set_num_threads(1)
CASES = 500
NAMED = {k["id"]: k["kernel"] for k in KERNELS}
SMOOTH = ("sigmoid", "tanh", "softplus", "elu")


def _pair(rng: np.random.Generator, lo: int, hi: int) -> list[int]:
    return [int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1))]


def random_stage(rng: np.random.Generator, shape: tuple[int, ...], ops: tuple[str, ...],
                 done: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A stage that fits ``shape`` (or None when the drawn op does not)."""
    op = str(rng.choice(ops))
    if len(shape) == 1:
        if op in ("relu", "tanh", "sigmoid", "abs", "dropout"):
            return {"op": op} if op != "dropout" else {"op": op, "p": 0.3, "seed": 5}
        return {"op": "linear", "weight": rng.normal(size=(int(rng.integers(1, 4)),
                                                           shape[0])).tolist(),
                "bias": rng.normal(size=1).tolist() * 1}
    c, h, w = shape
    if op == "conv2d":
        k = _pair(rng, 1, min(3, h, w))
        groups = int(rng.choice([g for g in (1, 2, 3) if c % g == 0]))
        c_out = groups * int(rng.integers(1, 3))
        stage: dict[str, Any] = {"op": op, "kernel": rng.normal(size=(c_out, c // groups, *k)
                                                                ).round(2).tolist(),
                                 "groups": groups, "stride": _pair(rng, 1, 2),
                                 "dilation": [1, 1], "padding": _pair(rng, 0, 1)}
        if rng.random() < 0.5:
            stage["bias"] = rng.normal(size=c_out).round(2).tolist()
        if rng.random() < 0.3 and min(h, w) > 2:
            stage["padding_mode"] = str(rng.choice(["reflect", "replicate", "circular"]))
        if rng.random() < 0.3:
            stage["flip_kernel"] = True
        if rng.random() < 0.3 and min(h, w) >= 2 * k[0] + 1:
            stage["dilation"] = [2, 2]
        if rng.random() < 0.2 and c == 1 and groups == 1:
            stage["kernel"] = str(rng.choice(list(NAMED)))
            stage["stride"], stage["dilation"] = [1, 1], [1, 1]
            if min(h, w) < 3:
                return None
        return stage
    if op == "conv_transpose2d":
        k = _pair(rng, 1, 3)
        return {"op": op, "kernel": rng.normal(size=(c, int(rng.integers(1, 3)), *k)).tolist(),
                "stride": _pair(rng, 1, 2), "bias": 0.5}
    if op in ("max_pool2d", "avg_pool2d", "min_pool2d"):
        if min(h, w) < 2:
            return None
        return {"op": op, "kernel_size": 2, "stride": int(rng.integers(1, 3))}
    if op == "max_unpool2d":
        last = done[-1] if done else None
        if not last or last["op"] != "max_pool2d" or last.get("stride") != 2:
            return None
        return {"op": op, "kernel_size": 2}
    if op == "batch_norm2d":
        if h * w < 2:
            return None
        return {"op": op, "training": bool(rng.random() < 0.7),
                "weight": rng.uniform(0.5, 2, size=c).tolist(), "bias": rng.normal(size=c).tolist(),
                "running_mean": rng.normal(size=c).tolist(),
                "running_var": rng.uniform(0.5, 2, size=c).tolist(), "momentum": 0.2}
    if op == "local_response_norm":
        return {"op": op, "size": int(rng.integers(1, 4)), "alpha": 0.5, "beta": 0.75, "k": 1.5}
    if op == "local_contrast_norm":
        return {"op": op, "mode": str(rng.choice(["subtractive", "brightness", "both"])),
                "sigma": 1.0, "size": 3}
    if op in ("leaky_relu", "elu", "softplus"):
        key = {"leaky_relu": "negative_slope", "elu": "alpha", "softplus": "beta"}[op]
        return {"op": op, key: float(rng.uniform(0.1, 2))}
    if op == "dropout":
        return {"op": op, "p": 0.4, "seed": int(rng.integers(0, 100))}
    if op == "flatten":
        return {"op": op}
    return {"op": op}


ALL = ("conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "min_pool2d", "max_unpool2d",
       "relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "abs", "batch_norm2d",
       "local_response_norm", "local_contrast_norm", "dropout", "magnitude", "flatten")


def random_chain(rng: np.random.Generator, ops: tuple[str, ...] = ALL
                 ) -> tuple[np.ndarray, list[dict[str, Any]]]:
    shape: tuple[int, ...] = (int(rng.integers(1, 4)), int(rng.integers(3, 10)),
                              int(rng.integers(3, 10)))
    x = rng.normal(0, 2, size=shape)
    chain: list[dict[str, Any]] = []
    while len(chain) < int(rng.integers(1, 6)):
        stage = random_stage(rng, shape, ops, chain)
        if stage is None:
            continue
        try:
            planned = plan_pipeline(x.shape, parse_stages([*chain, stage]))
        except InputError:
            continue  # a geometry that leaves no output: draw again
        if planned[-1].cells > 4000:
            continue
        chain.append(stage)
        shape = planned[-1].out_shape
        if stage == {"op": "max_pool2d", "kernel_size": 2, "stride": 2} and \
                "max_unpool2d" in ops and rng.random() < 0.6:
            chain.append({"op": "max_unpool2d", "kernel_size": 2})
            shape = plan_pipeline(x.shape, parse_stages(chain))[-1].out_shape
    return x, chain


def lcn(y: torch.Tensor, mode: str) -> torch.Tensor:
    """Deck 003's eqs. (15) and (17) in torch (σ 1, a 3×3 window, κ 2, λ 1e−4, μ 0.75)."""
    if mode != "brightness":
        k = torch.tensor(window(3, 1.0))[None, None]
        y = y - F.conv2d(y.sum(dim=1, keepdim=True), k, padding=1)
    if mode != "subtractive":
        y = y / (2.0 + 1e-4 * (y * y).sum(dim=1, keepdim=True)) ** 0.75
    return y


def torch_chain(x: torch.Tensor, chain: list[dict[str, Any]], masks: dict[int, np.ndarray]
                ) -> list[torch.Tensor]:
    """Each stage by torch.nn.functional (batched as (1, C, H, W))."""
    outs, y, pooled = [], x[None], {}
    for i, s in enumerate(chain):
        op = s["op"]
        if op == "conv2d":
            w = s["kernel"]
            if isinstance(w, str):
                w = [[NAMED[w]] * y.shape[1]]
            wt = torch.tensor(w, dtype=torch.float64)
            if wt.ndim == 2:
                wt = wt[None, None]
            if s.get("flip_kernel"):
                wt = wt.flip(-1, -2)
            b = torch.tensor(s["bias"], dtype=torch.float64) if "bias" in s else None
            pad = s.get("padding", 0)
            if s.get("padding_mode", "zeros") != "zeros":
                p = [pad[1], pad[1], pad[0], pad[0]]
                y = F.pad(y, p, mode=s["padding_mode"])
                pad = 0
            y = F.conv2d(y, wt, b, stride=s.get("stride", 1), padding=pad,
                         dilation=s.get("dilation", 1), groups=s.get("groups", 1))
        elif op == "conv_transpose2d":
            wt = torch.tensor(s["kernel"], dtype=torch.float64)
            b = torch.full((wt.shape[1],), float(s["bias"]), dtype=torch.float64)
            y = F.conv_transpose2d(y, wt, b, stride=s["stride"])
        elif op == "max_pool2d":
            size = y.shape[-2:]
            y, idx = F.max_pool2d(y, 2, s["stride"], return_indices=True)
            pooled = {"indices": idx, "size": size}
        elif op == "avg_pool2d":
            y = F.avg_pool2d(y, 2, s["stride"])
        elif op == "min_pool2d":
            y = -F.max_pool2d(-y, 2, s["stride"])
        elif op == "max_unpool2d":
            y = F.max_unpool2d(y, pooled["indices"], 2, output_size=pooled["size"])
        elif op in ("relu", "sigmoid", "tanh", "abs"):
            y = {"relu": F.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
                 "abs": torch.abs}[op](y)
        elif op == "leaky_relu":
            y = F.leaky_relu(y, s["negative_slope"])
        elif op == "elu":
            y = F.elu(y, s["alpha"])
        elif op == "softplus":
            y = F.softplus(y, s["beta"])
        elif op == "batch_norm2d":
            v = {k: torch.tensor(s[k], dtype=torch.float64) for k in
                 ("running_mean", "running_var", "weight", "bias")}
            y = F.batch_norm(y, v["running_mean"], v["running_var"], v["weight"], v["bias"],
                             s["training"], 0.2, 1e-5)
        elif op == "local_response_norm":
            y = F.local_response_norm(y, s["size"], 0.5, 0.75, 1.5)
        elif op == "local_contrast_norm":
            y = lcn(y, s["mode"])
        elif op == "dropout":
            y = y * torch.tensor(masks[i], dtype=torch.float64) / (1 - s["p"])
        elif op == "magnitude":
            y = torch.linalg.vector_norm(y, dim=1, keepdim=True)
        elif op == "flatten":
            y = y.reshape(1, -1)
        elif op == "linear":
            y = F.linear(y, torch.tensor(s["weight"], dtype=torch.float64),
                         torch.tensor(s["bias"], dtype=torch.float64))
        outs.append(y[0])
    return outs


def test_random_chains_agree_with_torch_stage_by_stage() -> None:
    rng = np.random.default_rng(2026)
    counted = {op: 0 for op in (*ALL, "linear")}
    for _ in range(CASES):
        x, chain = random_chain(rng)
        if rng.random() < 0.3 and chain:
            last = plan_pipeline(x.shape, parse_stages(chain))[-1].out_shape
            if len(last) == 1 or rng.random() < 0.5:
                chain += [{"op": "flatten"}] if len(last) == 3 else []
                n = math.prod(last)
                chain += [{"op": "linear", "weight": rng.normal(size=(2, n)).tolist(),
                           "bias": [0.5, -1.0]}]
        runs = run_pipeline(x, plan_pipeline(x.shape, parse_stages(chain)))
        masks = {i: r.result.extra["mask"] for i, r in enumerate(runs) if r.op == "dropout"}
        expected = torch_chain(torch.tensor(x), chain, masks)
        for run, want, stage in zip(runs, expected, chain):
            counted[stage["op"]] += 1
            np.testing.assert_allclose(run.output, want.numpy(), rtol=1e-9, atol=1e-9,
                                       err_msg=f"{chain}")
            k = int(rng.integers(0, run.output.size))
            step = steps(run, k, k + 1)[0]
            assert np.isclose(step["output"], run.output.flat[k])
            assert step["at"] == [int(i) for i in np.unravel_index(k, run.output.shape)]
    assert all(n >= 15 for n in counted.values()), str(counted)


def _support(x: np.ndarray, chain: list[dict[str, Any]], stage: int, cell: int,
             masks: dict[int, np.ndarray]) -> np.ndarray:
    xt = torch.tensor(x, requires_grad=True)
    outs = torch_chain(xt, chain[:stage + 1], masks)
    outs[stage].reshape(-1)[cell].backward()
    assert xt.grad is not None
    return xt.grad.numpy() != 0


def _compose(runs: list[Any], stage: int, cell: int, shape0: tuple[int, ...]) -> np.ndarray:
    """Walk the reads back from one cell of ``stage`` to the picture, as the view does."""
    out_shape = runs[stage].output.shape
    sets: Any = ("one", np.unravel_index(cell, out_shape))
    for s in range(stage, -1, -1):
        r = reads(runs[s])
        in_shape = runs[s].input.shape
        if "all" in r:
            sets = ("all",)
        elif "same" in r:
            pass
        elif "flatten" in r:
            sets = ("all",) if sets[0] == "all" else (
                "box", *[{int(v)} for v in np.unravel_index(int(sets[1][0]), in_shape)])
        else:
            if sets[0] == "one":
                sets = ("box", *[{int(v)} for v in sets[1]])
            if sets[0] == "all":
                continue
            new = []
            for axis, chosen in zip(("channels", "height", "width"), sets[1:]):
                spec = r[axis]
                if spec == "same":
                    new.append(chosen)
                elif spec == "all":
                    new.append(set(range(in_shape[len(new)])))
                else:
                    new.append({i for o in chosen for i in spec[o]})
            sets = ("box", *new)
    mask = np.zeros(shape0, dtype=bool)
    if sets[0] == "all":
        mask[:] = True
    elif sets[0] == "one":
        mask[tuple(int(v) for v in sets[1])] = True
    else:
        mask[np.ix_(sorted(sets[1]), sorted(sets[2]), sorted(sets[3]))] = True
    return mask


@pytest.mark.parametrize("ops", [ALL, ("conv2d", "conv_transpose2d", "avg_pool2d", *SMOOTH,
                                       "local_response_norm", "local_contrast_norm",
                                       "magnitude")])
def test_the_reads_hold_every_cell_a_gradient_reaches(ops: tuple[str, ...]) -> None:
    """Autograd's gradient of one output cell is non-zero only on cells the reads name;
    with no max, relu, abs or dropout in the chain, it is non-zero on every one of them."""
    rng = np.random.default_rng(len(ops))
    exact = ops is not ALL
    for _ in range(150):
        x, chain = random_chain(rng, ops)
        if exact:  # a kernel's zero taps (named kernels) reach nothing
            chain = [s for s in chain if not isinstance(s.get("kernel"), str)] or [{"op": "tanh"}]
        runs = run_pipeline(x, plan_pipeline(x.shape, parse_stages(chain)))
        masks = {i: r.result.extra["mask"] for i, r in enumerate(runs) if r.op == "dropout"}
        stage = int(rng.integers(0, len(runs)))
        cell = int(rng.integers(0, runs[stage].output.size))
        reached = _support(x, chain, stage, cell, masks)
        named = _compose(runs, stage, cell, x.shape)
        assert not (reached & ~named).any(), chain
        if exact:
            assert (reached == named).all(), chain


@pytest.mark.parametrize(("stages", "loc"), [
    ([{"op": "relu"}, {"op": "conv2d", "kernel": [[1] * 9]}], ("stages", 1, "kernel")),
    ([{"op": "flatten"}, {"op": "max_pool2d", "kernel_size": 2}], ("stages", 1, "op")),
    ([{"op": "max_unpool2d", "kernel_size": 2}], ("stages", 0, "op")),
    ([{"op": "relu", "slope": 1}], ("stages", 0, "slope")),
    ([{"op": "swish"}], ("stages", 0, "op")),
    ([{"op": "conv2d"}], ("stages", 0, "kernel")),
    ([{"op": "conv2d", "kernel": "sobel"}], ("stages", 0, "kernel")),
    ([{"op": "flatten"}, {"op": "linear", "weight": [[1, 2]]}], ("stages", 1, "weight")),
    ([{"op": "avg_pool2d", "kernel_size": 2, "dilation": 2}], ("stages", 0, "dilation")),
    ([{"op": "batch_norm2d", "weight": [1, 2]}], ("stages", 0, "weight")),
    ([], ("stages",)),
])
def test_a_stage_that_cannot_run_is_named(stages: list[Any], loc: tuple[Any, ...]) -> None:
    with pytest.raises(InputError) as err:
        plan_pipeline((1, 4, 4), parse_stages(stages))
    assert err.value.loc == loc  # type: ignore[attr-defined]


def test_the_shapes_are_checked_before_any_stage_runs() -> None:
    """A stage at the end that cannot run fails the plan, which allocates nothing."""
    chain = parse_stages([{"op": "conv2d", "kernel": [[1]]}] * 3 + [{"op": "flatten"},
                                                                   {"op": "relu"},
                                                                   {"op": "abs"},
                                                                   {"op": "magnitude"}])
    with pytest.raises(InputError) as err:
        plan_pipeline((1, 1000, 1000), chain)
    assert err.value.loc == ("stages", 6, "op")  # type: ignore[attr-defined]
