"""A computed stage, cell by cell: the step of any output cell (its formula with the
numbers), and the map of which cells of the stage's input each output cell reads.

The reads are per axis, from the index maps the operations compute with: for a sliding
window, output row ``o`` reads the input rows of ``rows[o]`` (padding read as zeros
dropped, reflected or replicated padding mapped to the cell it copies). A set of output
cells that is a product of channels × rows × columns reads a product set again, so a
view composes these lists stage by stage back to the picture. ``"same"``: the cell at
the same index; ``"all"``: every index along that axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.conv import conv2d_trace, run_conv2d
from engine.pipeline.plan import POOLS
from engine.pipeline.run import StageRun
from engine.pipeline.spec import ACTIVATIONS
from engine.pool import pool2d_trace
from engine.stages import MAX_TERMS, factor, num
from engine.transposed import equivalent_conv

Reads = dict[str, Any]


def _lists(source: np.ndarray, taps: np.ndarray) -> list[list[int]]:
    """Per output index, the sorted input indices its taps read (``source`` maps a padded
    position to the input index it copies, −1 for a zero)."""
    read = source[taps]
    return [sorted({int(v) for v in row if v >= 0}) for row in read]


def _groups(c_out: int, c_in: int, groups: int) -> list[list[int]]:
    per_in, per_out = c_in // groups, c_out // groups
    return [list(range((o // per_out) * per_in, (o // per_out + 1) * per_in))
            for o in range(c_out)]


def _inverse(taps: np.ndarray, size: int) -> list[list[int]]:
    """Per output index, the input indices whose taps land on it (a scatter's reads)."""
    out: list[set[int]] = [set() for _ in range(size)]
    for i, row in enumerate(taps):
        for o in row:
            if 0 <= o < size:
                out[int(o)].add(i)
    return [sorted(s) for s in out]


def reads(run: StageRun) -> Reads:
    """Which cells of its input each output cell of the stage reads (see the module)."""
    op, a, r = run.op, run.planned.stage.args, run.result
    if op == "conv2d":
        imap = r.index_map
        return {"channels": _groups(r.kernel.shape[0], r.padded_input.shape[0], r.groups),
                "height": _lists(imap.row_source, imap.rows),
                "width": _lists(imap.col_source, imap.cols)}
    if op in POOLS:
        imap = r.index_map
        return {"channels": "same", "height": _lists(imap.row_source, imap.rows),
                "width": _lists(imap.col_source, imap.cols)}
    if op == "conv_transpose2d":
        imap = r.index_map
        (top, _), (left, _) = imap.padding
        c_in, h, w = r.input.shape
        rows = imap.row_taps(np.arange(h)) - top
        cols = imap.col_taps(np.arange(w)) - left
        return {"channels": _groups(r.output.shape[0], c_in, r.groups),
                "height": _inverse(rows, r.output.shape[1]),
                "width": _inverse(cols, r.output.shape[2])}
    if op == "max_unpool2d":
        # Structurally: the input cells whose pooling window covers the output cell.
        k, p = a["kernel_size"], a["padding"]
        s = a["stride"] or k
        axes = []
        for i in range(2):
            n_in = run.input.shape[i + 1]
            taps = np.arange(n_in)[:, None] * s[i] - p[i] + np.arange(k[i])[None, :]
            axes.append(_inverse(taps, run.output.shape[i + 1]))
        return {"channels": "same", "height": axes[0], "width": axes[1]}
    if op == "flatten":
        return {"flatten": True}
    if op == "linear":
        return {"all": True}
    if op == "magnitude":
        return {"channels": "all", "height": "same", "width": "same"}
    if op == "batch_norm2d" and a["training"]:
        return {"channels": "same", "height": "all", "width": "all"}
    if op == "local_response_norm":
        c, size = run.input.shape[0], a["size"]
        return {"channels": [list(range(max(0, o - size // 2), min(c, o + (size - 1) // 2 + 1)))
                             for o in range(c)], "height": "same", "width": "same"}
    if op == "local_contrast_norm":
        if a["mode"] == "brightness":
            return {"channels": "all", "height": "same", "width": "same"}
        half = r.extra["size"] // 2
        h, w = run.input.shape[1:]
        return {"channels": "all",
                "height": [list(range(max(0, o - half), min(h, o + half + 1))) for o in range(h)],
                "width": [list(range(max(0, o - half), min(w, o + half + 1))) for o in range(w)]}
    if run.output.ndim == 1:
        return {"same": True}
    return {"channels": "same", "height": "same", "width": "same"}


def _at(shape: tuple[int, ...], index: int) -> list[int]:
    return [int(i) for i in np.unravel_index(index, shape)]


def _sum_text(weights: list[float], values: list[float], tail: float | None) -> str:
    terms = [f"{factor(w)}·{factor(v)}" for w, v in zip(weights[:MAX_TERMS], values[:MAX_TERMS])]
    more = f" + … ({len(weights) - MAX_TERMS} more)" if len(weights) > MAX_TERMS else ""
    bias = f" + {factor(tail)}" if tail else ""
    return " + ".join(terms) + more + bias


def _conv_steps(result: Any, start: int, stop: int, prefix: str) -> list[dict[str, Any]]:
    t = conv2d_trace(result, start=start, limit=stop - start)
    c_out, per_group = result.kernel.shape[:2]
    weights = result.kernel.reshape(c_out, -1)
    steps = []
    for j in range(stop - start):
        co, row, col = (int(v) for v in t.out[j])
        g = co // (c_out // result.groups)
        chans = np.arange(g * per_group, (g + 1) * per_group)
        rows, cols = t.window[j, :, 0], t.window[j, :, 1]
        vals = result.padded_input[chans[:, None], rows[None, :], cols[None, :]].ravel()
        value, bias = float(t.value[j]), float(t.bias[j])
        text = _sum_text([float(w) for w in weights[co]], [float(v) for v in vals], bias)
        steps.append({"index": start + j, "at": [co, row, col], "output": value,
                      "formula": f"{prefix}Σ w·x + b = {text} = {num(value)}",
                      "note": f"filter {co + 1}: {weights.shape[1]} products over "
                              f"{per_group} input channel(s)"})
    return steps


def _pool_steps(run: StageRun, start: int, stop: int) -> list[dict[str, Any]]:
    r = run.result
    t = pool2d_trace(r, start=start, limit=stop - start)
    steps = []
    for j in range(stop - start):
        co, row, col = (int(v) for v in t.out[j])
        real = t.values[j][~t.padding[j]]
        vals = [float(v) for v in real[:MAX_TERMS + 1]]  # what the formula writes out
        shown = ", ".join(num(v) for v in vals[:MAX_TERMS]) + (", …" if len(vals) > MAX_TERMS
                                                               else "")
        value = float(t.value[j])
        if r.mode == "avg":
            assert t.total is not None and t.divisor is not None
            text = f"({' + '.join(factor(v) for v in vals[:MAX_TERMS])}" + (
                " + …" if len(vals) > MAX_TERMS else "") + \
                f") / {num(float(t.divisor[j]))} = {num(float(t.total[j]))} / " \
                f"{num(float(t.divisor[j]))} = {num(value)}"
        else:
            text = f"{r.mode}({shown}) = {num(value)}"
        steps.append({"index": start + j, "at": [co, row, col], "output": value,
                      "formula": text})
    return steps


def _unpool_steps(run: StageRun, start: int, stop: int) -> list[dict[str, Any]]:
    u = run.result
    c, ho, wo = run.output.shape
    writer = np.full(run.output.size, -1)
    flat = (np.arange(c)[:, None, None] * (ho * wo) + u.targets).ravel()
    writer[flat] = np.arange(flat.size)  # the last write wins, as in the output
    steps = []
    for i in range(start, stop):
        at, value = _at(run.output.shape, i), float(run.output.flat[i])
        if writer[i] < 0:
            text = "0: no pooling winner came from here"
        else:
            src = _at(run.input.shape, int(writer[i]))
            text = (f"x[{src[0] + 1}, {src[1] + 1}, {src[2] + 1}] = {num(value)}: the max of its "
                    f"window came from here (counting from 1)")
        steps.append({"index": i, "at": at, "output": value, "formula": text})
    return steps


def steps(run: StageRun, start: int, stop: int) -> list[dict[str, Any]]:
    """The steps of output cells ``start`` to ``stop − 1`` (row-major over the output)."""
    op = run.op
    if op == "conv2d":
        return _conv_steps(run.result, start, stop, "")
    if op == "conv_transpose2d":
        eq = run_conv2d(equivalent_conv(run.result))
        return _conv_steps(eq, start, stop, "(as the equivalent direct convolution) ")
    if op in POOLS:
        return _pool_steps(run, start, stop)
    if op == "max_unpool2d":
        return _unpool_steps(run, start, stop)
    out = []
    for i in range(start, stop):
        at, value = _at(run.output.shape, i), float(run.output.flat[i])
        if op == "magnitude":
            col = run.input[:, at[1], at[2]]
            squares = " + ".join(f"{factor(float(v))}²" for v in col[:MAX_TERMS])
            more = " + …" if col.size > MAX_TERMS else ""
            text = f"√(Σ_c x_c²) = √({squares}{more}) = {num(value)}"
            out.append({"index": i, "at": at, "output": value, "formula": text})
        elif op == "flatten":
            src = _at(run.input.shape, i)
            out.append({"index": i, "at": at, "output": value,
                        "formula": f"y{i + 1} = x[{', '.join(str(v + 1) for v in src)}] = "
                                   f"{num(value)} (row by row, counting from 1)"})
        else:
            step = run.result.step(i)
            if op == "batch_norm2d":
                step["at"] = step["at"][1:]  # one sample: no batch index
            out.append(step)
    return out


OPS_WITH_STEPS = frozenset({"conv2d", "conv_transpose2d", "max_unpool2d", "magnitude",
                            "flatten", *POOLS, *ACTIVATIONS, "batch_norm2d",
                            "local_response_norm", "local_contrast_norm", "dropout", "linear"})
