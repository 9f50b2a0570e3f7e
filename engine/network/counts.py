"""One layer on one input shape: its output shape, parameters, multiply-adds and other
operations, each with its formula and the numbers substituted.

The convention, named in every answer (``CONVENTION``): a multiply-add is one MAC;
FLOPs = 2 × MACs; the taps of a convolution that fall on zero padding are counted (the
layer computes them, as every framework does); bias additions and the work of pooling,
normalisation, activations and residual additions are ``other_ops``, counted apart, so
any tool's figure can be reconciled with ours. Output sizes come from the same per-axis
geometry as the operation views (engine/geometry.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil, floor, prod

from engine.errors import InputError
from engine.geometry import conv_axis, pool_axis, transposed_axis
from engine.network.layers import ACTIVATIONS, Layer, LayerError
from engine.params import resolve_padding

CONVENTION = ("One MAC is one multiply-add; FLOPs = 2 × MACs. A convolution's taps on zero "
              "padding are counted, as frameworks compute them. Bias additions, pooling, "
              "normalisation, activations and residual additions are other_ops, counted "
              "apart. Memory: float32 (4 bytes), one sample.")

Shape = tuple[int, ...]
AXES = ("height", "width")


@dataclass(frozen=True)
class Window:
    """How an output cell sees its input along one axis, for the receptive field: a window
    of ``size`` cells (dilation included), ``stride`` apart, starting ``padding`` before
    the input's first cell. ``None`` windows: see ``Counted.field_note``."""

    size: int
    stride: int
    padding: int


@dataclass(frozen=True)
class Counted:
    output_shape: Shape
    params: int
    macs: int
    other_ops: int
    formulas: dict[str, list[str]]
    windows: tuple[Window, Window] | None = None  # None: the field passes unchanged
    field_note: str = ""  # set when no window describes the layer (the field ends)
    extra: dict[str, object] = field(default_factory=dict)


def n(value: int) -> str:
    """A count with thousands separators: 118,013,952."""
    return f"{value:,}"


def fail(layer: Layer, message: str) -> LayerError:
    return LayerError(layer.loc, f"{layer.type} {message}")


def _image(layer: Layer, shape: Shape) -> tuple[int, int, int]:
    if len(shape) != 3:
        hint = " (it comes after flatten)" if len(shape) == 1 else ""
        raise fail(layer, f"needs a (C, H, W) input, got {_text(shape)}{hint}")
    return shape[0], shape[1], shape[2]


