"""Exercises on one and three axes: the output of a 1-D convolution, causal padding, the
receptive field of a stack of dilated causal layers (WaveNet), and a 3-D output size.

Every answer comes from the engine: the 1-D output from the traced convolution (each
value the sum its step shows), causal padding from ``padding_1d`` and the index map,
the stack's receptive field by following the index map's reads down the stack (the
formula 1 + Σ(k − 1)·d is a worked step, not how the key is found), 3-D sizes from the
per-axis arithmetic.
"""

from __future__ import annotations

import numpy as np

from engine.conv import run_conv2d_traced
from engine.errors import InputError
from engine.exercises.gen_conv import TOLERANCE
from engine.exercises.gen_size import size_text
from engine.exercises.model import Answer, Draft, Given, TypeSpec
from engine.exercises.numbers import int_lists, num, small_ints
from engine.geometry import conv_axis
from engine.indexmap import build_index_map
from engine.params import AXES
from engine.signal import padding_1d, plan_conv1d


def _factor(value: float) -> str:
    text = num(value)
    return f"({text})" if value < 0 else text


def conv1d_output(rng: np.random.Generator, difficulty: int) -> Draft:
    """The whole output of a 1-D convolution (cross-correlation, or the decks' s(t))."""
    while True:
        length = int(rng.integers(5, 9 if difficulty == 1 else 11))
        k = int(rng.integers(2, 4))
        x, w = small_ints(rng, -2, 5, (length,)), small_ints(rng, -2, 3, (k,))
        stride = 1 if difficulty == 1 else int(rng.integers(1, 3))
        dilation = 1 if difficulty < 3 else int(rng.integers(1, 3))
        flip = difficulty >= 2 and bool(rng.random() < 0.5)
        bias = 0.0 if difficulty == 1 else float(rng.integers(-2, 3))
        left, right = (0, 0) if difficulty == 1 else (int(rng.integers(0, 3)),) * 2
        if difficulty == 3 and rng.random() < 0.5:
            left, right = (k - 1) * dilation, 0  # causal
        if not x.any() or not w.any() or (flip and np.array_equal(w, w[::-1])):
            continue  # no all-zero data; a symmetric kernel would not show the reversal
        try:
            plan, arithmetic, _ = plan_conv1d(x, w, bias=bias, stride=stride,
                                              padding=[left, right], dilation=dilation,
                                              flip_kernel=flip)
        except InputError:
            continue
        result, trace = run_conv2d_traced(plan)
        y = result.output[0, 0]
        if 3 <= len(y) <= 8 and y.any():
            break
    name = "s" if flip else "y"
    definition = ("true convolution s(t) = Σₐ x(a)·w(t − a), the kernel reversed" if flip else
                  "cross-correlation y(t) = Σⱼ w(j)·x(t·s + j·d), as conv1d computes it")
    pad_words = ("no padding" if left == right == 0 else
                 f"causal padding: {left} zeros on the left" if right == 0 else
                 f"{left} zero{'s' if left > 1 else ''} on each side")
    prompt = (f"Convolve the signal x with the kernel w as {definition}, with stride "
              f"{stride}, dilation {dilation}, {pad_words}"
              f"{f' and bias {num(bias)}' if bias else ''}. Time t counts from 0. What is the "
              f"whole output {name}? Answer [{name}(0), {name}(1), …].")
    applied = result.kernel[0, 0, 0]
    steps = [f"Output length: {arithmetic.substituted}."]
    padded = result.padded_input[0, 0]
    for t in range(len(y)):
        taps = [int(p) for p in trace.window[t, :, 1]]
        reads = " + ".join(f"w({k - 1 - j if flip else j})·"
                           + ("pad" if trace.padding[t, j] else f"x({p - left})")
                           for j, p in enumerate(taps))
        numbers = " + ".join(f"{_factor(applied[j])}·{_factor(padded[p])}"
                             for j, p in enumerate(taps))
        extra = f" + {_factor(bias)}" if bias else ""
        steps.append(f"{name}({t}) = {reads}{' + b' if bias else ''} = {numbers}{extra} "
                     f"= {num(y[t])}.")
    if flip:
        steps.insert(1, f"Reversed, the kernel is {int_lists(applied)}: tap j multiplies "
                        f"w({k} − 1 − j).")
    givens = (Given("input", "x", int_lists(x)), Given("kernel", "w", int_lists(w)),
              Given("stride", "stride", stride, str(stride)),
              Given("padding", "padding", [left, right], f"{left} left, {right} right"),
              Given("dilation", "dilation", dilation, str(dilation)),
              Given("bias", "bias", bias, num(bias)),
              Given("definition", "definition", "convolution" if flip else "cross-correlation",
                    definition))
    answer = Answer("vector", name, y.copy(), labels=tuple(f"{name}({t})" for t in range(len(y))))
    return Draft("Output of a 1-D convolution", prompt, givens, answer, tuple(steps), TOLERANCE)


