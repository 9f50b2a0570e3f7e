"""The figures of the scatter views: transposed convolution (each input cell places a
scaled copy of the kernel on the output) and max-unpooling (each value goes back to
the position its index names), from the answers POST /api/conv_transpose2d and
/api/max_unpool2d give the pages."""

from __future__ import annotations

from typing import Any

from app.figure.draw import (
    Grid,
    Kind,
    Mark,
    Panel,
    at3,
    channel_name,
    factor,
    fmt,
    size_text,
)
from app.figure.style import Scale, image_like
from app.figure.windows import MAX_CHANNELS, as_channels, maps


def conv_transpose2d(body: dict[str, Any], answer: dict[str, Any], step: int
                     ) -> tuple[str, list[Panel], list[str]]:
    s = answer["steps"][step - answer["trace"]["start"]]
    x, kernel = answer["input"], answer["kernel"]
    src = s["source"]
    c_in = len(x)
    inputs = Panel("Input", size_text(x), maps(x, {(src[0], src[1], src[2]): "current"}),
                   across=c_in > 1)
    kern = Panel("Kernel", size_text(kernel[src[0]]),
                 [Grid.of(ch, Scale.of(kernel, False)) for ch in kernel[src[0]][:MAX_CHANNELS]],
                 across=len(kernel[src[0]]) > 1)
    canvas = s["running_sum"]
    kept: dict[tuple[int, int, int], Mark] = {
        at3(t): "window" for t, cut in zip(s["targets"], s["cropped"], strict=True) if not cut}
    sums = Panel("Output so far", size_text(canvas) + (" (before the padding is cropped)"
                                                  if any(answer["padding"]) else ""),
                 maps(canvas, kept, Scale.of(answer["canvas"], image_like(x))))
    name = channel_name("x", src, c_in)
    amounts = ", ".join(fmt(a) for a in s["amounts"])
    lines = [f"{name} = {fmt(s['value'])} places {factor(s['value'])}·K on the output: it "
             f"adds {amounts} to the framed cells"
             + (f" ({sum(s['cropped'])} cropped by the padding)" if any(s["cropped"]) else "")]
    if step == answer["trace"]["total"] - 1:
        lines.append("Every input cell placed: the output is the sum of the copies.")
    st = answer["stride"]
    heading = (f"Transposed convolution, step {step + 1} of {answer['trace']['total']}: "
               f"{name} · stride {st[0] if st[0] == st[1] else f'{st[0]} × {st[1]}'}")
    return heading, [inputs, kern, sums], lines


def max_unpool2d(body: dict[str, Any], answer: dict[str, Any], step: int
                 ) -> tuple[str, list[Panel], list[str]]:
    steps = answer["steps"]
    s = steps[step]
    src, target = s["source"], s["target"]
    x, indices = body["input"], body["indices"]
    inputs = Panel("Input", size_text(x), maps(x, {at3(src): "current"}))
    where = Panel("Indices", size_text(indices), maps(indices, {at3(src): "current"},
                                                   Scale(0.0)))
    output = as_channels(answer["output"])
    placed: dict[tuple[int, int, int], float] = {}
    for t in steps[:step + 1]:
        placed[at3(t["target"])] = float(t["value"])
    shown = [[[placed.get((ch, r, c), 0.0) for c in range(len(rows[0]))]
              for r in range(len(rows))] for ch, rows in enumerate(output)]
    kinds: dict[tuple[int, int, int], Kind] = {
        (ch, r, c): "data" if (ch, r, c) in placed else "later"
        for ch, rows in enumerate(output) for r in range(len(rows)) for c in range(len(rows[0]))}
    out = Panel("Output so far", size_text(answer["output"]),
                maps(shown, {at3(target): "window"}, Scale.of(output, image_like(x)), kinds))
    width = len(output[0][0])
    flat = target[1] * width + target[2]
    name = channel_name("h", src, len(output))
    line = (f"{name} = {fmt(s['value'])} with index {flat} goes to row {target[1] + 1}, "
            f"column {target[2] + 1} ({flat} = {target[1]}·{width} + {target[2]})")
    if s.get("overwritten"):
        line += "; a later value with the same index overwrites it"
    heading = f"Max-unpooling, step {step + 1} of {answer['trace']['total']}: {name}"
    return heading, [inputs, where, out], [line]

