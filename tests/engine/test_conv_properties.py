"""Hypothesis properties of conv2d and its trace: shape, sums, windows, padding, unvisited.

Each property draws small cases over every parameter and checks the trace
against the formula of the geometry, not against the engine's own tables.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import conv2d, conv2d_trace, conv_axis
from engine.primitives import PADDING_MODES

PROPERTY = settings(max_examples=250, deadline=None)


@st.composite
def conv_cases(draw):
    """A feasible conv2d call: (keyword arguments, (top, bottom), (left, right))."""
    groups = draw(st.sampled_from([1, 1, 2]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    mode = draw(st.sampled_from(PADDING_MODES))
    low_h = max((kh - 1) * dh + 1 - 2 * ph, ph + 1 if mode != "zeros" else 1, 1)
    low_w = max((kw - 1) * dw + 1 - 2 * pw, pw + 1 if mode != "zeros" else 1, 1)
    h, w = draw(st.integers(low_h, low_h + 4)), draw(st.integers(low_w, low_w + 4))
    values = st.integers(-4, 4)
    x = np.array(draw(st.lists(values, min_size=c_in * h * w, max_size=c_in * h * w)),
                 dtype=float).reshape(c_in, h, w)
    n_k = c_out * (c_in // groups) * kh * kw
    k = np.array(draw(st.lists(values, min_size=n_k, max_size=n_k)),
                 dtype=float).reshape(c_out, c_in // groups, kh, kw)
    bias = draw(st.one_of(st.none(), st.integers(-3, 3),
                          st.lists(st.integers(-3, 3), min_size=c_out, max_size=c_out)))
    kwargs = {"input": x, "kernel": k, "bias": bias, "stride": [sh, sw], "padding": [ph, pw],
              "dilation": [dh, dw], "groups": groups, "padding_mode": mode,
              "flip_kernel": draw(st.booleans())}
    return kwargs, (ph, ph), (pw, pw)


def geometry(kwargs, pads):
    """The engine's per-axis arithmetic, called directly from the request's numbers."""
    x, k = kwargs["input"], kwargs["kernel"]
    return [conv_axis(axis, input_size=x.shape[1 + i], kernel_size=k.shape[2 + i],
                      stride=kwargs["stride"][i], padding=pads[i],
                      dilation=kwargs["dilation"][i])
            for i, axis in enumerate(("height", "width"))]


@PROPERTY
@given(conv_cases())
def test_output_shape_is_the_geometrys_and_torchs(case):
    kwargs, *pads = case
    result = conv2d(**kwargs)
    rows, cols = geometry(kwargs, pads)
    x = F.pad(torch.tensor(kwargs["input"])[None], (*pads[1], *pads[0]))
    torch_shape = F.conv2d(x, torch.tensor(kwargs["kernel"]), stride=kwargs["stride"],
                           dilation=kwargs["dilation"], groups=kwargs["groups"]).shape[1:]
    assert result.output.shape == (len(kwargs["kernel"]), rows.output_size, cols.output_size)
    assert result.output.shape == tuple(torch_shape)
    assert result.output_shape == list(result.output.shape)


@PROPERTY
@given(conv_cases())
def test_each_step_sums_its_products_and_bias(case):
    kwargs, *_ = case
    result = conv2d(**kwargs)
    trace = conv2d_trace(result)
    bias = np.broadcast_to(0 if kwargs["bias"] is None else kwargs["bias"], len(result.bias))
    for n in range(trace.total):
        channel = trace.out[n, 0]
        assert trace.bias[n] == bias[channel]
        assert np.allclose(trace.partial_sums[n], trace.products[n].sum(axis=1))
        assert np.isclose(trace.products[n].sum() + bias[channel], trace.value[n])
        assert trace.value[n] == result.output[tuple(trace.out[n])]


@PROPERTY
@given(conv_cases())
def test_window_of_each_step_is_where_the_formula_says(case):
    kwargs, (top, _), (left, _) = case
    result = conv2d(**kwargs)
    trace = conv2d_trace(result)
    x = kwargs["input"]
    k = kwargs["kernel"][:, :, ::-1, ::-1] if kwargs["flip_kernel"] else kwargs["kernel"]
    c_out, per_group, kh, kw = k.shape
    _, h, w = x.shape
    _, ho, wo = result.output.shape
    (sh, sw), (dh, dw) = kwargs["stride"], kwargs["dilation"]
    for n in range(trace.total):
        channel, out_row, out_col = n // (ho * wo), n // wo % ho, n % wo
        assert trace.out[n].tolist() == [channel, out_row, out_col]
        group = channel // (c_out // kwargs["groups"])
        for t in range(kh * kw):
            tap_row, tap_col = divmod(t, kw)
            row, col = out_row * sh + tap_row * dh, out_col * sw + tap_col * dw
            assert trace.window[n, t].tolist() == [row, col]
            outside = not (top <= row < top + h and left <= col < left + w)
            assert trace.padding[n, t] == outside
            for g in range(per_group):
                read = result.padded_input[group * per_group + g, row, col]
                if not outside:  # inside, the padded frame shows the input cell itself
                    assert read == x[group * per_group + g, row - top, col - left]
                elif kwargs["padding_mode"] == "zeros":
                    assert read == 0
                assert trace.products[n, g, t] == read * k[channel, g, tap_row, tap_col]


@PROPERTY
@given(conv_cases())
def test_unvisited_rows_are_exactly_those_no_step_reads(case):
    kwargs, *pads = case
    result = conv2d(**kwargs)
    trace = conv2d_trace(result)
    for axis, arithmetic in enumerate(geometry(kwargs, pads)):
        read = set(trace.window[:, :, axis].ravel().tolist())
        never = set(range(arithmetic.padded_size)) - read
        assert set(arithmetic.unvisited) == never
        assert result.arithmetic[axis].unvisited == arithmetic.unvisited
        # the remainder counts the trailing rows the stride cannot reach
        last = max(read)
        assert arithmetic.remainder == arithmetic.padded_size - 1 - last
