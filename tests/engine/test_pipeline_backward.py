"""Backpropagation through random chains (engine/pipeline/backward.py) against PyTorch's
autograd in float64: every stage's gradient of its input and output, every kernel, bias,
weight and batch-norm γ/β, for each loss; one SGD step against torch.optim.SGD; each
chain-rule step's products summing to its gradient."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.errors import InputError
from engine.pipeline import parse_stages, plan_pipeline, run_pipeline
from engine.pipeline.backward import backward, loss_of, sgd_step
from engine.pipeline.chainrule import input_steps, param_steps
from tests.engine.test_pipeline import NAMED, random_chain

torch.set_num_threads(1)
OPS = ("conv2d", "max_pool2d", "avg_pool2d", "min_pool2d", "relu", "leaky_relu", "elu",
       "sigmoid", "tanh", "softplus", "abs", "batch_norm2d", "local_response_norm", "dropout",
       "magnitude", "flatten")
CASES = 1000


def leaf(v: Any) -> torch.Tensor:
    return torch.tensor(v, dtype=torch.float64, requires_grad=True)


def torch_forward(x: torch.Tensor, chain: list[dict[str, Any]], masks: dict[int, np.ndarray]
                  ) -> tuple[list[torch.Tensor], list[dict[str, torch.Tensor]]]:
    """Each stage's output (retaining its gradient) and its parameter leaves."""
    outs: list[torch.Tensor] = []
    params: list[dict[str, torch.Tensor]] = []
    y = x[None]
    for i, s in enumerate(chain):
        op, p = s["op"], {}
        if op == "conv2d":
            w = s["kernel"]
            if isinstance(w, str):
                w = [[NAMED[w]] * y.shape[1]]
            p["kernel"] = leaf(w)
            applied = p["kernel"] if p["kernel"].ndim == 4 else p["kernel"][None, None]
            if s.get("flip_kernel"):
                applied = applied.flip(-1, -2)
            c_out = applied.shape[0]
            bias = s.get("bias")
            p["bias"] = leaf(np.broadcast_to(np.asarray(0.0 if bias is None else bias, dtype=float),
                                             (c_out,)).copy())
            pad = s.get("padding", 0)
            if s.get("padding_mode", "zeros") != "zeros":
                y = F.pad(y, [pad[1], pad[1], pad[0], pad[0]], mode=s["padding_mode"])
                pad = 0
            y = F.conv2d(y, applied, p["bias"], stride=s.get("stride", 1), padding=pad,
                         dilation=s.get("dilation", 1), groups=s.get("groups", 1))
        elif op in ("max_pool2d", "avg_pool2d", "min_pool2d"):
            stride = s["stride"]
            if op == "max_pool2d":
                y = F.max_pool2d(y, 2, stride)
            elif op == "avg_pool2d":
                y = F.avg_pool2d(y, 2, stride)
            else:
                y = -F.max_pool2d(-y, 2, stride)
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
            p["weight"], p["bias"] = leaf(s["weight"]), leaf(s["bias"])
            y = F.batch_norm(y, torch.tensor(s["running_mean"], dtype=torch.float64),
                             torch.tensor(s["running_var"], dtype=torch.float64), p["weight"],
                             p["bias"], s["training"], 0.2, 1e-5)
        elif op == "local_response_norm":
            y = F.local_response_norm(y, s["size"], 0.5, 0.75, 1.5)
        elif op == "dropout":
            y = y * torch.tensor(masks[i], dtype=torch.float64) / (1 - s["p"])
        elif op == "magnitude":
            y = torch.linalg.vector_norm(y, dim=1, keepdim=True)
        elif op == "flatten":
            y = y.reshape(1, -1)
        elif op == "linear":
            p["weight"], p["bias"] = leaf(s["weight"]), leaf(s["bias"])
            y = F.linear(y, p["weight"], p["bias"])
        y.retain_grad()
        outs.append(y)
        params.append(p)
    return outs, params


def torch_loss(y: torch.Tensor, kind: str, target: Any) -> torch.Tensor:
    if kind == "sum":
        return y.sum()
    if kind == "mse":
        return F.mse_loss(y[0], torch.tensor(target, dtype=torch.float64))
    if y.ndim == 2:  # logits (1, F)
        return F.cross_entropy(y, torch.tensor([target]))
    return F.cross_entropy(y, torch.tensor(target)[None])


def chain_with_head(rng: np.random.Generator) -> tuple[np.ndarray, list[dict[str, Any]], str, Any]:
    x, chain = random_chain(rng, OPS)
    shape = plan_pipeline(x.shape, parse_stages(chain))[-1].out_shape
    kind = str(rng.choice(["sum", "mse", "cross_entropy"]))
    if rng.random() < 0.5 or (kind == "cross_entropy" and len(shape) == 3 and shape[0] < 2):
        if len(shape) == 3:
            chain.append({"op": "flatten"})
        n = int(np.prod(shape))
        k = int(rng.integers(2, 5))
        chain.append({"op": "linear", "weight": rng.normal(size=(k, n)).tolist(),
                      "bias": rng.normal(size=k).tolist()})
        shape = (k,)
    if kind == "mse":
        target = rng.normal(size=shape).tolist()
    elif kind == "cross_entropy":
        target = int(rng.integers(0, shape[0])) if len(shape) == 1 else rng.integers(
            0, shape[0], size=shape[1:]).tolist()
    else:
        target = None
    return x, chain, kind, target


