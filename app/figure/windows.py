"""The figures of the window views, convolution and pooling: the padded input with the
step's window framed, the kernel, the output filling in, and the step's formula, from
the same answer POST /api/conv2d or /api/pool2d gives the page (its trace page holds
the step)."""

from __future__ import annotations

from typing import Any

from app.figure.draw import (
    Cell,
    Grid,
    Kind,
    Mark,
    Panel,
    channel_name,
    factor,
    fmt,
    size_text,
)
from app.figure.style import Scale, image_like

MAX_TERMS = 27  # as core/formula.js: longer sums show their first 9 and last 4 terms
HEAD, TAIL = 9, 4
MAX_CHANNELS = 4  # channels drawn per map; more are named in the panel's note


def as_channels(nested: Any) -> list[Any]:
    """A map as (C, H, W) lists (a 2-D answer is one channel)."""
    if nested and isinstance(nested[0], list) and nested[0] and isinstance(nested[0][0], list):
        return list(nested)
    return [nested]


def _sum(terms: list[str]) -> str:
    if len(terms) > MAX_TERMS:
        terms = [*terms[:HEAD], "…", *terms[-TAIL:]]
    return " + ".join(terms)


def _is_pad(r: int, c: int, shape: tuple[int, int], padding: list[list[int]]) -> bool:
    (top, bottom), (left, right) = padding
    return r < top or r >= shape[0] - bottom or c < left or c >= shape[1] - right


def padded_grids(padded: list[Any], padding: list[list[int]], window: list[list[int]],
                 lit: set[int], corners: dict[tuple[int, int, int], str],
                 winner: tuple[int, int, int] | None = None) -> list[Grid]:
    """The padded input, channel by channel; the window framed on the channels in
    ``lit``, with ``corners`` (the ×weight notes) on its cells."""
    scale = Scale.of(padded)
    grids = []
    cell = 40 if max(len(padded[0]), len(padded[0][0])) <= 12 else 24
    for ch, rows in enumerate(padded[:MAX_CHANNELS]):
        shape = (len(rows), len(rows[0]))
        cells = [[Cell(float(v), "pad" if _is_pad(r, c, shape, padding) else "data",
                       corners.get((ch, r, c), "")) for c, v in enumerate(row)]
                 for r, row in enumerate(rows)]
        marks: dict[tuple[int, int], Mark] = {}
        if ch in lit:
            marks = {(r, c): "window" for r, c in window}
        if winner is not None and winner[0] == ch:
            marks[(winner[1], winner[2])] = "source"
        grids.append(Grid(cells, scale, marks, caption=f"channel {ch + 1}"
                          if len(padded) > 1 else "", cell=cell, numbers=cell >= 24))
    return grids


def maps(nested: list[Any], marks: dict[tuple[int, int, int], Mark],
         scale: Scale | None = None, kinds: dict[tuple[int, int, int], Kind] | None = None,
         caption: str = "channel") -> list[Grid]:
    """A (C, H, W) map (or an (H, W) one) as grids, ``marks`` and ``kinds`` by
    (channel, row, column)."""
    channels = as_channels(nested)
    scale = scale or Scale.of(channels)
    cell = 40 if max(len(channels[0]), len(channels[0][0])) <= 12 else 24
    return [Grid([[Cell(float(v), (kinds or {}).get((ch, r, c), "data"))
                   for c, v in enumerate(row)] for r, row in enumerate(rows)], scale,
                 {(r, c): m for (k, r, c), m in marks.items() if k == ch},
                 caption=f"{caption} {ch + 1}" if len(channels) > 1 else "", cell=cell)
            for ch, rows in enumerate(channels[:MAX_CHANNELS])]


def output_grids(output: list[Any], step: int, letter: str = "h", picture: bool = False
                 ) -> list[Grid]:
    """The output filling in: cells before ``step`` computed, the step's framed, the rest
    faded (not computed yet); steps run over channels, then rows, then columns."""
    channels = as_channels(output)
    scale = Scale.of(channels, picture)
    h, w = len(channels[0]), len(channels[0][0])
    cell = 40 if max(h, w) <= 12 else 24
    grids = []
    for ch, rows in enumerate(channels[:MAX_CHANNELS]):
        def kind(r: int, c: int, ch: int = ch) -> Kind:
            index = (ch * h + r) * w + c
            return "data" if index <= step else "later"
        cells = [[Cell(float(v), kind(r, c)) for c, v in enumerate(row)]
                 for r, row in enumerate(rows)]
        at = divmod(step, h * w)
        marks: dict[tuple[int, int], Mark] = {}
        if at[0] == ch:
            marks[divmod(at[1], w)] = "current"
        grids.append(Grid(cells, scale, marks, caption=f"{letter} channel {ch + 1}"
                          if len(channels) > 1 else "", cell=cell, numbers=cell >= 24))
    return grids


