"""Request and response models of POST /api/conv_transpose2d."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import (
    AxisArithmeticModel,
    Bias,
    Dilation,
    InputMatrix,
    PaddingPair,
    Stride,
    TraceInfo,
    TraceSpec,
    Whole,
    transposed_kernel,
)

_DECK_002: dict[str, Any] = {"input": [[1, 3, 2], [2, 5, 6], [7, 1, 3]],
                             "kernel": [[0, 1], [3, 2]], "stride": 2}


class ConvTranspose2dRequest(BaseModel):
    """A transposed convolution, with PyTorch's parameter names (`kernel` is `weight`)."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [_DECK_002]})

    input: InputMatrix = Field(description="(H, W) for one channel, or (C_in, H, W).")
    kernel: transposed_kernel = Field(
        description="(kH, kW) for one channel in and out, or (C_in, C_out/groups, kH, kW) "
                    "as in PyTorch.")
    bias: Bias | None = Field(None, description="One number, or one per output channel.")
    stride: Stride = Field(1, description="Spacing of the kernel copies: n or [h, w].")
    padding: PaddingPair = Field(0, description="Cropped from each side of the output.")
    output_padding: PaddingPair = Field(
        0, description="Added at the bottom/right; must be below the stride or the dilation.")
    dilation: Dilation = Field(1, description="Spacing between kernel taps.")
    groups: Whole = Field(1, ge=1, le=64, description="Channel groups.")
    trace: TraceSpec = Field(True, description="The scatter trace: true, false or a page.")
    equivalent_trace: TraceSpec = Field(
        True, description="The gather trace of the equivalent direct convolution.")


class ScatterStep(BaseModel):
    """One input cell placing its scaled copy of the kernel."""

    index: int
    source: list[int] = Field(description="[channel, row, col] of the input cell.")
    value: float = Field(description="The input cell's value.")
    targets: list[list[int]] = Field(
        description="[channel, row, col] in the output for each output channel and tap "
                    "(row-major taps); may fall outside where the padding crops.")
    cropped: list[bool] = Field(description="Per target: true when the padding crops it.")
    amounts: list[float] = Field(description="Per target: value × weight.")
    running_sum: list[Any] = Field(
        description="The output after this step, starting from the bias, shaped like `output`.")


class EquivalentConv(BaseModel):
    """The direct convolution with the same output (Relationship 14)."""

    input: list[list[list[float]]] = Field(
        description="(C_in, H′, W′): the input with stride − 1 zeros between cells (cropped "
                    "where (k − 1)·d − p is negative).")
    padded_input: list[list[list[float]]]
    padding: list[list[int]] = Field(description="[[top, bottom], [left, right]].")
    kernel: list[list[list[list[float]]]] = Field(
        description="(C_out, C_in/groups, kH, kW): the kernel rotated 180°, channel axes "
                    "swapped.")
    dilation: list[int]
    arithmetic: list[AxisArithmeticModel]
    note: str
    trace: TraceInfo
    steps: list[dict[str, Any]] = Field(description="Gather steps, as in POST /api/conv2d.")


class ConvTranspose2dResponse(BaseModel):
    """Output, shape arithmetic, the scatter trace and the equivalent convolution."""

    output: list[Any]
    output_shape: list[int]
    input: list[list[list[float]]] = Field(description="(C_in, H, W).")
    kernel: list[list[list[list[float]]]] = Field(description="(C_in, C_out/groups, kH, kW).")
    bias: list[float]
    stride: list[int]
    padding: list[int]
    output_padding: list[int]
    dilation: list[int]
    groups: int
    arithmetic: list[AxisArithmeticModel]
    canvas: list[list[list[float]]] = Field(
        description="(C_out, H_out + 2p, W_out + 2p): the sum of the placed copies before "
                    "the padding is cropped (bias not added).")
    coverage: list[list[int]] = Field(
        description="(H_out, W_out): how many (input cell, tap) pairs land on each output "
                    "cell, Cᵀ·1.")
    coverage_note: str = Field(description="Even or uneven overlap, and why (checkerboards).")
    trace: TraceInfo
    steps: list[ScatterStep]
    equivalent: EquivalentConv
