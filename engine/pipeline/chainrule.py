"""The chain rule of one stage, cell by cell: for a cell of its input, every output that
reads it, its upstream gradient ∂L/∂y, the local derivative ∂y/∂x and their product, then
the sum; for a kernel tap, every position the tap was used at (weight sharing: one sum
over all of them). Positions count from 0 in ``at`` and ``from``; formulas count from 1."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.backward import kernel_grad_trace
from engine.pipeline.backward import StageGrad
from engine.pipeline.plan import POOLS
from engine.pipeline.spec import ACTIVATIONS
from engine.stages import factor, num

MAX_TERMS = 64  # terms a step lists; the sum is over all of them


def _at(shape: tuple[int, ...], index: int) -> list[int]:
    return [int(i) for i in np.unravel_index(index, shape)]


def _pairs(source: np.ndarray, taps: np.ndarray, target: int) -> list[tuple[int, int]]:
    """(output index, tap) pairs whose read lands on input index ``target``."""
    hits = np.argwhere(source[taps] == target)
    return [(int(o), int(t)) for o, t in hits]


def _terms_text(terms: list[dict[str, Any]], total: int) -> str:
    shown = " + ".join(f"{factor(t['upstream'])}·{factor(t['local'])}" for t in terms[:12])
    more = f" + … ({total - 12} more)" if total > 12 else ""
    return (shown + more) if terms else "0 (no output reads this cell)"


def _window_terms(sg: StageGrad, at: list[int]) -> list[dict[str, Any]]:
    """Terms of a conv or pool input cell: every (output, tap) whose read lands on it."""
    run, r, g = sg.run, sg.run.result, sg.grad_output
    c, row, col = at
    imap = r.index_map
    rows, cols = _pairs(imap.row_source, imap.rows, row), _pairs(imap.col_source, imap.cols, col)
    terms: list[dict[str, Any]] = []
    if run.op == "conv2d":
        c_out, per = r.kernel.shape[:2]
        group = c // per
        per_out = c_out // r.groups
        for co in range(group * per_out, (group + 1) * per_out):
            for oy, tr in rows:
                for ox, tc in cols:
                    w = float(r.kernel[co, c - group * per, tr, tc])
                    up = float(g[co, oy, ox])
                    terms.append({"from": [co, oy, ox], "upstream": up, "local": w,
                                  "product": up * w, "tap": [tr, tc]})
        return terms
    w_in = run.input.shape[2]
    for oy, tr in rows:
        for ox, tc in cols:
            up = float(g[c, oy, ox])
            if r.mode == "avg":
                local = 1.0 / float(r.divisors[oy, ox])
            else:
                local = 1.0 if int(r.indices[c, oy, ox]) == row * w_in + col else 0.0
            terms.append({"from": [c, oy, ox], "upstream": up, "local": local,
                          "product": up * local, "tap": [tr, tc]})
    return terms


def input_steps(sg: StageGrad, start: int, stop: int) -> list[dict[str, Any]]:
    """∂L/∂x for input cells ``start`` to ``stop − 1`` of the stage (row-major)."""
    run, op = sg.run, sg.run.op
    steps = []
    for i in range(start, stop):
        at = _at(run.input.shape, i)
        value = float(sg.grad_input.flat[i])
        step: dict[str, Any] = {"index": i, "at": at, "grad": value}
        if op in ("conv2d", *POOLS):
            terms = _window_terms(sg, at)
            if op in ("max_pool2d", "min_pool2d"):
                windows = len(terms)
                terms = [t for t in terms if t["local"]]
                step["note"] = (f"{windows} window(s) hold this cell; it won in {len(terms)} "
                                f"(∂y/∂x is 1 for the winner, 0 for the others)")
            elif op == "avg_pool2d":
                step["note"] = "each window passes 1/(its divisor) of its gradient"
            else:
                step["note"] = ("one term per (output, tap) that read this cell: weight "
                                "sharing sums over every position")
            step["terms"] = terms[:MAX_TERMS]
            step["term_count"] = len(terms)
            text = _terms_text(terms, len(terms))
            step["formula"] = f"∂L/∂x = Σ ∂L/∂y·∂y/∂x = {text} = {num(value)}"
            if op in ("max_pool2d", "min_pool2d") and not terms:
                step["formula"] = f"∂L/∂x = 0: it won none of the {windows} window(s) it is in"
        elif op in (*ACTIVATIONS, "dropout", "magnitude"):
            up = float(sg.grad_output.flat[i] if op != "magnitude" else
                       sg.grad_output[0, at[1], at[2]])
            local = float(sg.extra["local"].flat[i])
            name = {"dropout": "mask/(1 − p)", "magnitude": "x/‖x‖"}.get(op, f"{op}′(x)")
            step["terms"] = [{"from": at if op != "magnitude" else [0, at[1], at[2]],
                              "upstream": up, "local": local, "product": up * local}]
            step["term_count"] = 1
            step["formula"] = f"∂L/∂x = ∂L/∂y·{name} = {factor(up)}·{factor(local)} = {num(value)}"
        elif op == "flatten":
            f = i
            up = float(sg.grad_output[f])
            step["terms"] = [{"from": [f], "upstream": up, "local": 1.0, "product": up}]
            step["term_count"] = 1
            step["formula"] = f"∂L/∂x = ∂L/∂y{f + 1} = {num(value)} (flatten moves, never changes)"
        elif op == "linear":
            w = run.result.extra["weight"]
            terms = [{"from": [o], "upstream": float(sg.grad_output[o]), "local": float(w[o, i]),
                      "product": float(sg.grad_output[o] * w[o, i])} for o in range(w.shape[0])]
            step["terms"] = terms[:MAX_TERMS]
            step["term_count"] = len(terms)
            text = _terms_text(terms, len(terms))
            step["formula"] = f"∂L/∂x = Σ_o ∂L/∂y_o·W[o, {i + 1}] = {text} = {num(value)}"
        elif op == "batch_norm2d":
            step["formula"] = _bn_text(sg, at, value)
        elif op == "local_response_norm":
            e = sg.extra
            d, a = float(e["direct"].flat[i]), float(e["around"].flat[i])
            p = run.result.extra
            x = float(run.input.flat[i])
            step["formula"] = (f"∂L/∂x = g·D^−β − (2αβ/n)·x·Σ_c g_c·x_c·D_c^(−β−1) = {num(d)} − "
                               f"(2·{num(p['alpha'])}·{num(p['beta'])}/{p['size']})·{factor(x)}·"
                               f"{factor(a)} = {num(value)}")
        steps.append(step)
    return steps


def _bn_text(sg: StageGrad, at: list[int], value: float) -> str:
    e, p = sg.extra, sg.run.result.extra
    c = at[0]
    g = float(sg.grad_output[tuple(at)])
    gamma, inv = float(p["weight"][c]), float(e["inv"][c])
    if not p["training"]:
        return f"∂L/∂x = g·γ/√(σ² + ε) = {factor(g)}·{factor(gamma)}·{num(inv)} = {num(value)}"
    xhat = float(e["xhat"][tuple(at)])
    return (f"∂L/∂x = (1/√(σ² + ε))·(γg − mean(γg) − x̂·mean(γg·x̂)) = {num(inv)}·("
            f"{factor(gamma * g)} − {factor(float(e['mean_g'][c]))} − {factor(xhat)}·"
            f"{factor(float(e['mean_gx'][c]))}) = {num(value)} (the means over channel "
            f"{c + 1}: every cell of it moves μ and σ²)")


def param_steps(sg: StageGrad, name: str, start: int, stop: int) -> list[dict[str, Any]]:
    """∂L/∂(a parameter) entry by entry: ``grad_kernel`` (each tap summed over every
    position it was used at), ``grad_weight`` / ``grad_bias``."""
    run, op = sg.run, sg.run.op
    grad = sg.params[name]
    steps = []
    if op == "conv2d" and name == "grad_kernel":
        t = kernel_grad_trace(sg.extra["conv"], start=start, limit=stop - start)
        for j in range(stop - start):
            keep = ~t.padding[j] | (t.inputs[j] != 0)
            ups, xs = t.grads[j][keep], t.inputs[j][keep]
            terms = [{"from": [int(t.weight[j, 0]), int(r), int(c)], "upstream": float(u),
                      "local": float(x), "product": float(u * x)}
                     for (r, c), u, x in zip(t.window[j][keep], ups, xs)]
            text = _terms_text(terms, len(terms))
            value = float(t.value[j])
            co, ci, kr, kc = (int(v) for v in t.weight[j])
            steps.append({"index": start + j, "at": [co, ci, kr, kc], "grad": value,
                          "terms": terms[:MAX_TERMS], "term_count": len(terms),
                          "formula": f"∂L/∂w[{co + 1}, {ci + 1}, {kr + 1}, {kc + 1}] = Σ over the "
                                     f"{len(terms)} positions ∂L/∂y·x = {text} = {num(value)}",
                          "note": "weight sharing: the one weight is used at every position, "
                                  "so its gradient sums them all"})
        return steps
    for i in range(start, stop):
        at = _at(grad.shape, i)
        value = float(grad.flat[i])
        if name == "grad_bias" and op in ("conv2d", "batch_norm2d"):
            text = f"∂L/∂b{at[0] + 1} = Σ ∂L/∂y over map {at[0] + 1} = {num(value)}"
        elif name == "grad_bias":
            text = f"∂L/∂b{at[0] + 1} = ∂L/∂y{at[0] + 1} = {num(value)}"
        elif op == "linear":
            o, k = at
            g = float(sg.grad_output[o])
            x = float(run.result.extra["flat"][k])
            text = (f"∂L/∂W[{o + 1}, {k + 1}] = ∂L/∂y{o + 1}·x{k + 1} = {factor(g)}·{factor(x)} "
                    f"= {num(value)}")
        else:  # batch norm's γ
            text = f"∂L/∂γ{at[0] + 1} = Σ ∂L/∂y·x̂ over map {at[0] + 1} = {num(value)}"
        steps.append({"index": i, "at": at, "grad": value, "formula": text})
    return steps
