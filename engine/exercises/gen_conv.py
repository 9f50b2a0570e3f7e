"""Convolution exercises: one output cell, the full output, true convolution.

Answers come from ``engine.conv.conv2d``; the worked steps are its trace
(``conv2d_trace``): the window each cell reads, the products, the partial
sum per channel and the bias.
"""

from __future__ import annotations

import numpy as np

from engine.conv import Conv2dResult, ConvTrace, conv2d, conv2d_trace
from engine.errors import InputError
from engine.exercises.gen_size import pair_text, size_text
from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.exercises.numbers import FROM_1, cell_name, dot, int_lists, num, paren, small_ints

TOLERANCE = 0.01


def _rows_text(positions: list[int]) -> str:
    """0-based positions as a 1-based list: [0, 2, 2] → "1, 3"."""
    unique = sorted(set(positions))
    return ", ".join(str(p + 1) for p in unique)


def cell_equation(result: Conv2dResult, channel: int, row: int, col: int) -> str:
    """``Y[1, 2] = 1·2 + 3·(−1) + (−1) = 0``: one output cell (named from 1) from the trace,
    with one bracket per input channel when there are several."""
    _, ho, wo = result.output.shape
    step = (channel * ho + row) * wo + col
    return _equation(result, conv2d_trace(result, start=step, limit=1), 0)


def cell_equations(result: Conv2dResult, channel: int) -> list[str]:
    """:func:`cell_equation` of every cell of one output channel, row by row, from one
    trace of the whole channel."""
    _, ho, wo = result.output.shape
    trace = conv2d_trace(result, start=channel * ho * wo, limit=ho * wo)
    return [_equation(result, trace, n) for n in range(ho * wo)]


def _equation(result: Conv2dResult, trace: ConvTrace, n: int) -> str:
    channel, row, col = trace.out[n].tolist()
    rows, cols = trace.window[n, :, 0], trace.window[n, :, 1]
    kernel = result.kernel[channel]  # (G, kH, kW) as applied
    sums = []
    for g in range(kernel.shape[0]):
        group = channel // (result.kernel.shape[0] // result.groups)
        values = result.padded_input[group * kernel.shape[0] + g, rows, cols]
        sums.append(dot(values.tolist(), kernel[g].ravel().tolist()))
    body = sums[0] if len(sums) == 1 else " + ".join(f"({s})" for s in sums)
    bias = float(trace.bias[n])
    if bias:
        body += f" + {paren(bias)}"
    return f"{cell_name('Y', row, col)} = {body} = {num(float(trace.value[n]))}"


def cell_steps(result: Conv2dResult, row: int, col: int) -> list[str]:
    """The worked steps of one output cell: where the window sits, then the sum."""
    trace = conv2d_trace(result, start=row * result.output.shape[2] + col, limit=1)
    rows, cols = trace.window[0, :, 0].tolist(), trace.window[0, :, 1].tolist()
    imap = result.index_map
    steps = [f"The {size_text(imap.kernel_size)} window of {cell_name('Y', row, col)} starts at "
             f"padded row ({row + 1} − 1)·{imap.stride[0]} + 1 = {rows[0] + 1} and padded "
             f"column ({col + 1} − 1)·{imap.stride[1]} + 1 = {cols[0] + 1} ({FROM_1}); with "
             f"dilation {imap.dilation[0]} it reads padded rows {_rows_text(rows)} and padded "
             f"columns {_rows_text(cols)}."]
    padded = trace.padding[0]
    if padded.any():
        steps.append(f"{int(padded.sum())} of its {padded.size} taps read padding (0).")
    for g, partial in enumerate(trace.partial_sums[0]):
        if len(trace.partial_sums[0]) > 1:
            steps.append(f"Channel {g + 1}: the products sum to {num(float(partial))}.")
    steps.append(cell_equation(result, 0, row, col))
    return steps


