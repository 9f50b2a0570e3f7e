"""The code behind /network: the same stack as a PyTorch module, written out layer by
layer in ``torch.nn`` (lazy layers take their input sizes from the first forward pass, as
the view's table does from the input shape), which prints the output shape and the number
of parameters the table totals."""

from __future__ import annotations

from typing import Any

from app.schemas.network import NetworkRequest
from engine.errors import InputError
from engine.network import analyze
from engine.network.layers import Layer, parse_input_shape, parse_layers
from engine.network.presets import PRESETS

_ACT = {"relu": "nn.ReLU()", "relu6": "nn.ReLU6()", "sigmoid": "nn.Sigmoid()",
        "tanh": "nn.Tanh()", "gelu": "nn.GELU()", "silu": "nn.SiLU()", "flatten": "nn.Flatten()"}
_HEAD = '''import json

import torch
from torch import nn


class Residual(nn.Module):
    """body(x) + shortcut(x); an empty shortcut is the identity."""

    def __init__(self, body, shortcut):
        super().__init__()
        self.body, self.shortcut = body, shortcut

    def forward(self, x):
        return self.body(x) + self.shortcut(x)

'''


def _v(value: Any) -> str:
    return repr(tuple(value)) if isinstance(value, (list, tuple)) else repr(value)


def _call(name: str, first: list[str], **kwargs: Any) -> str:
    args = [*first, *(f"{k}={_v(v)}" for k, v in kwargs.items() if v is not None)]
    return f"{name}({', '.join(args)})"


def _module(layer: Layer, depth: int) -> str:
    a, t = layer.args, layer.type
    if t in _ACT:
        return _ACT[t]
    if t == "conv2d":
        return _call("nn.LazyConv2d", [str(a["out_channels"])], kernel_size=a["kernel_size"],
                     stride=a["stride"], padding=a["padding"], dilation=a["dilation"],
                     groups=a["groups"], bias=a["bias"])
    if t == "conv_transpose2d":
        return _call("nn.LazyConvTranspose2d", [str(a["out_channels"])],
                     kernel_size=a["kernel_size"], stride=a["stride"], padding=a["padding"],
                     output_padding=a["output_padding"], groups=a["groups"], bias=a["bias"],
                     dilation=a["dilation"])
    if t == "max_pool2d":
        return _call("nn.MaxPool2d", [_v(a["kernel_size"])], stride=a["stride"],
                     padding=a["padding"], dilation=a["dilation"], ceil_mode=a["ceil_mode"])
    if t == "avg_pool2d":
        return _call("nn.AvgPool2d", [_v(a["kernel_size"])], stride=a["stride"],
                     padding=a["padding"], ceil_mode=a["ceil_mode"],
                     count_include_pad=a["count_include_pad"])
    if t in ("adaptive_avg_pool2d", "adaptive_max_pool2d"):
        name = "nn.AdaptiveAvgPool2d" if t == "adaptive_avg_pool2d" else "nn.AdaptiveMaxPool2d"
        return _call(name, [_v(a["output_size"])])
    if t == "batch_norm2d":
        return _call("nn.LazyBatchNorm2d", [], affine=a["affine"],
                     track_running_stats=a["track_running_stats"])
    if t == "local_response_norm":
        return _call("nn.LocalResponseNorm", [str(a["size"])], alpha=a["alpha"],
                     beta=a["beta"], k=a["k"])
    if t == "leaky_relu":
        return _call("nn.LeakyReLU", [repr(a["negative_slope"])])
    if t == "elu":
        return _call("nn.ELU", [repr(a["alpha"])])
    if t == "softplus":
        return _call("nn.Softplus", [], beta=a["beta"], threshold=a["threshold"])
    if t == "dropout":
        return _call("nn.Dropout", [repr(a["p"])])
    if t == "linear":
        return _call("nn.LazyLinear", [str(a["out_features"])], bias=a["bias"])
    if t == "residual":
        pad = "    " * (depth + 1)
        return (f"Residual(\n{pad}{_sequential(layer.body, depth + 1)},\n"
                f"{pad}{_sequential(layer.shortcut, depth + 1)})")
    raise InputError("layers", f"no PyTorch code for a {t} layer")  # every type is above


def _sequential(layers: tuple[Layer, ...], depth: int) -> str:
    if not layers:
        return "nn.Sequential()"
    pad = "    " * (depth + 1)
    items = "".join(f"{pad}{_module(layer, depth + 1)},  # {layer.path}\n" for layer in layers)
    return f"nn.Sequential(\n{items}{'    ' * depth})"


def network(r: NetworkRequest) -> dict[str, str]:
    """The stack as torch.nn code that prints its output shape and parameter count."""
    if r.preset is not None:
        if r.preset not in PRESETS:
            raise InputError("preset", f"no preset {r.preset!r}: one of {', '.join(PRESETS)}")
        shape, specs = r.input_shape or PRESETS[r.preset]["input_shape"], PRESETS[r.preset][
            "layers"]
    else:
        shape, specs = r.input_shape, r.layers
    analyze(shape, specs)  # an impossible stack is refused here, naming its layer
    layers, size = parse_layers(specs), parse_input_shape(shape)
    code = [_HEAD, f"model = {_sequential(layers, 0)}",
            f"x = torch.zeros(1, {', '.join(map(str, size))})  # one input of {list(size)}",
            "model.eval()",
            "with torch.no_grad():",
            "    y = model(x)  # the lazy layers take their input sizes from x here",
            'print(json.dumps({"output_shape": list(y.shape[1:]),',
            '                  "params": sum(p.numel() for p in model.parameters())}))']
    return {"pytorch": "\n".join(code), "numpy": ""}
