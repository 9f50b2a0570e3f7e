"""Request and response models of POST /api/conv2d."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import (
    AxisArithmeticModel,
    Bias,
    Dilation,
    InputMatrix,
    KernelMatrix,
    Padding,
    Stride,
    TraceInfo,
    TraceSpec,
    Whole,
)

_STRIDE_3: dict[str, Any] = {
    "input": [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4],
              [5, 6, 0, 7, 1, 4], [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]],
    "kernel": [[1, 2, 2], [2, 1, 2], [2, 2, 1]],
    "stride": 3,
}


class Conv2dRequest(BaseModel):
    """A 2-D convolution, with PyTorch's parameter names (`kernel` is PyTorch's `weight`)."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [_STRIDE_3]})

    input: InputMatrix = Field(
        description="(H, W) for one channel, or (C, H, W).")
    kernel: KernelMatrix = Field(
        description="(kH, kW): one filter over one channel; (C_in/groups, kH, kW): one "
                    "filter over every channel; (C_out, C_in/groups, kH, kW) as in PyTorch.")
    bias: Bias | None = Field(
        None, description="One number for every filter, or one per output channel.")
    stride: Stride = Field(1, description="Step of the window: n or [height, width].")
    padding: Padding = Field(
        0, description='Cells added on each side: n, [height, width], "valid" (none), '
                       '"same" (output size = input size; stride 1) or "full" ((k − 1)·d).')
    dilation: Dilation = Field(1, description="Spacing between kernel taps.")
    groups: Whole = Field(1, ge=1, le=64,
                        description="Input and output channels split into this many groups.")
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = Field(
        "zeros", description="What the padding holds, as in torch.nn.Conv2d.")
    flip_kernel: bool = Field(
        False, description="True convolution: rotate the kernel 180° first (decks 001, 003). "
                           "False: cross-correlation, PyTorch's conv2d.")
    trace: TraceSpec = Field(
        True, description="true: the steps from the start (up to the page limit); false: "
                          "none; {start, limit}: one page.")


class Conv2dStep(BaseModel):
    """How one output cell is computed."""

    index: int = Field(description="Step number (0-based): channel, then row, then column.")
    out: list[int] = Field(description="[channel, row, col] of the output cell.")
    window: list[list[int]] = Field(
        description="[row, col] in the padded input read by each kernel tap, row by row.")
    padding: list[bool] = Field(description="Per tap: true when it reads padding.")
    products: list[list[float]] = Field(
        description="Per input channel of the filter's group, per tap: input × weight.")
    partial_sums: list[float] = Field(description="Per input channel: the sum of its products.")
    bias: float
    value: float = Field(description="Σ partial_sums + bias: the output cell.")


class Conv2dResponse(BaseModel):
    """The output, the padded input, the arithmetic of shapes and the step trace."""

    output: list[Any] = Field(description="Nested lists: (H_out, W_out) for a 2-D input and "
                                          "one filter, else (C_out, H_out, W_out).")
    output_shape: list[int]
    padded_input: list[list[list[float]]] = Field(description="(C_in, H_pad, W_pad).")
    padding: list[list[int]] = Field(description="[[top, bottom], [left, right]] as applied.")
    kernel: list[list[list[list[float]]]] = Field(
        description="(C_out, C_in/groups, kH, kW) as applied (rotated for true convolution).")
    bias: list[float] = Field(description="Per output channel.")
    stride: list[int]
    dilation: list[int]
    groups: int
    padding_mode: str
    flip_kernel: bool
    arithmetic: list[AxisArithmeticModel] = Field(description="Height, then width.")
    trace: TraceInfo
    steps: list[Conv2dStep]