def _conv_givens(x: np.ndarray, k: np.ndarray, stride: int, padding: int, dilation: int,
                 bias: float) -> list[Given]:
    return [Given("input", "X", int_lists(x)), Given("kernel", "K", int_lists(k)),
            Given("stride", "stride", [stride, stride], pair_text((stride, stride))),
            Given("padding", "padding", [padding, padding], pair_text((padding, padding))),
            Given("dilation", "dilation", [dilation, dilation],
                  pair_text((dilation, dilation))),
            Given("bias", "bias", int(bias), num(bias))]


def _setting(stride: int, padding: int, dilation: int, bias: float) -> str:
    parts = [f"stride {stride}", f"zero padding {padding}"]
    if dilation > 1:
        parts.append(f"dilation {dilation}")
    parts.append(f"bias {num(bias)}")
    return ", ".join(parts)


def _int(rng: np.random.Generator, low: int, high: int) -> int:
    """A whole number ``low … high`` (inclusive)."""
    return int(rng.integers(low, high, endpoint=True))


def _draw(rng: np.random.Generator, difficulty: int, cells: tuple[int, int]
          ) -> tuple[np.ndarray, np.ndarray, int, int, int, float, Conv2dResult]:
    """Input, kernel, stride, padding, dilation, bias and the engine's result."""
    while True:
        dilation, bias = 1, 0.0
        if difficulty == 1:
            n, kn = _int(rng, 3, 5), _int(rng, 2, 3)
            x, k = small_ints(rng, 0, 5, (n, n)), small_ints(rng, -1, 2, (kn, kn))
            stride, padding = 1, 0
        elif difficulty == 2:
            n, kn = _int(rng, 4, 5), _int(rng, 2, 3)
            x, k = small_ints(rng, -2, 4, (n, n)), small_ints(rng, -2, 2, (kn, kn))
            stride, padding, bias = _int(rng, 1, 2), _int(rng, 0, 1), float(_int(rng, -3, 3))
        else:
            n, kn = _int(rng, 4, 5), 2
            x, k = small_ints(rng, -2, 3, (2, n, n)), small_ints(rng, -1, 2, (2, kn, kn))
            stride, padding, dilation = _int(rng, 1, 2), _int(rng, 0, 1), _int(rng, 1, 2)
            bias = float(_int(rng, -3, 3))
        try:
            result = conv2d(x, k, bias=bias, stride=stride, padding=padding, dilation=dilation)
        except InputError:
            continue
        if cells[0] <= result.output[0].size <= cells[1]:
            return x, k, stride, padding, dilation, bias, result


def _channels_text(x: np.ndarray) -> str:
    if x.ndim == 3:
        return (f" X has {x.shape[0]} channels (X[1], X[2]) and K one slice per channel; "
                f"the output sums the channels.")
    return ""


def conv_cell(rng: np.random.Generator, difficulty: int) -> Draft:
    """One output cell of a convolution."""
    x, k, stride, padding, dilation, bias, result = _draw(rng, difficulty, (1, 36))
    _, ho, wo = result.output.shape
    row, col = int(rng.integers(0, ho)), int(rng.integers(0, wo))
    setting = _setting(stride, padding, dilation, bias)
    prompt = (f"Cross-correlate the input X with the kernel K ({setting}), as a "
              f"convolution layer does.{_channels_text(x)} What is the output cell "
              f"{cell_name('Y', row, col)} (row {row + 1}, column {col + 1}, counting from 1 as "
              f"in the lectures)?")
    givens = (*_conv_givens(x, k, stride, padding, dilation, bias),
              Given("cell", "output cell", [row, col], cell_name("Y", row, col)))
    answer = Answer("scalar", cell_name("Y", row, col), np.array(result.output[0, row, col]))
    return Draft("One output cell of a convolution", prompt, givens, answer,
                 tuple(cell_steps(result, row, col)), TOLERANCE)


