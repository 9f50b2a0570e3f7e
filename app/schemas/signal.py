"""Request models of the signal endpoints: conv1d, its backward pass, conv_transpose1d
and pool1d."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.limits import LIMITS
from app.schemas.common import Bias, Signal, SignalKernel, TraceSpec, TransposedSignalKernel, Whole

MOVING_AVERAGE: dict[str, Any] = {"input": [0, 0, 3, 6, 3, 0, 0, 9, 9, 9],
                                  "kernel": [1 / 3, 1 / 3, 1 / 3], "padding": "causal"}


class Conv1dRequest(BaseModel):
    """A signal convolved as torch.nn.functional.conv1d does (or as true convolution)."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [MOVING_AVERAGE]})

    input: Signal = Field(description="(L) for one channel, or (C_in, L).")
    kernel: SignalKernel = Field(description="(k): one filter over one channel; (C_in/groups, k): "
                                          "one filter; (C_out, C_in/groups, k).")
    bias: Bias | None = Field(None, description="A number or one per output channel.")
    stride: Whole = Field(1, ge=1, le=LIMITS.max_stride, description="Samples per step.")
    padding: Any = Field(0, description='n, [left, right], "valid", "same", "full", or '
                                        '"causal": (k − 1)·d on the left only.')
    dilation: Whole = Field(1, ge=1, le=LIMITS.max_dilation, description="Spacing between taps.")
    groups: Whole = Field(1, ge=1, le=64)
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = "zeros"
    flip_kernel: bool = Field(False, description="True convolution s(t) = Σ x(a)·w(t − a): "
                                                 "the kernel reversed (deck 000).")
    trace: TraceSpec = Field(True, description="true, false or a page {start, limit}.")


class Conv1dBackwardRequest(Conv1dRequest):
    """A signal convolution and the upstream gradient ΔY of its output."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [1, 2, 3, 4, 5], "kernel": [1, 0, -1], "grad_output": [1, -1, 2]}]})

    grad_output: Signal | None = Field(None, description="ΔY, shaped like the output ((L_out) "
                                                         "or (C_out, L_out)); default all ones.")


class ConvTranspose1dRequest(BaseModel):
    """A signal's transposed convolution, as torch.nn.functional.conv_transpose1d."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [1, 2, 3], "kernel": [1, 1, 1, 1], "stride": 2, "padding": 1}]})

    input: Signal = Field(description="(L) for one channel, or (C_in, L).")
    kernel: TransposedSignalKernel = Field(description="(k), or (C_in, C_out/groups, k) as "
                                                       "PyTorch stores it.")
    bias: Bias | None = Field(None, description="A number or one per output channel.")
    stride: Whole = Field(1, ge=1, le=LIMITS.max_stride)
    padding: Whole = Field(0, ge=0, le=LIMITS.max_padding,
                           description="Cropped from each end of the full scatter.")
    output_padding: Whole = Field(0, ge=0, le=LIMITS.max_padding,
                                  description="Extra samples at the end; less than the stride "
                                              "or the dilation.")
    dilation: Whole = Field(1, ge=1, le=LIMITS.max_dilation)
    groups: Whole = Field(1, ge=1, le=64)
    trace: TraceSpec = Field(True, description="true, false or a page {start, limit}.")


class Pool1dRequest(BaseModel):
    """A signal pooled as torch.nn.functional.max_pool1d / avg_pool1d (min: −max(−x))."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [1, 5, 2, 0, 3, 4, 8, 1], "mode": "max", "kernel_size": 2}]})

    input: Signal = Field(description="(L) or (C, L); each channel pooled alone.")
    mode: Literal["max", "avg", "min"] = Field("max", description="The reducer.")
    kernel_size: Whole = Field(ge=1, le=LIMITS.max_stride, description="Window length.")
    stride: Whole | None = Field(None, ge=1, le=LIMITS.max_stride,
                                 description="Default: the kernel size.")
    padding: Whole = Field(0, ge=0, le=LIMITS.max_padding,
                           description="At most half the kernel size.")
    dilation: Whole = Field(1, ge=1, le=LIMITS.max_dilation, description="max and min only.")
    ceil_mode: bool = Field(False, description="Round the output size up (PyTorch's rule).")
    count_include_pad: bool = Field(True, description="avg only: padding counts in the "
                                                      "divisor.")
    trace: TraceSpec = Field(True, description="true, false or a page {start, limit}.")