def causal_padding(rng: np.random.Generator, difficulty: int) -> Draft:
    """How a causal layer pads: zeros on the left, the output length, and how many taps of
    one output read padding."""
    length = int(rng.integers(6, 17))
    k = int(rng.integers(2, 6))
    dilation = 1 if difficulty == 1 else int(rng.integers(2, 5))
    stride = 1 if difficulty < 3 else int(rng.integers(2, 4))
    left, right = padding_1d("causal", k, dilation, stride)
    arithmetic = conv_axis("length", input_size=length, kernel_size=k, stride=stride,
                           padding=(left, right), dilation=dilation, op="conv1d")
    t = int(rng.integers(0, min(arithmetic.output_size, 4 + 2 * difficulty)))
    imap = build_index_map(input_size=(length,), kernel_size=(k,), stride=(stride,),
                           dilation=(dilation,), padding=((left, right),),
                           output_size=(arithmetic.output_size,))
    reads = imap.axis_table(0)[t]
    on_padding = int(imap.is_padding_nd((reads,)).sum())
    prompt = (f"A causal 1-D convolution layer (kernel size {k}, dilation {dilation}, stride "
              f"{stride}) reads a signal of {length} samples and pads it so that no output "
              f"depends on a later sample. How many zeros does it put on the left, how long "
              f"is its output, and how many of the taps of output y({t}) (counting from 0) "
              f"read padding? Answer [zeros on the left, output length, taps on padding].")
    words = ", ".join("padding" if p < left else f"x({int(p) - left})" for p in reads)
    steps = (f"Causal padding puts the whole span (k − 1)·d = ({k} − 1)·{dilation} = {left} "
             f"on the left and nothing on the right: output t's last tap then reads x(t·s).",
             f"Output length: {arithmetic.substituted}.",
             f"y({t}) reads the padded positions {t}·{stride} + j·{dilation} for j = 0 … {k - 1}, "
             f"that is {words}: {on_padding} of them padding.")
    givens = (Given("length", "signal length", length, str(length)),
              Given("kernel_size", "kernel size", k, str(k)),
              Given("dilation", "dilation", dilation, str(dilation)),
              Given("stride", "stride", stride, str(stride)),
              Given("t", "output", t, f"y({t})"))
    answer = Answer("vector", "causal padding",
                    np.array([left, arithmetic.output_size, on_padding], dtype=np.float64),
                    labels=("zeros on the left", "output length", "taps on padding"))
    return Draft("Causal padding", prompt, givens, answer, steps, 0.0)


def _stack(rng: np.random.Generator, difficulty: int) -> tuple[list[int], list[int]]:
    """(kernel sizes, dilations), bottom layer first."""
    if difficulty == 1:  # one kernel size, dilations doubling from 1 or small ones
        n, k = int(rng.integers(2, 6)), int(rng.integers(2, 6))
        doubling = bool(rng.random() < 0.4)
        dilations = ([2 ** i for i in range(n)] if doubling
                     else [int(d) for d in rng.integers(1, 5, size=n)])
        return [k] * n, dilations
    if difficulty == 2:  # a kernel size and a dilation per layer
        n = int(rng.integers(3, 6))
        return ([int(v) for v in rng.integers(2, 6, size=n)],
                [int(v) for v in rng.integers(1, 9, size=n)])
    # WaveNet: blocks of dilations 1, 2, …, 2^m, repeated
    k = int(rng.integers(2, 4))
    blocks = [int(m) for m in rng.integers(2, 10, size=int(rng.integers(1, 4)))]
    dilations = [2 ** i for m in blocks for i in range(m + 1)]
    return [k] * len(dilations), dilations


def stack_receptive_field(rng: np.random.Generator, difficulty: int) -> Draft:
    """How many input samples one output of a stack of dilated causal layers depends on."""
    kernels, dilations = _stack(rng, difficulty)
    span = sum((k - 1) * d for k, d in zip(kernels, dilations))
    length = span + 1
    # Follow the reads of the last output down the stack through each layer's index map.
    reached = {length - 1}
    for k, d in reversed(list(zip(kernels, dilations))):
        left, right = padding_1d("causal", k, d, 1)
        imap = build_index_map(input_size=(length,), kernel_size=(k,), stride=(1,),
                               dilation=(d,), padding=((left, right),), output_size=(length,))
        rows = imap.taps(0, np.array(sorted(reached), dtype=np.intp)) - left
        reached = {int(p) for p in rows.ravel() if p >= 0}
    field = len(reached)
    if len(set(kernels)) == 1:
        layers = (f"each with kernel size {kernels[0]} and stride 1, dilations bottom first "
                  f"{', '.join(map(str, dilations))}")
        terms = f"({kernels[0]} − 1)·({' + '.join(map(str, dilations))})"
    else:
        layers = "bottom first " + "; ".join(
            f"layer {i + 1}: kernel {k}, dilation {d}"
            for i, (k, d) in enumerate(zip(kernels, dilations))) + "; each with stride 1"
        terms = " + ".join(f"({k} − 1)·{d}" for k, d in zip(kernels, dilations))
    prompt = (f"A stack of {len(kernels)} causal 1-D convolution layers, {layers}. How many "
              f"input samples does one output of the top layer depend on (its receptive "
              f"field)?")
    steps = ("Each layer with kernel k and dilation d lets an output reach (k − 1)·d samples "
             "further back; the reaches add up, and the present sample counts once.",
             f"Receptive field = 1 + {terms} = 1 + {span} = {field}.",
             "Traced through the layers' index maps, the top output's connections reach "
             f"{field} distinct input samples (for WaveNet's 1, 2, …, 512 with k = 2 that is "
             "1 + 1,023 = 1,024, not 1,025).")
    givens = (Given("kernel_sizes", "kernel sizes", kernels, ", ".join(map(str, kernels))),
              Given("dilations", "dilations", dilations, ", ".join(map(str, dilations))))
    answer = Answer("scalar", "receptive field", np.array(float(field)))
    return Draft("Receptive field of a dilated causal stack", prompt, givens, answer, steps, 0.0)


