"""Exercises on backpropagation through a chain (deck 003's "other equations"): one
chain-rule factor through an activation and a pooling, the gradient of one kernel tap
through a small chain, and one SGD step of that tap.

Answers and worked steps come from engine/pipeline: the chain runs forward, then its
backward pass (the same as POST /api/pipeline/backward) with each stage's chain rule
written out cell by cell.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from engine.exercises.gen_conv import TOLERANCE
from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.exercises.numbers import cell_name, int_lists, num, small_ints
from engine.pipeline import parse_stages, plan_pipeline, run_pipeline
from engine.pipeline.backward import StageGrad, backward, loss_of
from engine.pipeline.chainrule import input_steps, param_steps

Array = NDArray[np.float64]
_ACTS = {1: ("relu", {}), 2: ("leaky_relu", {"negative_slope": 0.1}), 3: ("sigmoid", {})}
_ACT_TEXT = {"relu": "ReLU", "leaky_relu": "leaky ReLU with slope 0.1 below 0",
             "sigmoid": "the sigmoid σ(z) = 1 / (1 + e^−z)"}


def _grads(x: Array, stages: list[dict[str, Any]], grad: Array | None = None,
           loss: tuple[str, Any] = ("sum", None)) -> tuple[list[StageGrad], float | None]:
    runs = run_pipeline(x[None], plan_pipeline((1, *x.shape), parse_stages(stages)))
    if grad is not None:
        return backward(runs, grad[None]), None
    scored = loss_of(runs[-1].output, *loss)
    return backward(runs, scored.grad), scored.value


def _chain_text(stages: list[dict[str, Any]]) -> str:
    parts = []
    for s in stages:
        args = ", ".join(f"{k}={v}" for k, v in s.items() if k not in ("op", "kernel"))
        parts.append(f"{s['op']}({args})" if args else s["op"])
    return " → ".join(parts)


FINE = 0.001  # version 2's tolerance for answers that are small decimals (sigmoid chains)


def chain_factor(rng: np.random.Generator, difficulty: int, version: int = 2) -> Draft:
    """∂L/∂Z at one cell, Z through an activation, then pooling, with ∂L/∂P given.
    Version 2 draws ΔP from −9 … 9 (version 1: −2 … 3, so a quarter of the answers were
    one of three numbers) and asks the sigmoid's decimals to 3 places (±0.001)."""
    act, args = _ACTS[difficulty]
    pool: dict[str, Any] = {1: {"op": "max_pool2d", "kernel_size": 2},
            2: {"op": "avg_pool2d", "kernel_size": 2},
            3: {"op": "max_pool2d", "kernel_size": 2, "stride": 1}}[difficulty]
    while True:
        z = small_ints(rng, -3, 4, (4, 4))
        stages = [{"op": act, **args}, pool]
        out = (2, 2) if difficulty < 3 else (3, 3)
        dp = small_ints(rng, -9, 9, out) if version >= 2 else small_ints(rng, -2, 3, out)
        if not dp.all():
            continue
        grads, _ = _grads(z, stages, dp)
        dz = grads[0].grad_input[0]
        cells = np.argwhere(np.abs(dz) >= 5 * TOLERANCE)  # not to be guessed as 0
        if len(cells) and len(set(z.ravel())) > 4:
            break
    r, c = (int(v) for v in cells[rng.integers(0, len(cells))])
    index = r * 4 + c
    pool_step = input_steps(grads[1], index, index + 1)[0]
    act_step = input_steps(grads[0], index, index + 1)[0]
    pool_name = {"max_pool2d": "max pooling", "avg_pool2d": "average pooling"}[pool["op"]]
    stride = pool.get("stride", 2)
    prompt = (f"A = {act} applied to Z cell by cell ({_ACT_TEXT[act]}), then P = 2×2 "
              f"{pool_name} of A with stride {stride}. The loss gradient ΔP = ∂L/∂P is "
              f"given. What is ∂L/∂{cell_name('Z', r, c)} (rows and columns counting from "
              f"1)?")
    fine = act == "sigmoid" and version >= 2
    if act == "sigmoid":
        prompt += " Give it to 3 decimal places." if fine else " Give it to 2 decimal places."
    givens = (Given("input", "Z", int_lists(z)), Given("grad_output", "ΔP", int_lists(dp)),
              Given("activation", "activation", act, _ACT_TEXT[act]),
              Given("pooling", "pooling", pool, _chain_text([pool])),
              Given("cell", "cell", [r, c], cell_name("Z", r, c)))
    value = float(dz[r, c])
    zc, ac = cell_name("Z", r, c), cell_name("A", r, c)
    through_pool = pool_step["formula"].replace("∂L/∂x", f"∂L/∂{ac}")
    through_act = act_step["formula"].replace("∂L/∂x", f"∂L/∂{zc}").replace("∂L/∂y", f"∂L/∂{ac}")
    note = f" ({pool_step['note']})" if pool_step.get("note") else ""
    steps = (f"Through the pooling: {through_pool}{note}",
             f"Through the activation: {through_act}", f"∂L/∂{zc} = {num(value)}")
    return Draft("Chain rule through an activation and pooling", prompt, givens,
                 Answer("scalar", f"∂L/∂{cell_name('Z', r, c)}", np.array(value)), steps,
                 FINE if fine else TOLERANCE)


