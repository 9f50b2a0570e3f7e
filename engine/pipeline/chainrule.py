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


class _Inverse:
    """Per input index, the (output index, tap) pairs whose read lands on it, for one
    axis of an index map: built once for a page of steps (one pass over the table)."""

    def __init__(self, source: np.ndarray, taps: np.ndarray) -> None:
        read = source[taps]  # (outputs, taps): the input index each read lands on
        order = np.argsort(read, axis=None, kind="stable")
        flat = read.reshape(-1)[order]
        self.order, self.flat, self.width = order, flat, taps.shape[1]

    def __call__(self, target: int) -> list[tuple[int, int]]:
        lo, hi = np.searchsorted(self.flat, [target, target + 1])
        return [(int(k) // self.width, int(k) % self.width) for k in self.order[lo:hi]]


def _terms_text(terms: list[dict[str, Any]], total: int) -> str:
    shown = " + ".join(f"{factor(t['upstream'])}·{factor(t['local'])}" for t in terms[:12])
    more = f" + … ({total - 12} more)" if total > 12 else ""
    return (shown + more) if terms else "0 (no output reads this cell)"


def _window_terms(sg: StageGrad, at: list[int], inverse: tuple[_Inverse, _Inverse]
                  ) -> tuple[list[dict[str, Any]], int]:
    """Terms of a conv or pool input cell, every (output, tap) whose read lands on it: the
    first MAX_TERMS of them (max and min pooling: of the windows it won), and how many."""
    run, r, g = sg.run, sg.run.result, sg.grad_output
    c, row, col = at
    rows, cols = inverse[0](row), inverse[1](col)
    terms: list[dict[str, Any]] = []
    if run.op == "conv2d":
        c_out, per = r.kernel.shape[:2]
        group = c // per
        per_out = c_out // r.groups
        count = per_out * len(rows) * len(cols)
        for co in range(group * per_out, (group + 1) * per_out):
            for oy, tr in rows:
                for ox, tc in cols:
                    if len(terms) == MAX_TERMS:
                        return terms, count
                    w = float(r.kernel[co, c - group * per, tr, tc])
                    up = float(g[co, oy, ox])
                    terms.append({"from": [co, oy, ox], "upstream": up, "local": w,
                                  "product": up * w, "tap": [tr, tc]})
        return terms, count
    w_in = run.input.shape[2]
    count = 0
    for oy, tr in rows:
        for ox, tc in cols:
            if r.mode == "avg":
                local = 1.0 / float(r.divisors[oy, ox])
            elif int(r.indices[c, oy, ox]) == row * w_in + col:
                local = 1.0
            else:
                continue  # lost this window: ∂y/∂x is 0
            count += 1
            if len(terms) < MAX_TERMS:
                up = float(g[c, oy, ox])
                terms.append({"from": [c, oy, ox], "upstream": up, "local": local,
                              "product": up * local, "tap": [tr, tc]})
    return terms, count


def per_step(sg: StageGrad, of: str) -> int:
    """About how many terms one step of ``of`` walks: what a page of them may hold."""
    run, r = sg.run, sg.run.result
    if of != "grad_input":
        return int(np.prod(run.output.shape[1:])) if run.op == "conv2d" else 1
    if run.op == "conv2d":
        return int(r.kernel.shape[0] // r.groups * r.kernel.shape[2] * r.kernel.shape[3])
    if run.op in POOLS:
        return int(np.prod(r.index_map.kernel_size))
    if run.op == "linear":
        return int(r.extra["weight"].shape[0])
    return 1


def input_steps(sg: StageGrad, start: int, stop: int) -> list[dict[str, Any]]:
    """∂L/∂x for input cells ``start`` to ``stop − 1`` of the stage (row-major)."""
    run, op = sg.run, sg.run.op
    steps = []
    inverse = None
    if op in ("conv2d", *POOLS):
        imap = run.result.index_map
        inverse = (_Inverse(imap.row_source, imap.rows), _Inverse(imap.col_source, imap.cols))
    for i in range(start, stop):
        at = _at(run.input.shape, i)
        value = float(sg.grad_input.flat[i])
        step: dict[str, Any] = {"index": i, "at": at, "grad": value}
        if op in ("conv2d", *POOLS):
            assert inverse is not None
            terms, count = _window_terms(sg, at, inverse)
            if op in ("max_pool2d", "min_pool2d"):
                windows = len(inverse[0](at[1])) * len(inverse[1](at[2]))
                step["note"] = (f"{windows} window(s) hold this cell; it won in {count} "
                                f"(∂y/∂x is 1 for the winner, 0 for the others)")
            elif op == "avg_pool2d":
                step["note"] = "each window passes 1/(its divisor) of its gradient"
            else:
                step["note"] = ("one term per (output, tap) that read this cell: weight "
                                "sharing sums over every position")
            step["terms"] = terms
            step["term_count"] = count
            text = _terms_text(terms, count)
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
            count = int(keep.sum())
            first = np.flatnonzero(keep)[:MAX_TERMS]
            terms = [{"from": [int(t.weight[j, 0]), int(t.window[j, p, 0]), int(t.window[j, p, 1])],
                      "upstream": float(t.grads[j, p]), "local": float(t.inputs[j, p]),
                      "product": float(t.grads[j, p] * t.inputs[j, p])} for p in first]
            text = _terms_text(terms, count)
            value = float(t.value[j])
            co, ci, kr, kc = (int(v) for v in t.weight[j])
            steps.append({"index": start + j, "at": [co, ci, kr, kc], "grad": value,
                          "terms": terms, "term_count": count,
                          "formula": f"∂L/∂w[{co + 1}, {ci + 1}, {kr + 1}, {kc + 1}] = Σ over the "
                                     f"{count} positions ∂L/∂y·x = {text} = {num(value)}",
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
