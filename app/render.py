"""Engine results as JSON-ready dicts and lists (the shapes the response models document).

Shared by every router so that a conv step, a trace page or a matrix reads the
same wherever it appears (the equivalent convolution of a transposed one, say).
"""

from __future__ import annotations

from typing import Any

import orjson

from app import workload
from app.limits import trace_page_limit
from app.schemas.common import TracePage
from app.serialize import exact_integers, lists, pair_lists, shared_rows
from engine.cache import ByteCache, MiB
from engine.conv import Conv2dResult, ConvTrace, conv2d_trace
from engine.errors import InputError

_WHOLE = TracePage()  # ``trace: true``: the first page, as long as the limits allow


def page(trace: bool | TracePage, total: int, items_per_step: int) -> tuple[int, int] | None:
    """(start, limit) of the requested trace page, or None when the trace is off."""
    if trace is False:
        return None
    spec = trace if isinstance(trace, TracePage) else _WHOLE
    limit = trace_page_limit(spec.limit, items_per_step)
    workload.charge(cells=max(0, min(limit, total - spec.start)) * max(1, items_per_step))
    return spec.start, limit


def trace_info(start: int, count: int, total: int) -> dict[str, Any]:
    end = start + count
    return {"start": start, "count": count, "total": total,
            "next_start": end if count and end < total else None}


def conv_exact(result: Conv2dResult) -> bool:
    return exact_integers(result.padded_input, result.kernel, result.bias,
                          terms=int(result.kernel[0].size) + 1)


def conv_result(result: Conv2dResult, as_int: bool) -> dict[str, Any]:
    output = result.output
    if result.input_rank == result.index_map.ndim and output.shape[0] == 1:
        output = output[0]
    imap = result.index_map
    return {
        "output": lists(output, as_int), "output_shape": result.output_shape,
        "padded_input": lists(result.padded_input, as_int), "padding": imap.padding,
        "kernel": lists(result.kernel, as_int), "bias": lists(result.bias, as_int),
        "stride": imap.stride, "dilation": imap.dilation, "groups": result.groups,
        "padding_mode": result.padding_mode, "flip_kernel": result.flip_kernel,
        "arithmetic": result.arithmetic,
    }


def conv_geometry(result: Conv2dResult) -> tuple[Any, ...]:
    """What fixes the positions of every step: the index map's geometry and the filters
    (values and the padding mode do not move a window)."""
    imap = result.index_map
    return (imap.input_size, imap.kernel_size, imap.stride, imap.dilation, imap.padding,
            imap.output_size, result.kernel.shape, result.groups)


def conv_trace(result: Conv2dResult, trace: bool | TracePage, as_int: bool,
               computed: ConvTrace | None = None, *, field: str = "trace"
               ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The trace page of a convolution as (info, steps); ``computed``: the steps of
    that page, when they came with the result (``run_conv2d_traced``); ``field``: the
    request's name for ``trace``, named when its start is past the last step."""
    span = page(trace, result.n_steps, int(result.kernel[0].size))
    if span is None:
        return trace_info(0, 0, result.n_steps), []
    if span[0] >= result.n_steps:
        raise InputError(field, f"start {span[0]} is outside the {result.n_steps} steps")
    if computed is None:
        computed = conv2d_trace(result, start=span[0], limit=span[1])
    steps = conv_steps(computed, as_int, result.padded_input.shape[2], conv_geometry(result))
    return trace_info(span[0], len(steps), result.n_steps), steps


def axis_steps(result: Conv2dResult, span: tuple[int, int] | None, as_int: bool,
               axis: int | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A trace page as plain step dicts, for the signal and volume endpoints: ``out``
    [channel, *position] and ``window`` per tap, on every spatial axis or, with ``axis``,
    on that one only (a signal is the width of a one-row map)."""
    if span is None:
        return trace_info(0, 0, result.n_steps), []
    t = conv2d_trace(result, start=span[0], limit=span[1])  # a start past the end: 422
    out = t.out if axis is None else t.out[:, [0, 1 + axis]]
    window = t.window if axis is None else t.window[:, :, axis]
    steps = [{"index": span[0] + j, "out": out[j].tolist(), "window": window[j].tolist(),
              "padding": t.padding[j].tolist(), "products": lists(t.products[j], as_int),
              "partial_sums": lists(t.partial_sums[j], as_int),
              "bias": lists(t.bias[j], as_int), "value": lists(t.value[j], as_int)}
             for j in range(len(t.value))]
    return trace_info(span[0], len(steps), result.n_steps), steps


# A lecture hall asks for the same geometry again and again; the positions of its steps
# (out, window, padding flags) depend on the geometry alone, so small pages keep them as
# pre-serialized JSON. Only small ones: a cached page is thousands of small objects that
# live on among the short-lived ones of every later answer, and they pin the allocator's
# arenas (60 MB of cached large pages kept 750 MB resident). Large pages are built afresh.
_CACHED_STEPS = 256
_POSITIONS: ByteCache[tuple[list[Any], list[Any], list[Any]]] = ByteCache(
    8 * MiB, max_entry_bytes=256 * 1024)


def _position_lists(trace: ConvTrace, padded_width: int) -> tuple[Any, Any, Any]:
    return (trace.out.tolist(),
            pair_lists(trace.window[..., 0], trace.window[..., 1], padded_width),
            shared_rows(trace.padding))


def _cached_positions(key: tuple[Any, ...], trace: ConvTrace, padded_width: int
                      ) -> tuple[list[Any], list[Any], list[Any]]:
    found = _POSITIONS.get(key)
    if found is not None:
        return found
    serialized = [[orjson.dumps(v) for v in column]
                  for column in _position_lists(trace, padded_width)]
    size = sum(len(b) + 64 for column in serialized for b in column)  # bytes and Fragment
    out, window, padding = ([orjson.Fragment(b) for b in column] for column in serialized)
    return _POSITIONS.put(key, (out, window, padding), size)


def conv_steps(trace: ConvTrace, as_int: bool, padded_width: int,
               geometry: tuple[Any, ...] | None = None) -> list[dict[str, Any]]:
    """The steps of a trace page as dicts. ``geometry``, a hashable description that fixes
    every position (see :func:`conv_geometry`), lets a small page reuse the serialized
    positions of an earlier request with the same geometry."""
    n = len(trace.value)
    if geometry is not None and n <= _CACHED_STEPS:
        out, windows, padding = _cached_positions((*geometry, trace.start, n), trace,
                                                  padded_width)
    else:
        out, windows, padding = _position_lists(trace, padded_width)
    columns = zip(range(trace.start, trace.start + n), out,
                  windows, padding, lists(trace.products, as_int),
                  lists(trace.partial_sums, as_int), lists(trace.bias, as_int),
                  lists(trace.value, as_int))
    return [{"index": i, "out": o, "window": w, "padding": p, "products": pr,
             "partial_sums": ps, "bias": b, "value": v}
            for i, o, w, p, pr, ps, b, v in columns]
