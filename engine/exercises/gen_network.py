"""Whole-network exercises: the output shape after a short stack, the parameters and
multiply-adds of one layer, and the receptive field after a stack.

Answers and worked steps come from engine/network (the same table as POST /api/network):
the per-layer formulas with the numbers substituted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.network import analyze
from engine.network.layers import LayerError

Layer = dict[str, Any]


def stack_text(layers: list[Layer]) -> str:
    """``conv2d(out_channels=8, kernel_size=3) → relu → max_pool2d(kernel_size=2)``."""
    parts = []
    for layer in layers:
        args = ", ".join(f"{k}={v}" for k, v in layer.items() if k != "type")
        parts.append(f"{layer['type']}({args})" if args else layer["type"])
    return " → ".join(parts)


def _int(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low, high, endpoint=True))


def _conv(rng: np.random.Generator, difficulty: int, channels: tuple[int, int]) -> Layer:
    k = _int(rng, 1, 3) * 2 - 1 if difficulty == 1 else _int(rng, 2, 5)
    layer: Layer = {"type": "conv2d", "out_channels": _int(rng, *channels), "kernel_size": k}
    if difficulty >= 2 and rng.random() < 0.6:
        layer["stride"] = _int(rng, 2, 3)
    if rng.random() < 0.7:
        padding = _int(rng, 0, k // 2 + (1 if difficulty == 3 else 0))
        if padding:
            layer["padding"] = padding
    if difficulty == 3 and rng.random() < 0.4:
        layer["dilation"] = 2
    return layer


def _pool(rng: np.random.Generator, difficulty: int) -> Layer:
    k = _int(rng, 2, 3)
    layer: Layer = {"type": rng.choice(["max_pool2d", "avg_pool2d"]), "kernel_size": k}
    if difficulty >= 2 and rng.random() < 0.5:
        layer["stride"] = _int(rng, 1, 2)
    if difficulty == 3 and rng.random() < 0.5:
        layer["ceil_mode"] = True
    return layer


def _stack(rng: np.random.Generator, difficulty: int, size: tuple[int, int], square: bool
           ) -> tuple[list[int], list[Layer], dict[str, Any]]:
    """A stack that fits its input: (input shape, layers, the table)."""
    while True:
        shape = [_int(rng, 1, 3), _int(rng, *size), 0]
        shape[2] = shape[1] if square else _int(rng, *size)
        layers: list[Layer] = []
        for i in range(difficulty + 1):
            layers.append(_conv(rng, difficulty, (4, 16)) if i % 2 == 0 or rng.random() < 0.3
                          else _pool(rng, difficulty))
            if difficulty >= 2 and rng.random() < 0.4:
                layers.append({"type": "relu"})
        try:
            table = analyze(shape, layers)
        except LayerError:
            continue
        if min(table["output_shape"][1:]) >= 1:
            return shape, layers, table


def _shape_text(shape: list[int]) -> str:
    return " × ".join(str(s) for s in shape)


def _layer_steps(table: dict[str, Any]) -> list[str]:
    steps = []
    for row in table["layers"]:
        how = row["formulas"]["output_shape"]
        text = (f"Layer {int(row['path']) + 1} ({row['type']}): "
                f"{_shape_text(row['input_shape'])} → {_shape_text(row['output_shape'])}")
        if "input's shape" not in how[0]:  # an activation keeps the shape: nothing to add
            text += f"; {'; '.join(how)}"
        steps.append(text)
    return steps


def network_shape(rng: np.random.Generator, difficulty: int) -> Draft:
    """The (C, H, W) after a short stack of convolutions and pools."""
    shape, layers, table = _stack(rng, difficulty, (8, 32), square=difficulty < 3)
    prompt = (f"An input of {_shape_text(shape)} (channels × height × width) goes through "
              f"{stack_text(layers)}, in PyTorch's names and defaults (a pool's stride is "
              f"its kernel size unless given). What is the output shape? Answer [channels, "
              f"height, width].")
    givens = (Given("input_shape", "input shape", shape, _shape_text(shape)),
              Given("layers", "layers", layers, stack_text(layers)))
    answer = Answer("vector", "output shape",
                    np.array([float(v) for v in table["output_shape"]]),
                    labels=("channels", "height", "width"))
    return Draft("Output shape after a stack of layers", prompt, givens, answer,
                 tuple(_layer_steps(table)), 0.0)


def layer_cost(rng: np.random.Generator, difficulty: int) -> Draft:
    """The parameters and multiply-adds of one convolution (or linear) layer."""
    while True:
        c_in, size = _int(rng, 1, 8) * (1 if difficulty < 3 else 2), _int(rng, 6, 32)
        k = _int(rng, 1, 3) * 2 - 1
        layer: Layer = {"type": "conv2d", "out_channels": _int(rng, 2, 32), "kernel_size": k}
        if difficulty >= 2:
            layer["stride"] = _int(rng, 1, 2)
            layer["padding"] = _int(rng, 0, k // 2)
            if layer["stride"] == 1:
                del layer["stride"]  # PyTorch's default: written only when it is not
            if rng.random() < 0.5:
                layer["bias"] = False
        if difficulty == 3:
            choice = rng.random()
            if choice < 0.4:
                layer["groups"] = 2
                layer["out_channels"] = 2 * _int(rng, 1, 12)
            elif choice < 0.7:  # depthwise
                layer["groups"] = c_in
                layer["out_channels"] = c_in
        shape = [c_in, size, size]
        try:
            table = analyze(shape, [layer])
        except LayerError:
            continue
        break
    row = table["layers"][0]
    prompt = (f"A layer {stack_text([layer])} (PyTorch's nn.Conv2d; bias is on unless "
              f"bias=False) reads an input of {_shape_text(shape)} (channels × height × "
              f"width). How many parameters does it have, and how many multiply-adds (MACs: "
              f"one per multiplication of a weight by an input value, taps on the zero "
              f"padding included) does one forward pass take? Answer [parameters, MACs].")
    givens = (Given("input_shape", "input shape", shape, _shape_text(shape)),
              Given("layers", "layer", [layer], stack_text([layer])))
    answer = Answer("vector", "cost", np.array([float(row["params"]), float(row["macs"])]),
                    labels=("parameters", "MACs"))
    steps = (f"Output shape {_shape_text(row['output_shape'])}: "
             f"{'; '.join(row['formulas']['output_shape'])}.",
             *row["formulas"]["params"], *row["formulas"]["macs"])
    return Draft("Parameters and multiply-adds of a layer", prompt, givens, answer, steps, 0.0)


def receptive_field(rng: np.random.Generator, difficulty: int) -> Draft:
    """The receptive field (size and effective stride) of one output cell after a stack."""
    shape, layers, table = _stack(rng, difficulty, (24, 64), square=True)  # one answer per axis
    rf = table["layers"][-1]["receptive_field"]
    prompt = (f"The stack {stack_text(layers)} (PyTorch's names and defaults; a pool's stride "
              f"is its kernel size unless given) reads an input of {_shape_text(shape)}. "
              f"How many input rows does one output cell see (the receptive field's size, "
              f"padding included), and how many input rows apart are the fields of two "
              f"neighbouring output cells (its effective stride)? Answer [size, stride] (the "
              f"two are marked together: both must be right).")
    givens = (Given("input_shape", "input shape", shape, _shape_text(shape)),
              Given("layers", "layers", layers, stack_text(layers)))
    answer = Answer("vector", "receptive field", np.array([float(rf["size"][0]),
                                                          float(rf["stride"][0])]),
                    labels=("size", "stride"), credit="whole")
    steps = ["Start from one input cell: r = 1, j = 1, P = 0. Each layer with kernel k "
             "(dilation d: k − 1 becomes (k − 1)·d), stride s and padding p gives r = r_in + "
             "(k − 1)·j_in, j = j_in·s, P = P_in + p·j_in (Araujo et al., Distill 2019); "
             "activations change nothing."]
    for row in table["layers"]:
        text = row["formulas"]["receptive_field"][0]
        steps.append(f"Layer {int(row['path']) + 1} ({row['type']}): "
                     + text.replace("height and width: ", ""))
    return Draft("Receptive field after a stack", prompt, givens, answer, tuple(steps), 0.0)


SPECS = (
    TypeSpec("network-shape", "networks", "Output shape after a stack of layers",
             "The [channels, height, width] after a short stack of convolutions and pools.",
             "vector", ("two layers, square, stride 1", "three layers, strides and padding",
                        "four layers, dilation, ceil mode, rectangular input"), network_shape),
    TypeSpec("layer-cost", "networks", "Parameters and multiply-adds of a layer",
             "The [parameters, MACs] of one convolution layer on a given input.", "vector",
             ("with bias, stride 1", "stride, padding, bias on or off",
              "groups and depthwise convolutions"), layer_cost),
    TypeSpec("receptive-field", "networks", "Receptive field after a stack",
             "The receptive field's [size, effective stride] of one output cell after a "
             "stack.", "vector", ("two layers", "three layers, strides",
                                  "four layers, dilation, ceil mode"), receptive_field),
)
