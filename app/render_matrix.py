"""The matrix view and the backward pass as JSON-ready dicts (see app/schemas/matrix.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.render import conv_exact, conv_result, conv_trace, page, trace_info
from app.schemas.common import TracePage
from app.serialize import OVERFLOW, exact_integers, lists
from engine.backward import (
    Conv2dBackward,
    full_convolution,
    input_grad_trace,
    kernel_grad_trace,
)
from engine.conv import Conv2dResult, conv2d_with_output
from engine.errors import InputError
from engine.geometry import zeros_between
from engine.matrix import Conv2dMatrix
from engine.symbolic import BackwardSymbols, Formula, MatrixSymbols

_CONV_FIELDS = ("output", "output_shape", "padding", "stride", "dilation", "groups",
                "padding_mode", "flip_kernel")

MATRIX_NOTE = (
    "C acts on the unpadded input vec(x): a tap that reads a zero of the padding adds no "
    "entry; a tap that reads a reflected, replicated or circular copy adds its weight into "
    "the column of the input cell it copies. So C·vec(x) + b = vec(y) for every padding mode.")

BACKWARD_NOTE = (
    "ΔX is first scattered onto the padded frame (Cᵀ·vec(ΔY) before the fold, the output of "
    "the full convolution); then the padding is folded back: the gradient reaching a zero of "
    "the padding is dropped, and a reflected, replicated or circular copy hands its gradient "
    "to the input cell it copies.")


def _shaped(array: NDArray[Any], rank: int) -> NDArray[Any]:
    """Drop the channel axis of a one-channel result of a 2-D input."""
    return array[0] if rank == 2 and array.shape[0] == 1 else array


def _formulas(items: list[Formula]) -> list[dict[str, Any]]:
    return [{"label": f.label, "terms": [list(t) for t in f.terms], "text": f.text}
            for f in items]


def matrix_body(result: Conv2dResult, m: Conv2dMatrix, symbols: MatrixSymbols | None,
                trace: bool | TracePage, kernel_shape: tuple[int, ...]) -> dict[str, Any]:
    """``kernel_shape``: the kernel's shape as the request gave it (2-D, 3-D or 4-D)."""
    as_int = conv_exact(result)
    conv = conv_result(result, as_int)
    body: dict[str, Any] = {k: conv[k] for k in _CONV_FIELDS}
    body["arithmetic"] = conv["arithmetic"]
    body["matrix"] = {
        "shape": list(m.shape), "rows": m.rows.tolist(), "cols": m.cols.tolist(),
        "values": lists(m.values, as_int), "nnz": len(m.rows),
        "dense": None if m.dense is None else lists(m.dense, as_int)}
    body["x_conv"] = lists(m.x_conv, as_int)
    body["kernel_row"] = lists(m.kernel_row, as_int)
    body["w_conv"] = None if not result.flip_kernel else {
        "rotated_kernel": lists(result.kernel.reshape(kernel_shape), as_int),
        "note": "True convolution: W_conv is C. Each row is the kernel rotated 180° laid "
                "over its window (deck 001), while X_conv and kernel_row keep the kernel's "
                "order as given."}
    body["input_flat"] = lists(m.input_flat, as_int)
    body["output_flat"] = lists(m.output_flat, as_int)
    body["bias_flat"] = lists(m.bias_flat, as_int)
    rows = result.output.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        by_c = m.matvec(m.input_flat) + m.bias_flat
        by_rows = (m.kernel_row @ m.x_conv).ravel() + m.bias_flat
    body["identities"] = [
        {"equation": "C·vec(x) + b = vec(y)",
         "max_abs_difference": _difference(by_c, m.output_flat, as_int)},
        {"equation": f"kernel_row·X_conv + b = Y ({rows} × {m.x_conv.shape[1]})",
         "max_abs_difference": _difference(by_rows, m.output_flat, as_int)}]
    body["note"] = MATRIX_NOTE
    body["symbolic"] = None if symbols is None else {
        "input": _shaped(symbols.input, result.input_rank).tolist(),
        "kernel": symbols.kernel.reshape(kernel_shape).tolist(), "matrix_values": symbols.values,
        "matrix_dense": None if symbols.dense is None else symbols.dense.tolist(),
        "x_conv": symbols.x_conv.tolist(), "kernel_row": symbols.kernel_row.tolist(),
        "output": _formulas(symbols.output)}
    body["trace"], body["steps"] = conv_trace(result, trace, as_int)
    return body


def _difference(left: NDArray[np.float64], right: NDArray[np.float64], as_int: bool) -> Any:
    with np.errstate(over="ignore", invalid="ignore"):
        diff = float(np.max(np.abs(left - right))) if left.size else 0.0
    if not np.isfinite(diff):
        raise InputError("input", OVERFLOW)
    return int(diff) if as_int else diff


