"""Request and response models of the pooling endpoints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import (
    AxisArithmeticModel,
    Dilation,
    InputMatrix,
    PaddingPair,
    Stride,
    TraceInfo,
    TraceSpec,
)

_EXAMPLE: dict[str, Any] = {"input": [[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 2]],
                            "mode": "max", "kernel_size": 2}


class PoolParams(BaseModel):
    """Pooling parameters, as torch.nn.functional.max_pool2d / avg_pool2d name them."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [_EXAMPLE]})

    input: InputMatrix = Field(description="(H, W) or (C, H, W); each channel pooled alone.")
    mode: Literal["max", "avg", "min"] = Field("max", description="The reducer.")
    kernel_size: Stride = Field(description="Window size: n or [height, width].")
    stride: Stride | None = Field(None, description="Default: the kernel size.")
    padding: PaddingPair = Field(0, description="At most half the kernel size.")
    dilation: Dilation = Field(1, description="max and min only.")
    ceil_mode: bool = Field(False, description="Round the output size up (PyTorch's rule).")
    count_include_pad: bool = Field(
        True, description="avg only: padding cells count in the divisor.")


class Pool2dRequest(PoolParams):
    """Pool an input and explain every window."""

    trace: TraceSpec = Field(True, description="true, false or a page {start, limit}.")


class PoolStep(BaseModel):
    """One output cell: its window and how it was reduced."""

    index: int
    out: list[int] = Field(description="[channel, row, col].")
    window: list[list[int]] = Field(description="[row, col] per tap, padded coordinates.")
    padding: list[bool] = Field(description="Per tap: true when it reads no input cell.")
    values: list[float] = Field(description="Per tap: the value read (0 for padding).")
    winner: int | None = Field(description="max/min: the winning tap (first in row-major "
                                           "order on ties, as PyTorch).")
    sum: float | None = Field(description="avg: the sum of the window.")
    divisor: float | None = Field(description="avg: what the sum is divided by.")
    value: float


class Pool2dResponse(BaseModel):
    """The pooled output, the winners' positions and the trace."""

    output: list[Any] = Field(description="Shaped like the input: (H_out, W_out) or (C, …).")
    output_shape: list[int]
    indices: list[Any] | None = Field(
        description="max/min: PyTorch's flat per-channel index (row·W + col) of each winner, "
                    "shaped like `output`; null for avg.")
    padded_input: list[list[list[float]]] = Field(
        description="(C, H_f, W_f): the input in its padded frame (padding shown as 0; for "
                    "max/min it never wins). With ceil_mode the frame may reach further.")
    padding: list[list[int]] = Field(description="[[top, bottom], [left, right]] of the frame.")
    mode: str
    kernel_size: list[int]
    stride: list[int]
    dilation: list[int]
    ceil_mode: bool
    count_include_pad: bool
    arithmetic: list[AxisArithmeticModel]
    trace: TraceInfo
    steps: list[PoolStep]


class PoolBackwardRequest(PoolParams):
    """The gradient of pooling, for an upstream gradient."""

    grad_output: InputMatrix | None = Field(
        None, description="Shaped like the pooled output; default all ones.")
    trace: TraceSpec = Field(True, description="Which output cells' routes to list.")


class PoolBackwardResponse(BaseModel):
    """Each output's gradient routed back to the input."""

    grad_input: list[Any] = Field(description="Shaped like the input.")
    grad_output: list[Any] = Field(description="The upstream gradient used.")
    output: list[Any] = Field(description="The forward output.")
    indices: list[Any] | None
    trace: TraceInfo
    routes: list[dict[str, Any]] = Field(
        description="Per output cell: `out` [channel, row, col], `grad`, `targets` (input "
                    "[row, col] that receive a share) and `amount` each receives.")


class MaxUnpool2dRequest(BaseModel):
    """Max-unpooling: put values back at the positions pooling remembered."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [[5, 8], [9, 7]], "indices": [[1, 6], [12, 11]], "kernel_size": 2}]})

    input: InputMatrix = Field(description="(H, W) or (C, H, W): the pooled values.")
    indices: InputMatrix = Field(description="Flat per-channel output positions, same shape.")
    kernel_size: Stride
    stride: Stride | None = Field(None, description="Default: the kernel size.")
    padding: PaddingPair = Field(0)
    output_size: Stride | None = Field(
        None, description="[height, width]; default (H − 1)·s + k − 2p per axis.")
    trace: TraceSpec = Field(True)


class UnpoolStep(BaseModel):
    index: int
    source: list[int] = Field(description="[channel, row, col] of the input cell.")
    value: float
    target: list[int] = Field(description="[channel, row, col] in the output.")
    overwritten: bool = Field(description="A later cell wrote to the same position.")


class MaxUnpool2dResponse(BaseModel):
    output: list[Any]
    output_shape: list[int]
    default_size: list[int] = Field(description="(H − 1)·s + k − 2p per axis.")
    explanation: str
    trace: TraceInfo
    steps: list[UnpoolStep]
