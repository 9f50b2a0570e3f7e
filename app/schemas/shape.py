"""Request and response models of POST /api/shape."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import AxisArithmeticModel, PadSizes, ShapePadding, Sizes


class ShapeRequest(BaseModel):
    """Output-size arithmetic of one operation, without any data."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"op": "conv2d", "input_size": 6, "kernel_size": 3, "stride": 3},
        {"op": "conv_transpose2d", "input_size": 3, "kernel_size": 3, "stride": 2,
         "padding": 1, "output_padding": 1},
        {"op": "pool2d", "input_size": 5, "kernel_size": 2, "ceil_mode": True},
        {"op": "conv1d", "input_size": 16, "kernel_size": 2, "dilation": 8,
         "padding": "causal"},
        {"op": "conv3d", "input_size": [16, 112, 112], "kernel_size": 3, "padding": 1},
    ]})

    op: Literal["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                "pool1d", "pool2d"] = Field(
        description="The operation whose output size is wanted.")
    input_size: Sizes = Field(description="n, or one per axis: [length], [height, width] or "
                                          "[depth, height, width].")
    kernel_size: Sizes = Field(description="n, or one per axis.")
    stride: Sizes | None = Field(
        None, description="Default 1; for pooling the kernel size.")
    padding: ShapePadding = Field(
        0, description='n or one per axis; convolutions also "valid", "same", "full"; '
                       'conv1d also [left, right] and "causal".')
    dilation: Sizes = Field(1)
    output_padding: PadSizes = Field(
        0, description="conv_transpose only: extra cells at the end of each axis.")
    ceil_mode: bool = Field(False, description="pooling only: round the division up.")


class ShapeResponse(BaseModel):
    """The output size and how it comes about."""

    op: str
    output_size: list[int] = Field(description="One per axis, e.g. [height, width].")
    arithmetic: list[AxisArithmeticModel] = Field(description="One per axis, in order.")
    explanation: str = Field(description="Every axis's explanation, in order.")
