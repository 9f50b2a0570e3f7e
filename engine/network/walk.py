"""Walk a stack of layers: one row per leaf layer in execution order (a residual block's
body, then its shortcut, then its addition), each with its input and output shape, its
counts and formulas (counts.py) and the receptive field of its outputs; then the totals.

The receptive field per axis follows Araujo et al., "Computing receptive fields of
convolutional neural networks" (Distill, 2019): a layer with an effective kernel k
(dilation included), stride s and padding p takes the field (r, j, P) of its input to

    r = r_in + (k − 1)·j_in,   j = j_in·s,   P = P_in + p·j_in,

so output cell i (counting from 0) sees input cells i·j − P … i·j − P + r − 1. Through a
residual block the field is the union of its two paths' fields (the larger path's, when it
holds the other, as Araujo et al. take it).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any

from engine.network.counts import CONVENTION, Counted, Shape, Window, count, n
from engine.network.layers import Layer, LayerError, parse_input_shape, parse_layers

Field = tuple[tuple[int, int, int], tuple[int, int, int]] | None  # per axis (r, j, P)
PASSES = frozenset({"relu", "relu6", "sigmoid", "tanh", "gelu", "silu", "leaky_relu", "elu",
                    "softplus", "dropout", "batch_norm2d"})


@dataclass
class State:
    shape: Shape
    field: Field
    note: str


def analyze(input_shape: Any, layers: Any) -> dict[str, Any]:
    """The table of a network: ``{"input_shape", "layers": [row, …], "total", "convention"}``."""
    shape = parse_input_shape(input_shape)
    stack = parse_layers(layers)
    if not stack:
        raise LayerError(("layers",), "must hold at least one layer")
    start: Field = ((1, 1, 0), (1, 1, 0)) if len(shape) == 3 else None
    rows: list[dict[str, Any]] = []
    end = _walk(stack, State(shape, start, "" if start else "a flat input has no grid"), rows)
    _mark_separable(stack, rows)
    params = sum(r["params"] for r in rows)
    macs = sum(r["macs"] for r in rows)
    other = sum(r["other_ops"] for r in rows)
    activations = sum(prod(r["output_shape"]) for r in rows)
    return {
        "input_shape": list(shape), "output_shape": list(end.shape), "layers": rows,
        "total": {
            "params": params, "macs": macs, "flops": 2 * macs, "other_ops": other,
            "parameter_bytes": 4 * params, "activation_bytes": 4 * activations,
            "input_bytes": 4 * prod(shape), "layers": len(rows),
            "formulas": {"flops": f"FLOPs = 2·MACs = 2·{n(macs)} = {n(2 * macs)}",
                         "parameter_bytes": f"4 bytes × {n(params)} parameters = "
                                            f"{n(4 * params)} bytes",
                         "activation_bytes": f"4 bytes × {n(activations)} output values of "
                                             f"every layer = {n(4 * activations)} bytes"},
        },
        "convention": CONVENTION,
    }


def _walk(stack: tuple[Layer, ...], state: State, rows: list[dict[str, Any]]) -> State:
    for layer in stack:
        state = _residual(layer, state, rows) if layer.type == "residual" else \
            _leaf(layer, state, rows)
    return state


def _leaf(layer: Layer, state: State, rows: list[dict[str, Any]]) -> State:
    counted = count(layer, state.shape)
    field, note, text = _next_field(layer, counted, state)
    rows.append(_row(layer.path, layer.type, layer.args, state.shape, counted, field, note,
                     text))
    return State(counted.output_shape, field, note)


def _next_field(layer: Layer, counted: Counted, state: State) -> tuple[Field, str, list[str]]:
    if state.field is None:
        return None, state.note, []
    if counted.windows is not None:
        return _apply(state.field, counted.windows)
    if layer.type in PASSES or layer.type == "local_response_norm":
        return state.field, "", ["the same field as its input (elementwise across the grid)"]
    return None, counted.field_note, []


def _apply(field: Field, windows: tuple[Window, Window]) -> tuple[Field, str, list[str]]:
    assert field is not None
    out = []
    text = []
    for axis, (r, j, p), win in zip(("height", "width"), field, windows):
        r2, j2, p2 = r + (win.size - 1) * j, j * win.stride, p + win.padding * j
        out.append((r2, j2, p2))
        text.append(f"{axis}: r = r_in + (k − 1)·j_in = {r} + ({win.size} − 1)·{j} = {r2}; "
                    f"j = j_in·s = {j}·{win.stride} = {j2}; "
                    f"P = P_in + p·j_in = {p} + {win.padding}·{j} = {p2}")
    if out[0] == out[1] and windows[0] == windows[1]:
        text = ["height and width" + text[0][len("height"):]]
    return (out[0], out[1]), "", text


def _residual(layer: Layer, state: State, rows: list[dict[str, Any]]) -> State:
    body = _walk(layer.body, state, rows)
    short = _walk(layer.shortcut, state, rows)
    if body.shape != short.shape:
        raise LayerError(layer.loc, f"residual adds its body's output {_shape(body.shape)} to "
                                    f"its shortcut's {_shape(short.shape)}: they must be the "
                                    f"same shape"
                                    + ("" if layer.shortcut else " (an empty shortcut is the "
                                       "identity: add a 1×1 conv2d to change the shape)"))
    field, note, text = _union(body, short)
    ops = prod(body.shape)
    counted = Counted(body.shape, 0, 0, ops, {
        "output_shape": ["the shape of both branches"], "params": ["no parameters"],
        "macs": ["no multiply-adds"],
        "other_ops": [f"one addition per element = {' · '.join(str(s) for s in body.shape)}"
                      f" = {n(ops)}"]})
    path = f"{layer.path}.add"
    rows.append(_row(path, "add", {}, body.shape, counted, field, note, text))
    return State(body.shape, field, note)


def _union(body: State, short: State) -> tuple[Field, str, list[str]]:
    if body.field is None or short.field is None:
        return None, body.note or short.note, []
    out = []
    text = []
    for axis, (rb, jb, pb), (rs, js, ps) in zip(("height", "width"), body.field, short.field):
        if jb != js:
            # Both paths reach the same output grid, so their strides agree; keep the larger.
            big = (rb, jb, pb) if rb >= rs else (rs, js, ps)
            out.append(big)
            text.append(f"{axis}: the larger path's field, r = {big[0]}")
            continue
        lo, hi = min(-pb, -ps), max(-pb + rb - 1, -ps + rs - 1)
        r, p = hi - lo + 1, -lo
        out.append((r, jb, p))
        text.append(f"{axis}: body sees [{-pb}, {-pb + rb - 1}], shortcut [{-ps}, {-ps + rs - 1}]"
                    f" (output cell 0, counting from 0): r = {hi} − ({lo}) + 1 = {r}, j = {jb}, "
                    f"P = {p}")
    if out[0] == out[1] and text[0][len("height"):] == text[1][len("width"):]:
        text = ["height and width" + text[0][len("height"):]]
    return (out[0], out[1]), "", text


def _shape(shape: Shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _row(path: str, kind: str, args: Any, shape_in: Shape, counted: Counted, field: Field,
         note: str, field_text: list[str]) -> dict[str, Any]:
    rf = None if field is None else {
        "size": [field[0][0], field[1][0]], "stride": [field[0][1], field[1][1]],
        "padding": [field[0][2], field[1][2]]}
    return {
        "path": path, "type": kind, "args": _json(args),
        "input_shape": list(shape_in), "output_shape": list(counted.output_shape),
        "params": counted.params, "macs": counted.macs, "flops": 2 * counted.macs,
        "other_ops": counted.other_ops, "receptive_field": rf,
        "receptive_field_note": note if field is None else "",
        "formulas": {**counted.formulas, "receptive_field": field_text or ([note] if note else [])},
        "separable": None,
        "_extra": counted.extra,
    }


def _json(args: Any) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dict(args).items()}


def _mark_separable(stack: tuple[Layer, ...], rows: list[dict[str, Any]]) -> None:
    """Beside each depthwise conv2d followed by a pointwise 1×1 conv2d (batch norm and
    activations between allowed), the full convolution the pair replaces."""
    depthwise = None
    for row in rows:
        extra = row.pop("_extra")
        if row["type"] == "conv2d" and extra.get("depthwise"):
            depthwise = (row, extra)
            continue
        if row["type"] == "conv2d" and extra.get("pointwise") and depthwise:
            dw, dw_extra = depthwise
            kh, kw = dw_extra["kernel"]
            c_in, c_out = dw["input_shape"][0], row["output_shape"][0]
            _, ho, wo = row["output_shape"]
            bias = 1 if extra["bias"] else 0
            full_params = c_out * (c_in * kh * kw + bias)
            full_macs = c_out * ho * wo * c_in * kh * kw
            params, macs = dw["params"] + row["params"], dw["macs"] + row["macs"]
            row["separable"] = {
                "depthwise": dw["path"], "pointwise": row["path"],
                "params": params, "macs": macs, "full_params": full_params,
                "full_macs": full_macs, "params_ratio": params / full_params,
                "macs_ratio": macs / full_macs,
                "formula": (f"(depthwise + pointwise) / full = (H·W·C_in·k_h·k_w + H·W·C_in·"
                            f"C_out) / (H·W·C_in·C_out·k_h·k_w) = 1/C_out + 1/(k_h·k_w) = "
                            f"1/{c_out} + 1/{kh * kw} = {macs / full_macs:.4f} of the MACs; "
                            f"parameters {n(params)} against {n(full_params)}"),
            }
            depthwise = None
            continue
        if row["type"] not in PASSES:
            depthwise = None
