"""The figures of the chain views: a network's layer table with the step's layer lit
(POST /api/network), and a picture through a pipeline, every stage's first map with
the step's stage framed (POST /api/pipeline)."""

from __future__ import annotations

from typing import Any

from app.figure.draw import Cell, Grid, Panel, Table, fmt
from app.figure.style import Scale, image_like

MAX_ROWS = 40  # a network's table shows this many layers around the step
MAP_CELLS = 48  # a pipeline's map is drawn with at most this many cells a side
MAX_STAGES = 8  # stages drawn around the step


def _shape(shape: list[int]) -> str:  # an API shape, [6, 28, 28], as "6 × 28 × 28"
    return " × ".join(map(str, shape))


def _count(n: int) -> str:
    return f"{n:,}"


def network(body: dict[str, Any], answer: dict[str, Any], step: int
            ) -> tuple[str, list[Panel], list[str]]:
    layers = answer["layers"]
    first = max(0, min(step - MAX_ROWS // 2, len(layers) - MAX_ROWS))
    shown = layers[first:first + MAX_ROWS]
    rows = [[str(first + i + 1), layer["type"], _shape(layer["output_shape"]),
             _count(layer["params"]), _count(layer["macs"]),
             _shape(layer["receptive_field"]["size"]) if layer.get("receptive_field") else ""]
            for i, layer in enumerate(shown)]
    table = Table(["#", "layer", "output", "params", "MACs", "receptive field"], rows,
                  marked=step - first)
    note = f"layers {first + 1}–{first + len(shown)} of {len(layers)}" \
        if len(shown) < len(layers) else f"{len(layers)} layers"
    total = answer["total"]
    panel = Panel(answer.get("title") or "Network", note, [table])
    layer = layers[step]
    lines = [f"Layer {step + 1}: {layer['type']}, {_shape(layer['input_shape'])} → "
             f"{_shape(layer['output_shape'])}, {_count(layer['params'])} parameters, "
             f"{_count(layer['macs'])} MACs",
             *(f"output {f}" for f in layer.get("formulas", {}).get("output_shape", [])[:2]
               if "=" in f),
             f"Whole network: {_count(total['params'])} parameters, {_count(total['macs'])} "
             f"MACs, input {_shape(answer['input_shape'])} → output "
             f"{_shape(answer['output_shape'])}"]
    heading = f"{answer.get('title') or 'Network'}, layer {step + 1} of {len(layers)}"
    return heading, [panel], lines


def drawn_cells(answer: dict[str, Any]) -> int:
    """The cells a pipeline's figure draws: each stage's first map, at most MAP_CELLS a
    side (and the picture's, as big)."""
    def one(shape: list[int]) -> int:
        if len(shape) == 1:
            return min(shape[0], MAP_CELLS)
        return min(shape[-2], MAP_CELLS) * min(shape[-1], MAP_CELLS)
    return one(answer["input_shape"]) + sum(one(s["output_shape"]) for s in answer["stages"])


def _downsampled(rows: list[list[float]]) -> tuple[list[list[float]], int]:
    """A map averaged over k × k blocks so that it fits MAP_CELLS a side; k."""
    k = max(1, -(-max(len(rows), len(rows[0])) // MAP_CELLS))
    if k == 1:
        return rows, 1
    out = []
    for r in range(0, len(rows), k):
        line = []
        for c in range(0, len(rows[0]), k):
            block = [v for row in rows[r:r + k] for v in row[c:c + k]]
            line.append(sum(block) / len(block))
        out.append(line)
    return out, k


def _map_panel(title: str, maps: Any, shape: list[int], marked: bool,
               picture: bool) -> Panel:
    if len(shape) == 1:  # after flatten / linear: a row of numbers
        values = [float(v) for v in maps[:MAP_CELLS]]
        grid = Grid.of([values], cell=24 if len(values) > 12 else 40)
        note = _shape(shape) + (f", the first {MAP_CELLS}" if shape[0] > MAP_CELLS else "")
        return Panel(title, note, [grid], marked=marked)
    first = maps[0]
    scale = Scale.of(maps) if not picture or image_like(maps) else Scale.of(first)
    rows, k = _downsampled([[float(v) for v in row] for row in first])
    side = max(len(rows), len(rows[0]))
    cell = 40 if side <= 8 else max(3, 192 // side)
    grid = Grid([[Cell(v) for v in row] for row in rows], scale, cell=cell,
                numbers=side <= 8,
                caption=f"map 1 of {shape[0]}" if shape[0] > 1 else "")
    note = _shape(shape) + (f", drawn as {k} × {k} averages" if k > 1 else "")
    return Panel(title, note, [grid], marked=marked)


def pipeline(body: dict[str, Any], answer: dict[str, Any], step: int
             ) -> tuple[str, list[Panel], list[str]]:
    stages = answer["stages"]
    picture = body["input"]
    if not isinstance(picture[0][0], list):
        picture = [picture]
    first = max(0, min(step - MAX_STAGES // 2 + 1, len(stages) - MAX_STAGES + 1))
    panels = []
    if first == 0:
        panels.append(_map_panel("Input", picture, answer["input_shape"], False, True))
    for k in range(first, min(len(stages), first + MAX_STAGES - (first == 0))):
        st = stages[k]
        panels.append(_map_panel(f"{k + 1}. {st['op']}", st["output"], st["output_shape"],
                                 k == step, False))
    s = stages[step]
    lo, hi = s["range"]
    lines = [f"Stage {step + 1}: {s['op']}, {_shape(s['input_shape'])} → "
             f"{_shape(s['output_shape'])}, values from {fmt(lo)} to {fmt(hi)}"]
    heading = f"A picture through {len(stages)} stages, stage {step + 1} of {len(stages)}"
    return heading, panels, lines