def _text(shape: Shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def _axes(layer: Layer, compute: object) -> list:  # type: ignore[type-arg]
    """Per-axis geometry; its InputError (a kernel larger than its input …) names the layer."""
    try:
        return [compute(i, axis) for i, axis in enumerate(AXES)]  # type: ignore[operator]
    except InputError as err:
        name = "kernel_size" if err.field == "kernel" else err.field  # the layer's own word
        raise LayerError((*layer.loc, name), f"{layer.type}: {err.message}") from None


def _per_group(c_in: int, groups: int) -> str:
    return str(c_in) if groups == 1 else f"{c_in}/{groups}"


def count(layer: Layer, shape: Shape) -> Counted:
    """What ``layer`` does to an input of ``shape`` ((C, H, W) or (F,))."""
    kind = layer.type
    if kind == "conv2d":
        return _conv(layer, shape)
    if kind == "conv_transpose2d":
        return _transposed(layer, shape)
    if kind in ("max_pool2d", "avg_pool2d"):
        return _pool(layer, shape)
    if kind in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        return _adaptive(layer, shape)
    if kind == "batch_norm2d":
        return _batch_norm(layer, shape)
    if kind == "local_response_norm":
        return _lrn(layer, shape)
    if kind == "linear":
        return _linear(layer, shape)
    if kind == "flatten":
        out = (prod(shape),)
        return Counted(out, 0, 0, 0, {"output_shape": [
            f"{' · '.join(str(s) for s in shape)} = {n(out[0])} features"
            if len(shape) > 1 else "already flat"], "params": ["no parameters"],
            "macs": ["no multiply-adds"], "other_ops": ["none (a reshape)"]},
            field_note="every output sees every input cell from here on (flattened)")
    if kind == "dropout":
        return Counted(shape, 0, 0, 0, _same(shape, "none at inference (dropout is the "
                                                    "identity then)"))
    if kind in ACTIVATIONS:
        ops = prod(shape)
        return Counted(shape, 0, 0, ops, _same(
            shape, f"one per element: {' · '.join(str(s) for s in shape)} = {n(ops)}"))
    raise fail(layer, "is not a leaf layer")  # residual is walked, not counted


def _same(shape: Shape, ops: str) -> dict[str, list[str]]:
    return {"output_shape": ["the input's shape"], "params": ["no parameters"],
            "macs": ["no multiply-adds"], "other_ops": [ops]}


def _bias_ops(bias: bool, cells: int, text: str) -> tuple[int, str]:
    if not bias:
        return 0, "no bias: no additions"
    return cells, f"bias additions = {text} = {n(cells)}"


def _channels(layer: Layer, shape: Shape) -> tuple[int, int, int, int, int]:
    """(C_in, C_out, groups, H, W) of a convolution, its in_channels and groups checked."""
    a = layer.args
    c, h, w = _image(layer, shape)
    co, g = a["out_channels"], a["groups"]
    if a["in_channels"] is not None and a["in_channels"] != c:
        raise LayerError((*layer.loc, "in_channels"), f"{layer.type} in_channels is "
                                                      f"{a['in_channels']}, but its input has {c}")
    if c % g or co % g:
        raise LayerError((*layer.loc, "groups"), f"{layer.type} groups {g} must divide the "
                                                 f"input channels ({c}) and out_channels ({co})")
    return c, co, g, h, w


def _conv(layer: Layer, shape: Shape) -> Counted:
    a = layer.args
    c, co, g, h, w = _channels(layer, shape)
    (kh, kw), s, d = a["kernel_size"], a["stride"], a["dilation"]
    try:
        pads = resolve_padding(a["padding"], kernel_size=(kh, kw), dilation=d, stride=s)
    except InputError as err:
        raise LayerError((*layer.loc, "padding"), f"conv2d: {err.message}") from None
    geo = _axes(layer, lambda i, axis: conv_axis(axis, input_size=(h, w)[i],
                                                 kernel_size=(kh, kw)[i], stride=s[i],
                                                 padding=pads[i], dilation=d[i]))
    ho, wo = geo[0].output_size, geo[1].output_size
    per = (c // g) * kh * kw
    b = 1 if a["bias"] else 0
    params = co * (per + b)
    macs = co * ho * wo * per
    ops, ops_text = _bias_ops(a["bias"], co * ho * wo, f"C_out·H_out·W_out = {co}·{ho}·{wo}")
    cg = _per_group(c, g)
    return Counted((co, ho, wo), params, macs, ops, {
        "output_shape": [f"{axis}: {x.substituted}" for axis, x in zip(AXES, geo)],
        "params": [f"params = C_out·(C_in/groups·k_h·k_w + bias) = {co}·({cg}·{kh}·{kw} + {b})"
                   f" = {n(params)}"],
        "macs": [f"MACs = C_out·H_out·W_out·(C_in/groups·k_h·k_w) = {co}·{ho}·{wo}·"
                 f"({cg}·{kh}·{kw}) = {n(macs)}"],
        "other_ops": [ops_text]},
        windows=tuple(Window(x.effective_kernel_size, x.stride, x.padding[0])  # type: ignore[arg-type]
                      for x in geo),
        extra={"depthwise": g == c == co and g > 1, "pointwise": (kh, kw) == (1, 1) and g == 1,
               "kernel": (kh, kw), "bias": a["bias"], "in_channels": c})


def _transposed(layer: Layer, shape: Shape) -> Counted:
    a = layer.args
    c, co, g, h, w = _channels(layer, shape)
    (kh, kw) = a["kernel_size"]
    geo = _axes(layer, lambda i, axis: transposed_axis(
        axis, input_size=(h, w)[i], kernel_size=(kh, kw)[i], stride=a["stride"][i],
        padding=a["padding"][i], dilation=a["dilation"][i],
        output_padding=a["output_padding"][i]))
    ho, wo = geo[0].output_size, geo[1].output_size
    per = (co // g) * kh * kw
    params = c * per + (co if a["bias"] else 0)
    macs = c * h * w * per
    ops, ops_text = _bias_ops(a["bias"], co * ho * wo, f"C_out·H_out·W_out = {co}·{ho}·{wo}")
    cg = _per_group(co, g)
    return Counted((co, ho, wo), params, macs, ops, {
        "output_shape": [f"{axis}: {x.substituted}" for axis, x in zip(AXES, geo)],
        "params": [f"params = C_in·(C_out/groups·k_h·k_w) + bias·C_out = {c}·({cg}·{kh}·{kw})"
                   f" + {1 if a['bias'] else 0}·{co} = {n(params)}"],
        "macs": [f"MACs = C_in·H_in·W_in·(C_out/groups·k_h·k_w) = {c}·{h}·{w}·({cg}·{kh}·{kw})"
                 f" = {n(macs)} (each input cell places a scaled kernel, cropped cells "
                 f"included)"],
        "other_ops": [ops_text]},
        field_note=("a transposed convolution spreads each input cell over several outputs: "
                    "its outputs do not see evenly spaced windows, so no single receptive "
                    "field describes them from here on"))


def _pool(layer: Layer, shape: Shape) -> Counted:
    a = layer.args
    c, h, w = _image(layer, shape)
    k = a["kernel_size"]
    s = a["stride"] or k
    d = a.get("dilation", (1, 1))
    geo = _axes(layer, lambda i, axis: pool_axis(axis, input_size=(h, w)[i], kernel_size=k[i],
                                                 stride=s[i], padding=a["padding"][i],
                                                 dilation=d[i], ceil_mode=a["ceil_mode"]))
    ho, wo = geo[0].output_size, geo[1].output_size
    cells = c * ho * wo
    if layer.type == "max_pool2d":
        ops = cells * (k[0] * k[1] - 1)
        ops_text = (f"comparisons = C·H_out·W_out·(k_h·k_w − 1) = {c}·{ho}·{wo}·({k[0]}·{k[1]}"
                    f" − 1) = {n(ops)}")
    else:
        ops = cells * k[0] * k[1]
        ops_text = (f"k_h·k_w − 1 additions and a division per output = C·H_out·W_out·k_h·k_w"
                    f" = {c}·{ho}·{wo}·{k[0]}·{k[1]} = {n(ops)}")
    return Counted((c, ho, wo), 0, 0, ops, {
        "output_shape": [f"{axis}: {x.substituted}" for axis, x in zip(AXES, geo)],
        "params": ["no parameters"], "macs": ["no multiply-adds"], "other_ops": [ops_text]},
        windows=(Window(geo[0].effective_kernel_size, s[0], a["padding"][0]),
                 Window(geo[1].effective_kernel_size, s[1], a["padding"][1])))


def adaptive_windows(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling windows along one axis: [⌊i·n/o⌋, ⌈(i+1)·n/o⌉).

    >>> adaptive_windows(5, 3)
    [(0, 2), (1, 4), (3, 5)]
    """
    return [(floor(i * size / out), ceil((i + 1) * size / out)) for i in range(out)]


def _adaptive(layer: Layer, shape: Shape) -> Counted:
    c, h, w = _image(layer, shape)
    oh, ow = layer.args["output_size"]
    wins = [adaptive_windows(h, oh), adaptive_windows(w, ow)]
    sums = [sum(e - b for b, e in axis) for axis in wins]
    if layer.type == "adaptive_avg_pool2d":
        ops = c * sums[0] * sums[1]
        ops_text = (f"additions and a division per output = C·(Σ window heights)·(Σ window "
                    f"widths) = {c}·{sums[0]}·{sums[1]} = {n(ops)}")
    else:
        ops = c * (sums[0] * sums[1] - oh * ow)
        ops_text = (f"comparisons = C·((Σ window heights)·(Σ window widths) − H_out·W_out) = "
                    f"{c}·({sums[0]}·{sums[1]} − {oh}·{ow}) = {n(ops)}")
    shape_text = []
    for axis, size, out in zip(AXES, (h, w), (oh, ow)):
        shape_text.append(f"{axis}: {out} (given); window i spans [⌊i·{size}/{out}⌋, "
                          f"⌈(i + 1)·{size}/{out}⌉)")
    windows = None
    note = ""
    even = [size % out == 0 for size, out in ((h, oh), (w, ow))]
    if all(even):  # even windows: the same as a pool with k = s = n / o
        windows = (Window(h // oh, h // oh, 0), Window(w // ow, w // ow, 0))
    elif oh == ow == 1:
        windows = (Window(h, 1, 0), Window(w, 1, 0))
    else:
        note = (f"{h}×{w} into {oh}×{ow} gives windows of unequal sizes and spacing: no single "
                f"receptive field describes the outputs from here on")
    return Counted((c, oh, ow), 0, 0, ops, {
        "output_shape": shape_text, "params": ["no parameters"],
        "macs": ["no multiply-adds"], "other_ops": [ops_text]},
        windows=windows, field_note=note)


def _batch_norm(layer: Layer, shape: Shape) -> Counted:
    a = layer.args
    c, h, w = _image(layer, shape)
    if a["num_features"] is not None and a["num_features"] != c:
        raise LayerError((*layer.loc, "num_features"), f"batch_norm2d num_features is "
                                                       f"{a['num_features']}, but its input "
                                                       f"has {c} channels")
    params = 2 * c if a["affine"] else 0
    ops = 2 * c * h * w
    buffers = " (the running mean and variance are 2·C buffers, not parameters)" \
        if a["track_running_stats"] else ""
    return Counted(shape, params, 0, ops, {
        "output_shape": ["the input's shape"],
        "params": [f"params = 2·C (γ and β) = 2·{c} = {n(params)}{buffers}" if a["affine"]
                   else f"no parameters (affine false){buffers}"],
        "macs": ["no multiply-adds counted as MACs (see other_ops)"],
        "other_ops": [f"a multiply and an add per element (inference: the statistics folded "
                      f"into a scale and a shift) = 2·C·H·W = 2·{c}·{h}·{w} = {n(ops)}"]},
        extra={"buffers": 2 * c if a["track_running_stats"] else 0})


def _lrn(layer: Layer, shape: Shape) -> Counted:
    c, h, w = _image(layer, shape)
    size = layer.args["size"]
    ops = c * h * w * (2 * size + 3)
    return Counted(shape, 0, 0, ops, {
        "output_shape": ["the input's shape"], "params": ["no parameters"],
        "macs": ["no multiply-adds counted as MACs (see other_ops)"],
        "other_ops": [f"per element: {size} squares and {size - 1} additions over the "
                      f"neighbouring channels, then × α/n, + k, ^β and a division = "
                      f"C·H·W·(2·size + 3) = {c}·{h}·{w}·(2·{size} + 3) = {n(ops)}"]})


def _linear(layer: Layer, shape: Shape) -> Counted:
    a = layer.args
    if len(shape) != 1:
        raise fail(layer, f"needs a flat input (put flatten before it), got {_text(shape)}")
    f_in, f_out = shape[0], a["out_features"]
    if a["in_features"] is not None and a["in_features"] != f_in:
        raise LayerError((*layer.loc, "in_features"), f"linear in_features is "
                                                      f"{a['in_features']:,}, but its input "
                                                      f"has {f_in:,}")
    b = 1 if a["bias"] else 0
    params = f_out * (f_in + b)
    macs = f_out * f_in
    ops, ops_text = _bias_ops(a["bias"], f_out, f"out = {f_out}")
    return Counted((f_out,), params, macs, ops, {
        "output_shape": [f"{f_out} features (out_features)"],
        "params": [f"params = out·(in + bias) = {f_out}·({f_in} + {b}) = {n(params)}"],
        "macs": [f"MACs = out·in = {f_out}·{f_in} = {n(macs)}"],
        "other_ops": [ops_text]},
        field_note="every output sees every input cell (a fully connected layer)")