def _tap_chain(rng: np.random.Generator, difficulty: int, eta: float = 1.0, version: int = 1
               ) -> tuple[Array, Array, list[dict[str, Any]], tuple[str, Any], str,
                          list[StageGrad], tuple[int, int]]:
    """X, K, the chain, its loss, the loss in words, the gradients and a tap whose
    gradient (times η) is far from 0: neither 0 nor the tap itself is a right answer."""
    while True:
        wide = 6 if version >= 2 else 3  # version 2: inputs −5 … 6, sums less alike
        if difficulty == 1:
            x = small_ints(rng, 1 - wide, wide, (3, 3))
            k = small_ints(rng, -2, 2, (2, 2))
            stages = [{"op": "conv2d", "kernel": k.tolist()}, {"op": "relu"}]
            loss: tuple[str, Any] = ("sum", None)
            words = "L = Σ of every entry of A"
        elif difficulty == 2:
            x = small_ints(rng, 1 - wide, wide, (5, 5))
            k = small_ints(rng, -2, 2, (2, 2))
            stages = [{"op": "conv2d", "kernel": k.tolist()}, {"op": "relu"},
                      {"op": "max_pool2d", "kernel_size": 2}]
            loss = ("sum", None)
            words = "L = Σ of every entry of P"
        else:
            x, k = small_ints(rng, -2, 3, (4, 4)), small_ints(rng, -2, 2, (2, 2))
            target = small_ints(rng, 0, 1, (3, 3))
            stages = [{"op": "conv2d", "kernel": k.tolist(), "bias": 0.5}, {"op": "sigmoid"}]
            loss = ("mse", target)
            words = ("L = mean of (A − T)² over the 9 cells (PyTorch's mse_loss), T = "
                     f"{int_lists(target)}")
        if not k.any():
            continue
        grads, _ = _grads(x, stages, loss=loss)
        dk = grads[0].params["grad_kernel"][0, 0]
        taps = np.argwhere(np.abs(eta * dk) >= 5 * TOLERANCE)
        if len(taps):
            a, b = (int(v) for v in taps[rng.integers(0, len(taps))])
            return x, k, stages, loss, words, grads, (a, b)


def _loss_given(loss: tuple[str, Any], words: str) -> Given:
    kind, target = loss
    value = {"type": kind} if target is None else {"type": kind, "target": int_lists(target)}
    return Given("loss", "loss", value, words)


def _tap_steps(grads: list[StageGrad], tap: tuple[int, int]) -> list[str]:
    a, b = tap
    steps = []
    for sg in reversed(grads[1:]):  # from the loss back to the convolution's output
        first = input_steps(sg, 0, 1)[0]
        steps.append(f"Stage {sg.run.planned.index + 1} ({sg.run.op}), for example its first "
                     f"cell: {first['formula']}")
    dy = grads[0].grad_output[0]
    shown = int_lists(dy) if np.array_equal(dy, np.rint(dy)) else np.round(dy, 4).tolist()
    steps.append(f"So ∂L/∂Y (Y = X ⋆ K, the convolution's output) is {shown}.")
    step = param_steps(grads[0], "grad_kernel", a * 2 + b, a * 2 + b + 1)[0]
    steps.append(step["formula"].replace("∂L/∂w[1, 1, ", "∂L/∂K[")
                 + " (weight sharing: one sum over every position the tap was used at)")
    return steps


def _tap_prompt(difficulty: int, words: str) -> str:
    chain = {1: "Y = X ⋆ K (cross-correlation, stride 1, no padding), A = ReLU(Y)",
             2: "Y = X ⋆ K (cross-correlation, stride 1, no padding), A = ReLU(Y), P = 2×2 "
                "max pooling of A with stride 2",
             3: "Y = X ⋆ K + 0.5 (cross-correlation, stride 1, no padding, bias 0.5), A = "
                "σ(Y)"}[difficulty]
    return f"{chain}; {words}."


