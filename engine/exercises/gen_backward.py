"""Backward-pass exercises: the input gradient ΔX and the kernel gradient ΔW.

Answers come from ``engine.backward.conv2d_backward``; the worked steps are
its traces (ΔY scattered back through each window; each weight gathering the
inputs it read, weighted by ΔY).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from engine.backward import Conv2dBackward, conv2d_backward, input_grad_trace, kernel_grad_trace
from engine.conv import conv2d
from engine.exercises.gen_conv import TOLERANCE
from engine.exercises.gen_size import pair_text
from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.exercises.numbers import cell_name, dot, int_lists, num, small_ints

_LEVELS = {1: (3, 2, 1, 0, False), 2: (4, 2, 2, 0, False), 3: (3, 2, 1, 0, True)}


def _setup(rng: np.random.Generator, difficulty: int
           ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], int, int,
                      bool, Conv2dBackward]:
    """Input, kernel, ΔY, stride, padding, flip and the engine's backward pass."""
    n, kn, stride, padding, flip = _LEVELS[difficulty]
    if difficulty == 2 and rng.integers(0, 2):
        n, kn, stride, padding = 3, 2, 1, 1
    x = small_ints(rng, -2, 4, (n, n))
    k = small_ints(rng, -2, 3, (kn, kn))
    result = conv2d(x, k, stride=stride, padding=padding, flip_kernel=flip)
    dy = small_ints(rng, -2, 3, result.output.shape[1:])
    return x, k, dy, stride, padding, flip, conv2d_backward(result, dy)


def _givens(stride: int, padding: int, flip: bool) -> list[Given]:
    return [Given("stride", "stride", [stride, stride], pair_text((stride, stride))),
            Given("padding", "padding", [padding, padding], pair_text((padding, padding))),
            Given("flip_kernel", "true convolution", flip,
                  "yes (K rotated 180°)" if flip else "no (cross-correlation)")]


def _forward(flip: bool, stride: int, padding: int) -> str:
    kind = "the true convolution (K rotated by 180°)" if flip else "the cross-correlation"
    return f"Y is {kind} of X with K, stride {stride}, zero padding {padding}"


def backward_dx(rng: np.random.Generator, difficulty: int) -> Draft:
    """ΔX = Cᵀ·ΔY: each ΔY cell sends ΔY·K back over its window."""
    x, k, dy, stride, padding, flip, back = _setup(rng, difficulty)
    trace = input_grad_trace(back)
    steps = ["ΔX = Cᵀ·ΔY: every output cell sends its gradient back through the weights "
             "of its window" + (" (the rotated kernel)" if flip else "") + "."]
    for n in range(len(trace.grad)):
        _, r, c = trace.source[n].tolist()
        kept = ~trace.dropped[n]
        cells = ", ".join(f"{cell_name('ΔX', a, b)} += {num(float(v))}" for (a, b), v, keep in
                          zip(trace.targets[n].tolist(), trace.amounts[n, 0], kept) if keep)
        steps.append(f"{cell_name('ΔY', r, c)} = {num(float(trace.grad[n]))}: {cells or 'nothing'}"
                     + (" (taps on the padding are dropped)" if not kept.all() else ""))
    prompt = (f"{_forward(flip, stride, padding)}. The loss gradient ΔY = ∂L/∂Y is given. "
              f"What is ΔX = ∂L/∂X (the same size as X)?")
    givens = (Given("input", "X", int_lists(x)), Given("kernel", "K", int_lists(k)),
              Given("grad_output", "ΔY", int_lists(dy)), *_givens(stride, padding, flip))
    return Draft("Backward pass: the input gradient ΔX", prompt, givens,
                 Answer("grid", "ΔX", back.grad_input[0].copy()), tuple(steps), TOLERANCE)


def backward_dw(rng: np.random.Generator, difficulty: int) -> Draft:
    """ΔW = ΔY·X_convᵀ: each weight gathers the inputs it read, times ΔY."""
    x, k, dy, stride, padding, flip, back = _setup(rng, difficulty)
    trace = kernel_grad_trace(back)
    steps = ["ΔW = ΔY·X_convᵀ: each weight sums the input values it multiplied, each times "
             "the gradient of the output cell it fed."]
    for n in range(len(trace.value)):
        _, _, a, b = trace.weight[n].tolist()
        tap = trace.tap[n].tolist()
        via = f" (applied as tap {tap[0] + 1}, {tap[1] + 1} of the rotated kernel)" if flip else ""
        steps.append(f"{cell_name('ΔW', a, b)}{via} = {dot(trace.inputs[n], trace.grads[n])} = "
                     f"{num(float(trace.value[n]))}")
    prompt = (f"{_forward(flip, stride, padding)}. The loss gradient ΔY = ∂L/∂Y is given. "
              f"What is ΔW = ∂L/∂K (the same size as K)?")
    givens = (Given("input", "X", int_lists(x)), Given("kernel", "K", int_lists(k)),
              Given("grad_output", "ΔY", int_lists(dy)), *_givens(stride, padding, flip))
    return Draft("Backward pass: the kernel gradient ΔW", prompt, givens,
                 Answer("grid", "ΔW", back.grad_kernel[0, 0].copy()), tuple(steps),
                 TOLERANCE)


_LEVEL_TEXT = ("3×3 input, 2×2 kernel, stride 1",
               "stride 2 on a 4×4 input, or padding 1 on a 3×3 input",
               "true convolution (deck 001): the kernel rotated 180°")
SPECS = (
    TypeSpec("backward-dx", "backward", "Backward pass: the input gradient ΔX",
             "The whole input gradient ΔX of a convolution for a given ΔY.", "grid",
             _LEVEL_TEXT, backward_dx,
             version=2, older=((1, backward_dx),)),
    TypeSpec("backward-dw", "backward", "Backward pass: the kernel gradient ΔW",
             "The whole kernel gradient ΔW of a convolution for a given ΔY.", "grid",
             _LEVEL_TEXT, backward_dw,
             version=2, older=((1, backward_dw),)),
)
