"""Transposed-convolution exercises: the full output.

The answer is ``engine.transposed.conv_transpose2d``; the worked steps are its
scatter trace: each input cell places a scaled copy of the kernel (deck 002's
A1 … A9), and the copies add up.
"""

from __future__ import annotations

import numpy as np

from engine.errors import InputError
from engine.exercises.gen_size import pair_text
from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.exercises.numbers import cell_name, int_lists, num, small_ints
from engine.transposed import ConvTranspose2dResult, conv_transpose2d, conv_transpose2d_trace

TOLERANCE = 0.01
MAX_CELLS = 25


def _span(values: list[int]) -> str:
    """0-based positions as a 1-based span: [2, 3] → "3–4"."""
    low, high = min(values) + 1, max(values) + 1
    return str(low) if low == high else f"{low}–{high}"


def scatter_steps(result: ConvTranspose2dResult) -> list[str]:
    """One step per input cell: the scaled kernel copy and where it lands."""
    trace = conv_transpose2d_trace(result)
    kh, kw = result.kernel.shape[2:]
    steps = []
    for n in range(len(trace.value)):
        _, r, c = trace.source[n].tolist()
        kept = ~trace.cropped[n]
        copy = trace.amounts[n].reshape(kh, kw)
        text = (f"{cell_name('X', r, c)} = {num(float(trace.value[n]))} places "
                f"{num(float(trace.value[n]))}·K = {int_lists(copy)}")
        if kept.any():
            rows, cols = trace.targets[n, kept, 1].tolist(), trace.targets[n, kept, 2].tolist()
            text += f" on output rows {_span(rows)}, columns {_span(cols)}"
        if not kept.all():
            text += (f" ({int((~kept).sum())} of its {kept.size} cells fall in the padding "
                     f"and are cropped)" if kept.any() else " entirely in the cropped padding")
        steps.append(text + ".")
    bias = float(result.bias[0])
    steps.append("Where copies overlap, their values add up"
                 + (f"; then the bias {num(bias)} is added to every cell." if bias else "."))
    return steps


def transposed_output(rng: np.random.Generator, difficulty: int) -> Draft:
    """The full output of a transposed convolution."""
    while True:
        padding, output_padding, bias = 0, 0, 0.0
        if difficulty == 1:
            n, kn, stride = 2, 2, 1
        elif difficulty == 2:
            n, kn = (int(v) for v in rng.integers(2, 3, size=2, endpoint=True))
            stride = int(rng.integers(2, 3, endpoint=True))
        else:
            n, kn, stride, padding = int(rng.integers(2, 3, endpoint=True)), 3, 2, 1
            output_padding = int(rng.integers(0, 1, endpoint=True))
            bias = float(rng.integers(-2, 2, endpoint=True))
        x = small_ints(rng, 0, 3, (n, n)) if difficulty == 1 else small_ints(rng, -1, 3, (n, n))
        k = small_ints(rng, -1, 2, (kn, kn))
        try:
            result = conv_transpose2d(x, k, bias=bias, stride=stride, padding=padding,
                                      output_padding=output_padding)
        except InputError:
            continue
        if result.output[0].size <= MAX_CELLS:
            break
    a = result.arithmetic
    setting = f"stride {stride}, padding {padding}"
    if difficulty == 3:
        setting += f", output padding {output_padding}, bias {num(bias)}"
    prompt = (f"Compute the transposed convolution of the input X with the kernel K "
              f"({setting}), as torch.nn.functional.conv_transpose2d does: each input cell "
              f"places a copy of K scaled by its value, {stride} cell(s) apart"
              + (", and the padding crops the border of the result" if padding else "")
              + ". What is the whole output Y?")
    steps = [f"Output size: {a[0].substituted} rows, {a[1].substituted} columns.",
             *scatter_steps(result)]
    givens = (Given("input", "X", int_lists(x)), Given("kernel", "K", int_lists(k)),
              Given("stride", "stride", [stride, stride], pair_text((stride, stride))),
              Given("padding", "padding", [padding, padding], pair_text((padding, padding))),
              Given("output_padding", "output padding", [output_padding, output_padding],
                    pair_text((output_padding, output_padding))),
              Given("bias", "bias", int(bias), num(bias)))
    return Draft("Output of a transposed convolution", prompt, givens,
                 Answer("grid", "Y", result.output[0].copy()), tuple(steps), TOLERANCE)


SPECS = (
    TypeSpec("transposed-output", "transposed convolution",
             "Output of a transposed convolution",
             "The whole output grid of a transposed convolution (at most 5×5 cells).", "grid",
             ("2×2 input and kernel, stride 1", "stride 2–3, no overlap or some overlap",
              "3×3 kernel, stride 2, padding 1, output padding, bias"), transposed_output,
             version=2, older=((1, transposed_output),)),
)