def _places(difficulty: int, version: int) -> str:
    if difficulty < 3:
        return ""
    return " Give it to 3 decimal places." if version >= 2 else " Give it to 2 decimal places."


def kernel_tap(rng: np.random.Generator, difficulty: int, version: int = 2) -> Draft:
    """∂L/∂K[a, b] through a convolution and an activation (and pooling). Version 2 draws
    inputs from −5 … 6 and asks level 3's decimals to 3 places (±0.001)."""
    x, k, stages, loss, words, grads, (a, b) = _tap_chain(rng, difficulty, version=version)
    value = float(grads[0].params["grad_kernel"][0, 0, a, b])
    prompt = (f"{_tap_prompt(difficulty, words)} What is ∂L/∂{cell_name('K', a, b)} (counting "
              f"from 1)?" + _places(difficulty, version))
    givens = (Given("input", "X", int_lists(x)), Given("kernel", "K", int_lists(k)),
              Given("tap", "tap", [a, b], cell_name("K", a, b)),
              Given("chain", "chain", stages, _chain_text(stages)), _loss_given(loss, words))
    return Draft("Gradient of a kernel tap through a small chain", prompt, givens,
                 Answer("scalar", f"∂L/∂{cell_name('K', a, b)}", np.array(value)),
                 tuple(_tap_steps(grads, (a, b))),
                 FINE if difficulty == 3 and version >= 2 else TOLERANCE)


_ETAS = {1: 0.5, 2: 0.25, 3: 2.0}


def sgd_tap(rng: np.random.Generator, difficulty: int, version: int = 3) -> Draft:
    """K[a, b] after one SGD step, K[a, b] − η·∂L/∂K[a, b]. Version 3 draws inputs from
    −5 … 6 and asks level 3's decimals to 3 places (versions 1 and 2 share a generator;
    2 redraws degenerate drafts)."""
    eta = _ETAS[difficulty]
    x, k, stages, loss, words, grads, (a, b) = _tap_chain(rng, difficulty, eta,
                                                          version=1 if version < 3 else 2)
    g = float(grads[0].params["grad_kernel"][0, 0, a, b])
    value = float(k[a, b] - eta * g)
    prompt = (f"{_tap_prompt(difficulty, words)} One step of plain SGD (no momentum) with "
              f"learning rate η = {eta} updates every weight: w := w − η·∂L/∂w. What is "
              f"{cell_name('K', a, b)} after the step (counting from 1)?"
              + _places(difficulty, 2 if version >= 3 else 1))
    givens = (Given("input", "X", int_lists(x)), Given("kernel", "K", int_lists(k)),
              Given("tap", "tap", [a, b], cell_name("K", a, b)),
              Given("chain", "chain", stages, _chain_text(stages)), _loss_given(loss, words),
              Given("learning_rate", "η", eta, str(eta)))
    steps = (*_tap_steps(grads, (a, b)),
             f"{cell_name('K', a, b)} := {num(float(k[a, b]))} − {eta}·({num(g)}) = {num(value)}")
    return Draft("One SGD step of a kernel tap", prompt, givens,
                 Answer("scalar", cell_name("K", a, b), np.array(value)), steps,
                 FINE if difficulty == 3 and version >= 3 else TOLERANCE)


_TAP_LEVELS = ("3×3 input, 2×2 kernel, ReLU, L = ΣA", "5×5 input, ReLU, 2×2 max pooling, L = ΣP",
               "bias and sigmoid, mean squared error against a target")
SPECS = (
    TypeSpec("chain-factor", "backward", "Chain rule through an activation and pooling",
             "∂L/∂Z at one cell, Z through an activation and a pooling, for a given ∂L/∂P.",
             "scalar", ("ReLU, 2×2 max pooling", "leaky ReLU, 2×2 average pooling",
                        "sigmoid, overlapping max pooling (stride 1)"), chain_factor,
             version=2, older=((1, partial(chain_factor, version=1)),)),
    TypeSpec("kernel-tap-grad", "backward", "Gradient of a kernel tap through a small chain",
             "∂L/∂K at one tap through a convolution, an activation and a loss: the "
             "weight-sharing sum.", "scalar", _TAP_LEVELS, kernel_tap,
             version=2, older=((1, partial(kernel_tap, version=1)),)),
    TypeSpec("sgd-step", "backward", "One SGD step of a kernel tap",
             "A kernel tap after one step of plain SGD, w − η·∂L/∂w, through a small chain.",
             "scalar", _TAP_LEVELS, sgd_tap,
             version=3, older=((1, partial(sgd_tap, version=1)),
                               (2, partial(sgd_tap, version=2)))),
)
