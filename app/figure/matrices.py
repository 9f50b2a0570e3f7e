"""The figures of the matrix views: convolution as C·vec(x) + b = vec(y) with the
step's row of C lit, and the backward pass, ΔY's cell scattering its share of W onto
ΔX, from the answers POST /api/conv2d/matrix and /api/conv2d/backward give the pages."""

from __future__ import annotations

from typing import Any

from app.figure.draw import (
    Cell,
    Grid,
    Kind,
    Mark,
    Panel,
    at3,
    cell_name,
    factor,
    fmt,
    shape_of,
    size_text,
)
from app.figure.style import Scale, image_like
from app.figure.windows import MAX_CHANNELS, as_channels, maps
from app.limits import check_limit

SMALL_CELL = 24


def _dense(matrix: dict[str, Any]) -> list[list[float]]:
    if matrix.get("dense") is not None:
        return [[float(v) for v in row] for row in matrix["dense"]]
    rows, cols = matrix["shape"]
    check_limit(("request",), "the cells of the matrix C this figure would draw", rows * cols,
                "max_figure_cells")
    dense = [[0.0] * cols for _ in range(rows)]
    for r, c, v in zip(matrix["rows"], matrix["cols"], matrix["values"], strict=True):
        dense[r][c] += float(v)
    return dense


