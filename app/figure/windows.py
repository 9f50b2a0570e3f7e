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
    cell_for,
    channel_name,
    factor,
    fmt,
    shape_of,
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
    cell = cell_for(max(len(padded[0]), len(padded[0][0])))
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
                          if len(padded) > 1 else "", cell=cell))
    return grids


def maps(nested: list[Any], marks: dict[tuple[int, int, int], Mark],
         scale: Scale | None = None, kinds: dict[tuple[int, int, int], Kind] | None = None,
         caption: str = "channel") -> list[Grid]:
    """A (C, H, W) map (or an (H, W) one) as grids, ``marks`` and ``kinds`` by
    (channel, row, column)."""
    channels = as_channels(nested)
    scale = scale or Scale.of(channels)
    cell = cell_for(max(len(channels[0]), len(channels[0][0])))
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
    cell = cell_for(max(h, w))
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
                          if len(channels) > 1 else "", cell=cell))
    return grids


def _more(shown: int, total: int, what: str) -> str:
    return f" · {shown} of {total} {what} drawn" if total > shown else ""


MAX_PLANES = 8  # a volume's depth slices drawn (channels × depth)


def _spatial(nested: Any, ndim: int) -> list[Any]:
    """A map as (C, *spatial) lists (an answer without its channel axis is one channel)."""
    return [nested] if len(shape_of(nested)) == ndim else list(nested)


def _planes(channels: list[Any], ndim: int) -> list[list[list[float]]]:
    """(C, *spatial) as 2-D planes: a 1-D channel is one row, a 3-D one its depth slices."""
    if ndim == 1:
        return [[[float(v) for v in ch]] for ch in channels]
    if ndim == 2:
        return [[[float(v) for v in row] for row in ch] for ch in channels]
    return [[[float(v) for v in row] for row in sl] for ch in channels for sl in ch]


def _plane_at(ch: int, pos: Any, ndim: int, depth: int) -> tuple[int, int, int]:
    """(plane, row, column) of channel ``ch``'s position ``pos`` (t, [r, c] or [d, h, w])."""
    if ndim == 1:
        return ch, 0, int(pos)
    if ndim == 2:
        return ch, int(pos[0]), int(pos[1])
    return ch * depth + int(pos[0]), int(pos[1]), int(pos[2])


def _padded(pos: tuple[int, ...], shape: list[int], padding: list[Any]) -> bool:
    pads = [padding] if padding and not isinstance(padding[0], list) else padding
    return any(p < lo or p >= n - hi for p, n, (lo, hi) in zip(pos, shape, pads, strict=True))


def _caption(index: int, channels: int, depth: int, ndim: int, word: str = "channel") -> str:
    if ndim == 3:
        ch, d = divmod(index, depth)
        return (f"{word} {ch + 1}, " if channels > 1 else "") + f"depth {d + 1}"
    return f"{word} {index + 1}" if channels > 1 else ""


def _cell_size(planes: list[list[list[float]]]) -> int:
    return cell_for(max(len(planes[0]), len(planes[0][0])))