def backward_body(back: Conv2dBackward, symbols: BackwardSymbols | None,
                  traces: tuple[bool | TracePage, bool | TracePage, bool | TracePage],
                  kernel_shape: tuple[int, ...]) -> dict[str, Any]:
    """``kernel_shape``: the kernel's shape as the request gave it (2-D, 3-D or 4-D)."""
    result = back.result
    rank = result.input_rank
    as_int = exact_integers(back.grad_output, result.padded_input, result.kernel,
                            terms=int(back.grad_output.size * result.kernel[0, 0].size))
    conv = conv_result(result, conv_exact(result))
    body: dict[str, Any] = {k: conv[k] for k in _CONV_FIELDS}
    body["grad_output"] = lists(_shaped(back.grad_output, rank), as_int)
    body["grad_input"] = lists(_shaped(back.grad_input, rank), as_int)
    body["grad_kernel"] = lists(back.grad_kernel.reshape(kernel_shape), as_int)
    body["grad_bias"] = lists(back.grad_bias, as_int)
    body["note"] = BACKWARD_NOTE
    body["trace"], body["steps"] = _input_steps(back, traces[0], as_int)
    body["kernel_trace"], body["kernel_steps"] = _kernel_steps(back, traces[1], as_int)
    body["full_convolution"] = _full_convolution(back, traces[2])
    body["symbolic"] = None if symbols is None else {
        "grad_output": _shaped(symbols.grad_output, rank).tolist(),
        "grad_input": _formulas(symbols.grad_input),
        "grad_kernel": _formulas(symbols.grad_kernel), "grad_bias": symbols.grad_bias}
    return body


def _span(field: str, trace: bool | TracePage, total: int, per_step: int
          ) -> tuple[int, int] | None:
    """The page of a trace, refusing a start past the end with the trace's own field name."""
    span = page(trace, total, per_step)
    if span is not None and span[0] >= total:
        raise InputError(field, f"start {span[0]} is outside the {total} steps")
    return span


def _input_steps(back: Conv2dBackward, trace: bool | TracePage, as_int: bool
                 ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    total = int(back.grad_output.size)
    per_step = int(back.result.kernel[0].size + back.grad_input.size)
    span = _span("trace", trace, total, per_step)
    if span is None:
        return trace_info(0, 0, total), []
    t = input_grad_trace(back, start=span[0], limit=span[1])
    targets: list[list[Any]] = t.targets.tolist()
    for step, dropped in zip(targets, t.dropped.tolist()):
        for i, gone in enumerate(dropped):
            if gone:
                step[i] = None
    running = t.running_sum
    if back.result.input_rank == 2 and running.shape[1] == 1:
        running = running[:, 0]
    columns = zip(range(t.start, t.start + len(t.grad)), t.source.tolist(),
                  lists(t.grad, as_int), t.window.tolist(), t.padding.tolist(), targets,
                  t.channels.tolist(), lists(t.amounts, as_int), lists(running, as_int))
    steps = [{"index": i, "source": s, "grad": g, "window": w, "padding": p, "targets": tg,
              "channels": c, "amounts": a, "running_sum": r}
             for i, s, g, w, p, tg, c, a, r in columns]
    return trace_info(span[0], len(steps), total), steps


def _kernel_steps(back: Conv2dBackward, trace: bool | TracePage, as_int: bool
                  ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    total = int(back.result.kernel.size)
    span = _span("kernel_trace", trace, total, 4 * int(back.result.output[0].size))
    if span is None:
        return trace_info(0, 0, total), []
    t = kernel_grad_trace(back, start=span[0], limit=span[1])
    columns = zip(range(t.start, t.start + len(t.value)), t.weight.tolist(), t.tap.tolist(),
                  t.window.tolist(), t.padding.tolist(), lists(t.inputs, as_int),
                  lists(t.grads, as_int), lists(t.products, as_int), lists(t.value, as_int))
    steps = [{"index": i, "weight": w, "tap": tp, "window": win, "padding": p, "inputs": x,
              "grads": g, "products": pr, "value": v}
             for i, w, tp, win, p, x, g, pr, v in columns]
    return trace_info(span[0], len(steps), total), steps


def _full_convolution(back: Conv2dBackward, trace: bool | TracePage) -> dict[str, Any]:
    conv = conv2d_with_output(full_convolution(back), back.grad_padded)
    as_int = conv_exact(conv)
    body = conv_result(conv, as_int)
    (top, _), (left, _) = conv.index_map.padding
    h, w = conv.index_map.input_size
    info, steps = conv_trace(conv, trace, as_int, field="full_convolution_trace")
    s = back.result.index_map.stride
    return {
        "input": lists(conv.padded_input[:, top:top + h, left:left + w], as_int),
        "padded_input": body["padded_input"], "padding": body["padding"],
        "kernel": body["kernel"], "dilation": body["dilation"],
        "output": lists(conv.output, as_int),
        "note": (f"ΔX on the padded frame is a stride-1 full convolution of ΔY, with "
                 f"{zeros_between(s)} and padded by (k − 1)·d on each side, with the kernel "
                 f"rotated 180°; folding the padding back gives ΔX."),
        "trace": info, "steps": steps}
