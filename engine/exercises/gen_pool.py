"""Pooling exercises: max / average / min pooling output, and max-unpooling.

Answers come from ``engine.pool.pool2d`` and ``max_unpool2d``; the worked
steps are the pooling trace (the values each window reads, the winner or the
sum and divisor).
"""

from __future__ import annotations

import numpy as np

from engine.exercises.gen_size import pair_text, size_text
from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.exercises.numbers import FROM_1, cell_name, int_lists, num, plus, small_ints
from engine.pool import Pool2dResult, max_unpool2d, pool2d, pool2d_trace

TOLERANCE = 0.01
_NAMES = {"max": "max", "min": "min", "avg": "average"}


def pool_steps(result: Pool2dResult) -> list[str]:
    """One step per output cell, from the pooling trace."""
    trace = pool2d_trace(result)
    steps = []
    for n in range(len(trace.value)):
        _, r, c = trace.out[n].tolist()
        real = ~trace.padding[n]
        value = num(float(trace.value[n]))
        if result.mode == "avg":
            assert trace.total is not None and trace.divisor is not None
            read = trace.values[n][result.in_frame[r * result.output.shape[2] + c]]
            text = (f"{cell_name('Y', r, c)} = ({plus(read)}) / {num(float(trace.divisor[n]))} = "
                    f"{num(float(trace.total[n]))} / {num(float(trace.divisor[n]))} = {value}")
        else:
            read = ", ".join(num(v) for v in trace.values[n][real])
            text = f"{cell_name('Y', r, c)} = {result.mode}({read}) = {value}"
        if not real.all():
            text += (f" ({int((~real).sum())} padding cell(s) in the window"
                     + (", counted as 0)" if result.mode == "avg" else ", which never win)"))
        steps.append(text)
    return steps


def pool_output(rng: np.random.Generator, difficulty: int) -> Draft:
    """The output of max, average or min pooling."""
    mode = str(rng.choice(["max", "avg", "min"]))
    padding, ceil_mode = 0, False
    if difficulty == 1:
        n, kernel, stride = 4, 2, 2
    elif difficulty == 2:
        n, kernel, stride = [(5, 3, 2), (4, 2, 1), (6, 3, 3)][int(rng.integers(0, 3))]
    elif mode == "avg" or rng.integers(0, 2):
        n, kernel, stride, padding = 5, 3, 2, 1
    else:
        n, kernel, stride, ceil_mode = 5, 2, 2, True
    x = small_ints(rng, 0, 9, (n, n)) if difficulty == 1 else small_ints(rng, -3, 9, (n, n))
    result = pool2d(x, mode=mode, kernel_size=kernel, stride=stride, padding=padding,
                    ceil_mode=ceil_mode)
    rules = ""
    if padding:
        rules = (f" Padding cells add 0 to the sum but still count in the divisor: every "
                 f"window divides by its {kernel * kernel} cells (PyTorch's count_include_pad)."
                 if mode == "avg" else " Padding never wins.")
    if ceil_mode:
        rules = (" Use ceil mode: keep a last, partial window that hangs over the bottom "
                 "or right edge (its missing cells never win).")
    prompt = (f"Apply {_NAMES[mode]} pooling with a {size_text((kernel, kernel))} window, "
              f"stride {stride} and padding {padding} to the input X.{rules} "
              f"What is the output Y?")
    givens = (Given("input", "X", int_lists(x)), Given("mode", "mode", mode, _NAMES[mode]),
              Given("kernel_size", "window", [kernel, kernel], size_text((kernel, kernel))),
              Given("stride", "stride", [stride, stride], pair_text((stride, stride))),
              Given("padding", "padding", [padding, padding], pair_text((padding, padding))),
              Given("ceil_mode", "ceil mode", ceil_mode, "on" if ceil_mode else "off"))
    a = result.arithmetic
    steps = [f"Output size: {a[0].substituted} rows, {a[1].substituted} columns.",
             *pool_steps(result)]
    return Draft(f"{_NAMES[mode].capitalize()} pooling", prompt, givens,
                 Answer("grid", "Y", result.output[0].copy()), tuple(steps), TOLERANCE)


def unpool_output(rng: np.random.Generator, difficulty: int) -> Draft:
    """Max-unpooling with the positions remembered by max pooling."""
    n, kernel = {1: (4, 2), 2: (6, int(rng.integers(2, 3, endpoint=True))), 3: (5, 2)}[difficulty]
    # Distinct values: every window has one maximum, so the positions are unambiguous.
    x = (rng.permutation(n * n) + 1).reshape(n, n).astype(np.float64)
    pooled = pool2d(x, mode="max", kernel_size=kernel)
    assert pooled.indices is not None
    z = small_ints(rng, 1, 9, pooled.output.shape[1:])
    result = max_unpool2d(z, pooled.indices[0], kernel_size=kernel, output_size=(n, n))
    width = n
    steps = [f"Max pooling X with a {kernel}×{kernel} window, stride {kernel}, remembers "
             f"where each maximum was ({FROM_1}; PyTorch's flat indices count from 0):"]
    for (r, c), index in np.ndenumerate(pooled.indices[0]):
        at = cell_name("X", index // width, index % width)
        steps.append(f"window ({r + 1}, {c + 1}): maximum {num(float(pooled.output[0, r, c]))} "
                     f"at {at}, so {cell_name('Z', r, c)} = {num(float(z[r, c]))} goes to "
                     f"output cell ({index // width + 1}, {index % width + 1}).")
    steps.append("Every other output cell is 0.")
    if n % kernel:
        steps.append(f"The output is {n}×{n}, the size of X (output_size), although "
                     f"{kernel}·{pooled.output.shape[1]} = {kernel * pooled.output.shape[1]}: "
                     f"the last row and column were never pooled and stay 0.")
    prompt = (f"X is max-pooled with a {kernel}×{kernel} window and stride {kernel}, "
              f"remembering the position of each maximum. Then the map Z (the same size as "
              f"the pooled output) is max-unpooled with those positions, back to an output of "
              f"{n}×{n}. What is the unpooled output?")
    givens = (Given("input", "X", int_lists(x)), Given("values", "Z", int_lists(z)),
              Given("kernel_size", "window", [kernel, kernel], size_text((kernel, kernel))),
              Given("stride", "stride", [kernel, kernel], pair_text((kernel, kernel))),
              Given("output_size", "output size", [n, n], size_text((n, n))))
    return Draft("Max-unpooling", prompt, givens,
                 Answer("grid", "U", result.output[0].copy()), tuple(steps), TOLERANCE)


SPECS = (
    TypeSpec("pool-output", "pooling", "Pooling output",
             "The output of max, average or min pooling (the mode is drawn by the seed).",
             "grid", ("4×4 input, 2×2 window, stride 2",
                      "overlapping or larger windows", "padding 1, or ceil mode"),
             pool_output,
             version=2, older=((1, pool_output),)),
    TypeSpec("unpool-output", "pooling", "Max-unpooling",
             "Max-unpooling of a map Z with the positions remembered by max-pooling X.",
             "grid", ("4×4 input, 2×2 window", "6×6 input, 2×2 or 3×3 window",
                      "5×5 input, 2×2 window: the last row and column are never pooled"),
             unpool_output),
)
