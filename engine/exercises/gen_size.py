"""Output-size exercises: convolution, transposed convolution, pooling, "same" padding.

Answers come from the engine's per-axis arithmetic (``engine.geometry``), and
the worked steps are its substituted formulas and explanations.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np

from engine.errors import InputError
from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.geometry import AxisArithmetic, conv_axis, pool_axis, transposed_axis
from engine.params import resolve_padding

AXES = ("height", "width")


def pair_text(pair: tuple[int, int]) -> str:
    """``2`` when both axes agree, else ``2 (height), 3 (width)``."""
    if pair[0] == pair[1]:
        return str(pair[0])
    return f"{pair[0]} (height), {pair[1]} (width)"


def size_text(sizes: Sequence[int]) -> str:
    return " × ".join(str(size) for size in sizes)


def _pair(rng: np.random.Generator, low: int, high: int, same: bool) -> tuple[int, int]:
    """Two whole numbers ``low … high``; equal when ``same``."""
    a, b = (int(v) for v in rng.integers(low, high, size=2, endpoint=True))
    return (a, a) if same else (a, b)


def _steps(arithmetic: tuple[AxisArithmetic, ...]) -> tuple[str, ...]:
    steps = [f"The formula per axis: {arithmetic[0].formula} "
             f"({arithmetic[0].citation}); in the lectures' notation "
             f"{arithmetic[0].lecture_formula}."]
    for a in arithmetic:
        steps.append(f"{a.axis.capitalize()}: {a.substituted}. {a.explanation}")
    return tuple(steps)


def _size_answer(arithmetic: tuple[AxisArithmetic, ...], name: str = "output size") -> Answer:
    return Answer("vector", name, np.array([float(a.output_size) for a in arithmetic]),
                  labels=AXES)


def _size_givens(size: tuple[int, int], kernel: tuple[int, int], **pairs: tuple[int, int]
                 ) -> tuple[Given, ...]:
    givens = [Given("input_size", "input size", list(size), size_text(size)),
              Given("kernel_size", "kernel size", list(kernel), size_text(kernel))]
    givens += [Given(k, k.replace("_", " "), list(v), pair_text(v)) for k, v in pairs.items()]
    return tuple(givens)


def conv_size(rng: np.random.Generator, difficulty: int, version: int = 2) -> Draft:
    """The output size of a convolution with stride, padding and dilation (version 1
    drew level 1 from only 20 settings; version 2 from over 300)."""
    while True:
        same = difficulty < 3
        if difficulty == 1 and version >= 2:
            size, kernel = _pair(rng, 4, 12, False), _pair(rng, 2, 4, True)
            stride, padding, dilation = (1, 1), _pair(rng, 0, 1, True), (1, 1)
        elif difficulty == 1:
            size, kernel = _pair(rng, 4, 8, True), _pair(rng, 2, 3, True)
            stride, padding, dilation = (1, 1), _pair(rng, 0, 1, True), (1, 1)
        elif difficulty == 2:
            size = _pair(rng, 5, 24 if version >= 2 else 12, False)
            kernel = _pair(rng, 2, 5, True)
            stride, padding, dilation = _pair(rng, 2, 3, same), _pair(rng, 0, 2, same), (1, 1)
        else:
            size, kernel = _pair(rng, 6, 16, False), _pair(rng, 1, 5, False)
            stride, padding = _pair(rng, 1, 3, False), _pair(rng, 0, 2, False)
            dilation = _pair(rng, 1, 3, False)
        try:
            arithmetic = tuple(conv_axis(AXES[i], input_size=size[i], kernel_size=kernel[i],
                                         stride=stride[i], padding=(padding[i], padding[i]),
                                         dilation=dilation[i]) for i in range(2))
        except InputError:
            continue
        break
    prompt = (f"A convolution slides a {size_text(kernel)} kernel over an input of "
              f"{size_text(size)} (height × width) with stride {pair_text(stride)}, zero "
              f"padding {pair_text(padding)} on each side and dilation {pair_text(dilation)}. "
              f"What is the output size? Answer [height, width].")
    return Draft("Output size of a convolution", prompt,
                 _size_givens(size, kernel, stride=stride, padding=padding, dilation=dilation),
                 _size_answer(arithmetic), _steps(arithmetic), 0.0)


def transposed_size(rng: np.random.Generator, difficulty: int, version: int = 2) -> Draft:
    """The output size of a transposed convolution (Relationships 8–14). Version 2 draws
    level 1 from ~300 settings (version 1: 16) and level 2 always pads, so that it never
    repeats a level-1 setting."""
    while True:
        same = difficulty < 3
        dilation, output_padding = (1, 1), (0, 0)
        if difficulty == 1 and version >= 2:
            size, kernel = _pair(rng, 2, 8, False), _pair(rng, 2, 4, True)
            stride, padding = _pair(rng, 1, 2, True), (0, 0)
        elif difficulty == 1:
            size, kernel = _pair(rng, 2, 5, True), _pair(rng, 2, 3, True)
            stride, padding = _pair(rng, 1, 2, True), (0, 0)
        elif difficulty == 2:
            size, kernel = _pair(rng, 2, 6, False), _pair(rng, 2, 4, True)
            stride = _pair(rng, 2, 3, True)
            padding = _pair(rng, 1 if version >= 2 else 0, 1 if version < 2 else 2, True)
        else:
            size, kernel = _pair(rng, 2, 8, False), _pair(rng, 1, 4, False)
            stride, padding = _pair(rng, 1, 3, same), _pair(rng, 0, 2, False)
            dilation = _pair(rng, 1, 2, False)
            output_padding = (int(rng.integers(0, max(stride[0], dilation[0]))),
                              int(rng.integers(0, max(stride[1], dilation[1]))))
        try:
            arithmetic = tuple(transposed_axis(
                AXES[i], input_size=size[i], kernel_size=kernel[i], stride=stride[i],
                padding=padding[i], dilation=dilation[i], output_padding=output_padding[i])
                for i in range(2))
        except InputError:
            continue
        break
    extra = (f", output padding {pair_text(output_padding)} and dilation {pair_text(dilation)}"
             if difficulty == 3 else "")
    prompt = (f"A transposed convolution with a {size_text(kernel)} kernel, stride "
              f"{pair_text(stride)}, padding {pair_text(padding)}{extra} reads an input of "
              f"{size_text(size)} (height × width). What is the output size? "
              f"Answer [height, width].")
    pairs = {"stride": stride, "padding": padding}
    if difficulty == 3:
        pairs |= {"output_padding": output_padding, "dilation": dilation}
    return Draft("Output size of a transposed convolution", prompt,
                 _size_givens(size, kernel, **pairs), _size_answer(arithmetic),
                 _steps(arithmetic), 0.0)


def pool_size(rng: np.random.Generator, difficulty: int, version: int = 2) -> Draft:
    """The output size of pooling, with PyTorch's ceil-mode rule at level 3. Version 2
    draws level 1 from ~400 settings (version 1: 18), and level 2 never the level-1
    setting (stride = window, no padding)."""
    ceil_mode = False
    while True:
        dilation, padding = (1, 1), (0, 0)
        if difficulty == 1:
            size = _pair(rng, 4, 16, False) if version >= 2 else _pair(rng, 4, 12, True)
            kernel = _pair(rng, 2, 3, True)
            stride = kernel
        elif difficulty == 2:
            size, kernel = _pair(rng, 5, 14, False), _pair(rng, 2, 3, True)
            stride, padding = _pair(rng, 1, 3, True), _pair(rng, 0, kernel[0] // 2, True)
            if version >= 2 and stride == kernel and padding == (0, 0):
                continue  # that is level 1
        else:
            size, kernel = _pair(rng, 5, 16, False), _pair(rng, 2, 4, False)
            stride = _pair(rng, 1, 3, False)
            padding = (int(rng.integers(0, kernel[0] // 2, endpoint=True)),
                       int(rng.integers(0, kernel[1] // 2, endpoint=True)))
            dilation, ceil_mode = _pair(rng, 1, 2, False), bool(rng.integers(0, 2))
        try:
            arithmetic = tuple(pool_axis(
                AXES[i], input_size=size[i], kernel_size=kernel[i], stride=stride[i],
                padding=padding[i], dilation=dilation[i], ceil_mode=ceil_mode)
                for i in range(2))
        except InputError:
            continue
        break
    rounding = (" Round up (ceil_mode), but drop a last window that would start in the "
                "right padding, as PyTorch does." if ceil_mode else "")
    extra = f" and dilation {pair_text(dilation)}" if difficulty == 3 else ""
    prompt = (f"Pooling with a {size_text(kernel)} window, stride {pair_text(stride)}, "
              f"padding {pair_text(padding)}{extra} reads an input of {size_text(size)} "
              f"(height × width).{rounding} What is the output size? Answer [height, width].")
    pairs = {"stride": stride, "padding": padding}
    if difficulty == 3:
        pairs |= {"dilation": dilation}
    givens = (*_size_givens(size, kernel, **pairs),
              Given("ceil_mode", "ceil mode", ceil_mode, "on" if ceil_mode else "off"))
    return Draft("Output size of pooling", prompt, givens, _size_answer(arithmetic),
                 _steps(arithmetic), 0.0)


def same_padding(rng: np.random.Generator, difficulty: int, version: int = 2) -> Draft:
    """The padding that keeps the size at stride 1: p = (k − 1)·d / 2 per axis. Version
    2 draws rectangular kernels at levels 1 and 2 (version 1: 24 and 48 settings)."""
    while True:
        if difficulty == 1:
            kernel, dilation = _pair(rng, 1, 7 if version >= 2 else 3, version < 2), (1, 1)
            kernel = (2 * kernel[0] + 1, 2 * kernel[1] + 1)
        elif difficulty == 2:
            kernel = _pair(rng, 2, 9 if version >= 2 else 5, version < 2)
            dilation = _pair(rng, 2, 3, True)
        else:
            kernel, dilation = _pair(rng, 1, 7, False), _pair(rng, 1, 4, False)
        spans = [(kernel[i] - 1) * dilation[i] for i in range(2)]
        if spans[0] % 2 or spans[1] % 2 or max(spans) == 0:
            continue  # an even span cannot be split evenly between the two sides
        break
    size = _pair(rng, max(spans) + 1, max(spans) + 8, difficulty < 3 and version < 2)
    pads = resolve_padding("same", kernel_size=kernel, dilation=dilation, stride=(1, 1))
    answer = np.array([float(pads[0][0]), float(pads[1][0])])
    check = tuple(conv_axis(AXES[i], input_size=size[i], kernel_size=kernel[i], stride=1,
                            padding=pads[i], dilation=dilation[i]) for i in range(2))
    steps = ["At stride 1 the output size is i + 2p − (k − 1)·d, so it equals the input "
             "size i exactly when 2p = (k − 1)·d."]
    for i, a in enumerate(check):
        steps.append(f"{a.axis.capitalize()}: p = ({kernel[i]} − 1)·{dilation[i]} / 2 = "
                     f"{pads[i][0]}. Check: {a.substituted}.")
    prompt = (f"A convolution with a {size_text(kernel)} kernel, stride 1 and dilation "
              f"{pair_text(dilation)} reads an input of {size_text(size)}. How much zero "
              f"padding on each side keeps the output at {size_text(size)}? "
              f"Answer [height, width] (the padding of the rows, then of the columns).")
    givens = _size_givens(size, kernel, dilation=dilation, stride=(1, 1))
    return Draft('Padding that keeps the size ("same")', prompt, givens,
                 Answer("vector", "padding", answer, labels=AXES), tuple(steps), 0.0)


LEVELS_CONV = ("square kernel 2–4, stride 1, padding 0 or 1",
               "rectangular input up to 24, stride 2–3, padding 0–2",
               "every parameter per axis, dilation 1–3, remainders dropped by the floor")
SPECS = (
    TypeSpec("conv-size", "output size", "Output size of a convolution",
             "The [height, width] of a convolution's output, from the input size, kernel "
             "size, stride, padding and dilation.", "vector", LEVELS_CONV, conv_size,
             version=2, older=((1, partial(conv_size, version=1)),)),
    TypeSpec("transposed-size", "output size", "Output size of a transposed convolution",
             "The [height, width] of a transposed convolution's output.", "vector",
             ("stride 1–2, no padding", "stride 2–3, padding 1–2",
              "per-axis parameters, output padding, dilation"), transposed_size,
             version=2, older=((1, partial(transposed_size, version=1)),)),
    TypeSpec("pool-size", "output size", "Output size of pooling",
             "The [height, width] of a pooling output.", "vector",
             ("window = stride, no padding", "overlapping windows or padding",
              "per-axis parameters, dilation, ceil mode"), pool_size,
             version=2, older=((1, partial(pool_size, version=1)),)),
    TypeSpec("same-padding", "output size", 'Padding that keeps the size ("same")',
             "The zero padding [height, width] that keeps the output size equal to the input "
             "size at stride 1.", "vector",
             ("odd kernel 3–15 per axis", "dilated kernel, one dilation",
              "every kernel size, per-axis dilation"), same_padding,
             version=2, older=((1, partial(same_padding, version=1)),)),
)