def conv3d_size(rng: np.random.Generator, difficulty: int) -> Draft:
    """The output size of a 3-D convolution, axis by axis."""
    while True:
        cube = int(rng.integers(4, 17))
        width = cube if difficulty < 3 else int(rng.integers(4, 17))
        size = (int(rng.integers(2, 17)), cube, width)
        k = int(rng.integers(2, 4)) if difficulty == 1 else int(rng.integers(1, 4))
        kernel = (k, k, k) if difficulty == 1 else (int(rng.integers(1, 4)), k, k)
        stride = (1, 1, 1) if difficulty == 1 else (int(rng.integers(1, 3)),) + (
            int(rng.integers(2, 4)),) * 2  # strided in space: never a level-1 setting
        padding = (int(rng.integers(0, 2)),) * 3 if difficulty < 3 else tuple(
            int(p) for p in rng.integers(0, 3, size=3))
        dilation = (1, 1, 1) if difficulty < 3 else tuple(
            int(d) for d in rng.integers(1, 3, size=3))
        try:
            arithmetic = tuple(conv_axis(axis, input_size=size[i], kernel_size=kernel[i],
                                         stride=stride[i], padding=(padding[i], padding[i]),
                                         dilation=dilation[i], op="conv3d")
                               for i, axis in enumerate(AXES[3]))
        except InputError:
            continue
        break
    prompt = (f"A 3-D convolution slides a {size_text(kernel)} kernel (depth × height × width) "
              f"over a volume of {size_text(size)} with stride {list(stride)}, zero padding "
              f"{list(padding)} on each side and dilation {list(dilation)} (each [depth, height, "
              f"width]). What is the output size? Answer [depth, height, width].")
    steps = ["The axes are independent: each gets the output size a 2-D convolution would "
             "give it, o = ⌊(i + 2p − k − (k − 1)(d − 1)) / s⌋ + 1 (Dumoulin & Visin state "
             "every relationship per axis)."]
    steps += [f"{a.axis.capitalize()}: {a.substituted}." for a in arithmetic]
    givens = (Given("input_size", "input size", list(size), size_text(size)),
              Given("kernel_size", "kernel size", list(kernel), size_text(kernel)),
              Given("stride", "stride", list(stride), size_text(stride)),
              Given("padding", "padding", list(padding), size_text(padding)),
              Given("dilation", "dilation", list(dilation), size_text(dilation)))
    answer = Answer("vector", "output size",
                    np.array([float(a.output_size) for a in arithmetic]), labels=AXES[3])
    return Draft("Output size of a 3-D convolution", prompt, givens, answer, tuple(steps), 0.0)


SPECS = (
    TypeSpec("conv1d-output", "signals", "Output of a 1-D convolution",
             "The whole output of a signal's convolution: cross-correlation or the decks' "
             "s(t) = Σ x(a)·w(t − a).", "vector",
             ("5–8 samples, 2–3 taps, stride 1, no padding",
              "stride 1–2, padding, bias, sometimes the kernel reversed",
              "dilation 1–2, causal padding, the kernel sometimes reversed"), conv1d_output),
    TypeSpec("causal-padding", "signals", "Causal padding",
             "How a causal layer pads (all on the left), its output length, and the taps "
             "of one output that read padding.", "vector",
             ("dilation 1, stride 1", "dilation 2–4", "dilation 2–4, stride 2–3"),
             causal_padding),
    TypeSpec("stack-receptive-field", "signals", "Receptive field of a dilated causal stack",
             "How many input samples one output of a stack of causal dilated layers sees "
             "(WaveNet).", "scalar",
             ("2–5 layers, one kernel size", "3–5 layers, a kernel size and dilation each",
              "WaveNet blocks of dilations 1, 2, …, 2^m, repeated"), stack_receptive_field),
    TypeSpec("conv3d-size", "volumes", "Output size of a 3-D convolution",
             "The output size of a 3-D convolution, depth, height and width.", "vector",
             ("a cube kernel, stride 1, padding 0–1",
              "a kernel deep by its own, stride 2–3 in space, 1–2 in depth",
              "every parameter per axis, dilation 1–2"), conv3d_size),
)