def _name(out: list[int], ndim: int, channels: int, flip: bool) -> str:
    """The output cell's name: y(t) for a signal (s(t) for true convolution, as the
    signal view writes it), h₁₁ for a picture, h₁₁₁ (depth, row, column) for a volume."""
    if ndim == 1:
        letter = "s" if flip else "y"
        return f"{letter}({out[-1]})" if channels == 1 else f"{letter}{out[0] + 1}({out[-1]})"
    if ndim == 2:
        return channel_name("h", out, channels)
    at = [str(v + 1) for v in out[1:]]
    sub = ("," if any(len(a) > 1 for a in at) else "").join(at).translate(
        str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    sup = str(out[0] + 1).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"h⁽{sup}⁾{sub}" if channels > 1 else f"h{sub}"


TITLES = {1: "1-D convolution", 2: "Convolution", 3: "3-D convolution"}


def conv(response: dict[str, Any], step: int, ndim: int
         ) -> tuple[str, list[Panel], list[str]]:
    """A convolution's step on 1, 2 or 3 axes, from its trace: the padded input with the
    window lit in every plane it reads, the filter, the output filling in, the sum."""
    s = _step(response, step)
    padded = _spatial(response["padded_input"], ndim)
    kernel = response["kernel"]
    c_out, per_group = len(kernel), len(kernel[0])
    depth = len(padded[0]) if ndim == 3 else 1
    group = s["out"][0] // max(1, c_out // response["groups"])
    first = group * per_group
    weights = kernel[s["out"][0]]
    flat_w = [[float(v) for v in _flat(ch)] for ch in weights]
    in_planes = _planes(padded, ndim)
    shape = shape_of(padded[0])
    lit: dict[tuple[int, int, int], str] = {}
    reads: list[list[float]] = []
    for ci in range(per_group):
        row = []
        for t, pos in enumerate(s["window"]):
            at = _plane_at(first + ci, pos, ndim, depth)
            lit[at] = f"×{fmt(flat_w[ci][t])}"
            row.append(in_planes[at[0]][at[1]][at[2]])
        reads.append(row)
    scale = Scale.of(padded)
    cell = _cell_size(in_planes)
    grids = []
    for k, plane in enumerate(in_planes[:MAX_PLANES]):
        def full(r: int, c: int, k: int = k) -> tuple[int, ...]:
            return ((k % depth, r, c) if ndim == 3 else (r, c) if ndim == 2 else (c,))
        cells = [[Cell(v, "pad" if _padded(full(r, c), shape, response["padding"]) else "data",
                       lit.get((k, r, c), "")) for c, v in enumerate(row)]
                 for r, row in enumerate(plane)]
        marks: dict[tuple[int, int], Mark] = {(r, c): "window" for (p, r, c) in lit if p == k}
        grids.append(Grid(cells, scale, marks, caption=_caption(k, len(padded), depth, ndim),
                          cell=cell))
    padded_note = " padded" if any(_flat(response["padding"])) else ""
    inputs = Panel("Input", size_text(padded) + padded_note +
                   _more(min(len(in_planes), MAX_PLANES), len(in_planes),
                         "slices" if ndim == 3 else "channels"), grids,
                   across=len(in_planes) > 1 or ndim == 1)
    rotated = " (reversed)" if ndim == 1 else " (rotated 180°)"
    k_planes = _planes(weights, ndim)
    k_depth = len(weights[0]) if ndim == 3 else 1
    kern = Panel("Kernel" + (rotated if response.get("flip_kernel") else ""),
                 f"filter {s['out'][0] + 1} of {c_out}" if c_out > 1 else size_text(weights),
                 [Grid.of(p, Scale.of(kernel, False), caption=_caption(
                     i, len(weights), k_depth, ndim)) for i, p in
                  enumerate(k_planes[:MAX_PLANES])], across=len(k_planes) > 1 or ndim == 1)
    outputs = _spatial(response["output"], ndim)
    out_planes = _planes(outputs, ndim)
    o_depth = len(outputs[0]) if ndim == 3 else 1
    per_plane = len(out_planes[0]) * len(out_planes[0][0])
    o_scale = Scale.of(outputs, image_like(padded))
    o_cell = _cell_size(out_planes)
    here = divmod(step, per_plane)
    o_grids = []
    for k, plane in enumerate(out_planes[:MAX_PLANES]):
        width = len(plane[0])
        cells = [[Cell(v, "data" if k * per_plane + r * width + c <= step else "later")
                  for c, v in enumerate(row)] for r, row in enumerate(plane)]
        o_marks: dict[tuple[int, int], Mark] = {divmod(here[1], width): "current"} \
            if here[0] == k else {}
        o_grids.append(Grid(cells, o_scale, o_marks, caption=_caption(
            k, len(outputs), o_depth, ndim, "h channel" if ndim == 2 else "channel"),
            cell=o_cell))
    out = Panel("Output", size_text(response["output"]), o_grids,
                across=ndim == 3 or ndim == 1)
    name = _name(s["out"], ndim, c_out, bool(response.get("flip_kernel")))
    lines = []
    for ci in range(per_group):
        terms = [f"{factor(x)}·{factor(w)}" for x, w in zip(reads[ci], flat_w[ci], strict=True)]
        head = f"channel {first + ci + 1}: " if per_group > 1 else f"{name} = "
        lines.append(f"{head}{_sum(terms)} = {fmt(s['partial_sums'][ci])}")
    bias = float(s["bias"])
    if per_group > 1:
        parts = [fmt(v) for v in s["partial_sums"]] + ([factor(bias)] if bias else [])
        lines.append(f"{name} = {' + '.join(parts)} = {fmt(s['value'])}")
    elif bias:
        lines[0] = lines[0].rsplit(" = ", 1)[0] + f" + {factor(bias)} = {fmt(s['value'])}"
    heading = (f"{TITLES[ndim]}, step {step + 1} of {response['trace']['total']}: {name} · "
               f"{_params(response)}")
    return heading, [inputs, kern, out], lines


def conv1d(body: dict[str, Any], response: dict[str, Any], step: int
           ) -> tuple[str, list[Panel], list[str]]:
    return conv(response, step, 1)


def conv2d(body: dict[str, Any], response: dict[str, Any], step: int
           ) -> tuple[str, list[Panel], list[str]]:
    return conv(response, step, 2)


def conv3d(body: dict[str, Any], response: dict[str, Any], step: int
           ) -> tuple[str, list[Panel], list[str]]:
    return conv(response, step, 3)


def _flat(nested: Any) -> list[Any]:
    if isinstance(nested, list):
        return [v for item in nested for v in _flat(item)]
    return [nested]


def _params(response: dict[str, Any]) -> str:
    def axes(v: Any) -> str:
        values = v if isinstance(v, list) else [v]
        return str(values[0]) if len(set(values)) == 1 else " × ".join(map(str, values))
    pads = _flat(response["padding"])
    return (f"stride {axes(response['stride'])} · padding "
            f"{pads[0] if len(set(pads)) == 1 else ','.join(map(str, pads))} · "
            f"dilation {axes(response['dilation'])}")


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
    mode = response["mode"]
    # max and min never read the padding (PyTorch pads with ∓∞): its taps are left out,
    # as the page does; an average counts them when count_include_pad says so
    values = [fmt(v) for v, pad in zip(s["values"], s["padding"], strict=True)
              if mode == "avg" or not pad]
    if mode == "avg":
        line = (f"{name} = ({' + '.join(values)}) / {fmt(s['divisor'])} = "
                f"{fmt(s['sum'])} / {fmt(s['divisor'])} = {fmt(s['value'])}")
    else:
        line = f"{name} = {mode}({', '.join(values)}) = {fmt(s['value'])}"
    k = response["kernel_size"]
    heading = (f"{mode.capitalize()} pooling {k[0]} × {k[1]}, step {step + 1} of "
               f"{response['trace']['total']}: {name} · {_params(response)}")
    return heading, [inputs, out], [line]