def conv_output(rng: np.random.Generator, difficulty: int) -> Draft:
    """The full output of a convolution."""
    x, k, stride, padding, dilation, bias, result = _draw(rng, difficulty, (4, 9))
    setting = _setting(stride, padding, dilation, bias)
    prompt = (f"Cross-correlate the input X with the kernel K ({setting}), as a "
              f"convolution layer does.{_channels_text(x)} What is the whole output Y?")
    a = result.arithmetic
    steps = [f"Output size: {a[0].substituted} rows and {a[1].substituted} columns."]
    steps += cell_equations(result, 0)
    answer = Answer("grid", "Y", result.output[0].copy())
    return Draft("Output of a convolution", prompt,
                 tuple(_conv_givens(x, k, stride, padding, dilation, bias)), answer,
                 tuple(steps), TOLERANCE)


def true_conv(rng: np.random.Generator, difficulty: int) -> Draft:
    """One cell of cross-correlation and of true convolution (kernel rotated 180°)."""
    while True:
        n, kn = {1: (3, 2), 2: (4, 3), 3: (5, 3)}[difficulty]
        stride, padding = (2, 1) if difficulty == 3 else (1, 0)
        x, k = small_ints(rng, -1, 5, (n, n)), small_ints(rng, -2, 3, (kn, kn))
        corr = conv2d(x, k, stride=stride, padding=padding)
        true = conv2d(x, k, stride=stride, padding=padding, flip_kernel=True)
        _, ho, wo = corr.output.shape
        row, col = int(rng.integers(0, ho)), int(rng.integers(0, wo))
        if corr.output[0, row, col] != true.output[0, row, col] or difficulty == 1:
            break  # otherwise the exercise could not tell the two apart
    values = np.array([corr.output[0, row, col], true.output[0, row, col]])
    rotated = k[::-1, ::-1]
    steps = ("Cross-correlation (what deep-learning libraries call convolution) uses K as "
             "it is:", cell_equation(corr, 0, row, col),
             f"True convolution rotates K by 180° first: K rotated = {int_lists(rotated)} "
             f"(the last row first, each row reversed).", cell_equation(true, 0, row, col))
    prompt = (f"With stride {stride} and zero padding {padding}, compute the output cell "
              f"{cell_name('Y', row, col)} ({FROM_1}) twice: as the cross-correlation of X with "
              f"K, and as the true convolution (the kernel rotated by 180°). Answer "
              f"[cross-correlation, true convolution].")
    givens = (Given("input", "X", int_lists(x)), Given("kernel", "K", int_lists(k)),
              Given("stride", "stride", [stride, stride], str(stride)),
              Given("padding", "padding", [padding, padding], str(padding)),
              Given("cell", "output cell", [row, col], cell_name("Y", row, col)))
    answer = Answer("vector", cell_name("Y", row, col), values,
                    labels=("cross-correlation", "true convolution"))
    return Draft("True convolution or cross-correlation", prompt, givens, answer, steps,
                 TOLERANCE)


SPECS = (
    TypeSpec("conv-cell", "convolution", "One output cell of a convolution",
             "One cell of a convolution's output, with stride, padding, dilation, bias "
             "and channels.", "scalar",
             ("3×3–5×5 input, 2×2–3×3 kernel, stride 1", "stride 1–2, zero padding, bias",
              "two input channels, dilation 1–2, stride, padding, bias"), conv_cell,
             version=2, older=((1, conv_cell),)),
    TypeSpec("conv-output", "convolution", "Output of a convolution",
             "The whole output grid of a convolution (2×2 to 3×3 cells).", "grid",
             ("3×3–5×5 input, 2×2–3×3 kernel, stride 1", "stride 1–2, zero padding, bias",
              "two input channels, dilation 1–2, stride, padding, bias"), conv_output),
    TypeSpec("true-conv", "convolution", "True convolution or cross-correlation",
             "One output cell computed both ways: cross-correlation and true convolution "
             "(the kernel rotated 180°).", "vector",
             ("3×3 input, 2×2 kernel", "4×4 input, 3×3 kernel",
              "5×5 input, 3×3 kernel, stride 2, padding 1"), true_conv,
             version=2, older=((1, true_conv),)),
)