def test_every_gradient_of_random_chains_agrees_with_autograd() -> None:
    rng = np.random.default_rng(13)
    seen: dict[str, int] = {}
    for _ in range(CASES):
        x, chain, kind, target = chain_with_head(rng)
        runs = run_pipeline(x, plan_pipeline(x.shape, parse_stages(chain)))
        loss = loss_of(runs[-1].output, kind, target)
        grads = backward(runs, loss.grad)
        masks = {i: r.result.extra["mask"] for i, r in enumerate(runs) if r.op == "dropout"}
        xt = leaf(x)
        outs, params = torch_forward(xt, chain, masks)
        want = torch_loss(outs[-1], kind, target)
        want.backward()
        assert loss.value == pytest.approx(want.item(), rel=1e-10, abs=1e-12)
        assert xt.grad is not None
        np.testing.assert_allclose(grads[0].grad_input, xt.grad.numpy(), rtol=1e-8, atol=1e-10,
                                   err_msg=str(chain))
        for i, (sg, out, p) in enumerate(zip(grads, outs, params)):
            seen[sg.run.op] = seen.get(sg.run.op, 0) + 1
            assert out.grad is not None
            np.testing.assert_allclose(sg.grad_output, out.grad[0].numpy(), rtol=1e-8,
                                       atol=1e-10, err_msg=f"stage {i} of {chain}")
            names = {"kernel": "grad_kernel", "bias": "grad_bias", "weight": "grad_weight"}
            for name, t in p.items():
                assert t.grad is not None
                ours = sg.params[names[name]].reshape(t.grad.shape)
                np.testing.assert_allclose(ours, t.grad.numpy(), rtol=1e-8, atol=1e-10,
                                           err_msg=f"{name} of stage {i}: {chain}")
    assert all(seen.get(op, 0) >= 15 for op in (*OPS, "linear")), seen


def test_one_sgd_step_is_torch_optim_sgd() -> None:
    rng = np.random.default_rng(5)
    for _ in range(60):
        x, chain, kind, target = chain_with_head(rng)
        lr = float(rng.uniform(0.01, 0.5))
        runs = run_pipeline(x, plan_pipeline(x.shape, parse_stages(chain)))
        updated = sgd_step(backward(runs, loss_of(runs[-1].output, kind, target).grad), lr)
        masks = {i: r.result.extra["mask"] for i, r in enumerate(runs) if r.op == "dropout"}
        outs, params = torch_forward(leaf(x), chain, masks)
        leaves = [t for p in params for t in p.values()]
        if not leaves:
            continue
        opt = torch.optim.SGD(leaves, lr=lr)
        opt.zero_grad()
        torch_loss(outs[-1], kind, target).backward()
        opt.step()
        for new, p in zip(updated, params):
            for name, t in p.items():
                np.testing.assert_allclose(np.asarray(new[name]).reshape(t.shape),
                                           t.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_each_chain_rule_step_sums_its_products() -> None:
    """Upstream × local = product, and the products add up to the gradient (where every
    term is listed); the kernel's tap sums every position it was used at."""
    rng = np.random.default_rng(8)
    for _ in range(60):
        x, chain, kind, target = chain_with_head(rng)
        runs = run_pipeline(x, plan_pipeline(x.shape, parse_stages(chain)))
        for sg in backward(runs, loss_of(runs[-1].output, kind, target).grad):
            n = sg.grad_input.size
            for step in input_steps(sg, 0, n):
                assert "formula" in step and "∂L/∂x" in step["formula"]
                if "terms" in step and step["term_count"] == len(step["terms"]):
                    for t in step["terms"]:
                        assert t["product"] == pytest.approx(t["upstream"] * t["local"])
                    assert sum(t["product"] for t in step["terms"]) == pytest.approx(
                        step["grad"], abs=1e-9)
            for name, value in sg.params.items():
                steps = param_steps(sg, name, 0, value.size)
                assert [s["grad"] for s in steps] == pytest.approx(value.ravel().tolist(),
                                                                   abs=1e-9)


def test_a_stage_without_a_backward_pass_is_named() -> None:
    x = np.ones((1, 4, 4))
    runs = run_pipeline(x, plan_pipeline(x.shape, parse_stages(
        [{"op": "relu"}, {"op": "local_contrast_norm"}])))
    with pytest.raises(InputError) as err:
        backward(runs, np.ones((1, 4, 4)))
    assert err.value.loc == ("stages", 1, "op")  # type: ignore[attr-defined]
    with pytest.raises(InputError) as err:
        loss_of(np.ones(3), "cross_entropy", 3)
    assert err.value.field == "target"