def matrix(body: dict[str, Any], answer: dict[str, Any], step: int
           ) -> tuple[str, list[Panel], list[str]]:
    c = _dense(answer["matrix"])
    rows, cols = len(c), len(c[0])
    zero: Kind = "later"
    cells = [[Cell(v, "data" if v else zero) for v in row] for row in c]
    marks: dict[tuple[int, int], Mark] = {(step, k): "row" for k in range(cols)}
    cell = 32 if max(rows, cols) <= 10 else SMALL_CELL if max(rows, cols) <= 64 else \
        max(4, 1600 // max(rows, cols))
    c_panel = Panel("C", f"{rows} × {cols}", [Grid(cells, Scale.of(c, False), marks,
                                                   cell=cell)])
    x = answer["input_flat"]
    y = answer["output_flat"]
    xs = Panel("vec(x)ᵀ", f"{len(x)}", [Grid.of([x], cell=cell)])
    ys = Panel("vec(y)ᵀ", f"{len(y)}", [Grid(
        [[Cell(float(v), "data" if k <= step else "later") for k, v in enumerate(y)]],
        Scale.of(y, image_like(x)), {(0, step): "current"}, cell=cell)])
    terms = [f"{factor(w)}·{factor(float(x[k]))}" for k, w in enumerate(c[step]) if w]
    bias = float(answer["bias_flat"][step])
    tail = f" + {factor(bias)}" if bias else ""
    lines = [f"y{_sub(step + 1)} = row {step + 1} of C · vec(x){tail} = "
             f"{' + '.join(terms) or '0'}{tail} = {fmt(float(y[step]))}"]
    heading = (f"Convolution as a matrix product, step {step + 1} of "
               f"{answer['trace']['total']}: C·vec(x) + b = vec(y)")
    return heading, [c_panel, xs, ys], lines


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def backward(body: dict[str, Any], answer: dict[str, Any], step: int
             ) -> tuple[str, list[Panel], list[str]]:
    """The backward page's steps: ΔX's first (one per ΔY cell), then ΔW's (one per
    weight)."""
    nx = answer["trace"]["total"]
    if step >= nx:
        return _weight(body, answer, step, step - nx)
    s = answer["steps"][step - answer["trace"]["start"]]
    src = s["source"]
    dy = as_channels(answer["grad_output"])
    h, w = len(dy[0]), len(dy[0][0])
    done: dict[tuple[int, int, int], Kind] = {
        (ch, r, c): "data" if (ch * h + r) * w + c <= step else "later"
        for ch in range(len(dy)) for r in range(h) for c in range(w)}
    grad_out = Panel("ΔY", "the upstream gradient", maps(dy, {at3(src): "current"},
                                                        Scale.of(dy, False), done, "ΔY channel"))
    filters = _filters(body["kernel"])
    weights = filters[src[0]]
    kern = Panel("W", f"filter {src[0] + 1} of {len(filters)}" if len(filters) > 1
                 else "the kernel", [Grid.of(ch, Scale.of(filters, False)) for ch in
                                     weights[:MAX_CHANNELS]], across=len(weights) > 1)
    running = as_channels(s["running_sum"])
    targets: dict[tuple[int, int, int], Mark] = {
        (ch, t[0], t[1]): "window" for ch in s["channels"] for t in s["targets"]
        if t is not None}  # a tap on the padding hands its gradient to no input cell
    dx = Panel("ΔX so far", size_text(answer["grad_input"]),
               maps(running, targets, Scale.of(answer["grad_input"], False), caption="ΔX channel"))
    name = f"δ{cell_name('y', src[1], src[2])}"
    amounts = ", ".join(fmt(a) for a in s["amounts"][0])
    lines = [f"{name} = {fmt(s['grad'])} scatters {factor(s['grad'])}·W onto ΔX: it adds "
             f"{amounts} to the framed cells"]
    if step == answer["trace"]["total"] - 1:
        lines.append(f"ΔW = Σ δy·x over the windows; Δb = Σ ΔY = "
                     f"{', '.join(fmt(v) for v in answer['grad_bias'])}")
    heading = (f"Backward pass, step {step + 1} of {_total(answer)}: {name} "
               f"scatters into ΔX")
    return heading, [grad_out, kern, dx], lines


def _total(answer: dict[str, Any]) -> int:
    return int(answer["trace"]["total"]) + int(answer["kernel_trace"]["total"])


def _weight(body: dict[str, Any], answer: dict[str, Any], step: int, k: int
            ) -> tuple[str, list[Panel], list[str]]:
    """ΔW's step k: the weight's sum over every window position, δy·x."""
    s = answer["kernel_steps"][k - answer["kernel_trace"]["start"]]
    o, c, kh, kw = s["weight"]
    x = as_channels(body["input"])
    c_out = len(as_channels(answer["grad_output"]))
    per_group = len(_filters(answer["grad_kernel"])[0])
    channel = (o // max(1, c_out // answer["groups"])) * per_group + c
    (top, _), (left, _) = answer["padding"]
    read: dict[tuple[int, int, int], Mark] = {}
    for (r, col), pad in zip(s["window"], s["padding"], strict=True):
        if not pad:
            read[(channel, r - top, col - left)] = "window"
    inputs = Panel("X", "the input" + (" (its padding reads 0)" if any(s["padding"]) else ""),
                   maps(x, read, caption="X channel"))
    dy = Panel("ΔY", "the upstream gradient", maps(
        as_channels(answer["grad_output"]), {}, Scale.of(answer["grad_output"], False),
        caption="ΔY channel"))
    gk = answer["grad_kernel"]
    filters = _filters(gk)
    flat = [(oo, cc, r, col) for oo in range(len(filters)) for cc in range(len(filters[0]))
            for r in range(len(filters[0][0])) for col in range(len(filters[0][0][0]))]
    order = {w: i for i, w in enumerate(flat)}
    kinds: dict[tuple[int, int, int], Kind] = {
        (cc, r, col): "data" if order[(o, cc, r, col)] <= k else "later"
        for (oo, cc, r, col) in flat if oo == o}
    dw = Panel("ΔW so far", f"filter {o + 1} of {len(filters)}" if len(filters) > 1
               else size_text(gk), maps(filters[o], {(c, kh, kw): "current"},
                                        Scale.of(gk, False), kinds, "ΔW channel"))
    name = f"δ{cell_name('w', kh, kw)}"
    terms = [f"{factor(g)}·{factor(v)}" for g, v in zip(s["grads"], s["inputs"], strict=True)]
    lines = [f"{name} = Σ δy·x = {' + '.join(terms) or '0'} = {fmt(s['value'])}"]
    heading = (f"Backward pass, step {step + 1} of {_total(answer)}: {name}, the kernel's "
               f"gradient")
    return heading, [inputs, dy, dw], lines


def _filters(kernel: list[Any]) -> list[Any]:
    """The kernel as (C_out, C_in/groups, kH, kW): a (kH, kW) one is one filter of one
    channel, a (C_in, kH, kW) one a filter over C_in channels."""
    depth = len(shape_of(kernel))
    return [[kernel]] if depth == 2 else [kernel] if depth == 3 else kernel