def _more(shown: int, total: int, what: str) -> str:
    return f" · {shown} of {total} {what} drawn" if total > shown else ""


def conv2d(body: dict[str, Any], response: dict[str, Any], step: int
           ) -> tuple[str, list[Panel], list[str]]:
    s = _step(response, step)
    padded, kernel = response["padded_input"], response["kernel"]
    c_out, per_group = len(kernel), len(kernel[0])
    group = s["out"][0] // max(1, c_out // response["groups"])
    first = group * per_group
    weights = kernel[s["out"][0]]
    flat_w = [[float(v) for row in ch for v in row] for ch in weights]
    corners = {(first + ci, r, c): f"×{fmt(flat_w[ci][t])}"
               for ci in range(per_group) for t, (r, c) in enumerate(s["window"])}
    inputs = Panel("Input", size_text(padded) + (" padded" if any(map(any, response["padding"]))
                                              else "") + _more(min(len(padded), MAX_CHANNELS),
                                                               len(padded), "channels"),
                   padded_grids(padded, response["padding"], s["window"],
                                set(range(first, first + per_group)), corners),
                   across=len(padded) > 1)
    rotated = " (rotated 180°)" if response.get("flip_kernel") else ""
    kern = Panel("Kernel" + rotated, f"filter {s['out'][0] + 1} of {c_out}" if c_out > 1
                 else size_text(weights), [Grid.of(ch, Scale.of(kernel, False)) for ch in
                                       weights[:MAX_CHANNELS]], across=per_group > 1)
    output = response["output"]
    out = Panel("Output", size_text(output), output_grids(output, step,
                                                      picture=image_like(padded)))
    name = channel_name("h", s["out"], c_out)
    lines = []
    for ci in range(per_group):
        terms = [f"{factor(_x(padded, first + ci, pos))}·{factor(w)}"
                 for w, pos in zip(flat_w[ci], s["window"], strict=True)]
        head = f"channel {first + ci + 1}: " if per_group > 1 else f"{name} = "
        lines.append(f"{head}{_sum(terms)} = {fmt(s['partial_sums'][ci])}")
    bias = float(s["bias"])
    if per_group > 1:
        parts = [fmt(v) for v in s["partial_sums"]] + ([factor(bias)] if bias else [])
        lines.append(f"{name} = {' + '.join(parts)} = {fmt(s['value'])}")
    elif bias:
        lines[0] = lines[0].rsplit(" = ", 1)[0] + f" + {factor(bias)} = {fmt(s['value'])}"
    heading = (f"Convolution, step {step + 1} of {response['trace']['total']}: {name} · "
               f"{_params(response)}")
    return heading, [inputs, kern, out], lines


def _x(padded: list[Any], ch: int, pos: list[int]) -> float:
    return float(padded[ch][pos[0]][pos[1]])


def _params(response: dict[str, Any]) -> str:
    def pair(v: list[int]) -> str:
        return str(v[0]) if v[0] == v[1] else f"{v[0]} × {v[1]}"
    (top, bottom), (left, right) = response["padding"]
    pads = str(top) if len({top, bottom, left, right}) == 1 else f"{top},{bottom},{left},{right}"
    return (f"stride {pair(response['stride'])} · padding {pads} · "
            f"dilation {pair(response['dilation'])}")


def _step(response: dict[str, Any], step: int) -> dict[str, Any]:
    start = response["trace"]["start"]
    found: dict[str, Any] = response["steps"][step - start]
    return found


def pool2d(body: dict[str, Any], response: dict[str, Any], step: int
           ) -> tuple[str, list[Panel], list[str]]:
    s = _step(response, step)
    padded = response["padded_input"]
    ch = s["out"][0]
    winner = None
    if s.get("winner") is not None:
        r, c = s["window"][s["winner"]]
        winner = (ch, r, c)
    inputs = Panel("Input", size_text(padded) + (" padded" if any(map(any, response["padding"]))
                                              else ""),
                   padded_grids(padded, response["padding"], s["window"], {ch}, {}, winner),
                   across=len(padded) > 1)
    output = response["output"]
    out = Panel("Output", size_text(output), output_grids(output, step,
                                                      picture=image_like(padded)))
    name = channel_name("h", s["out"], len(as_channels(output)))
    values = [fmt(v) for v in s["values"]]
    mode = response["mode"]
    if mode == "avg":
        line = (f"{name} = ({' + '.join(values)}) / {fmt(s['divisor'])} = "
                f"{fmt(s['sum'])} / {fmt(s['divisor'])} = {fmt(s['value'])}")
    else:
        line = f"{name} = {mode}({', '.join(values)}) = {fmt(s['value'])}"
    k = response["kernel_size"]
    heading = (f"{mode.capitalize()} pooling {k[0]} × {k[1]}, step {step + 1} of "
               f"{response['trace']['total']}: {name} · {_params(response)}")
    return heading, [inputs, out], [line]
