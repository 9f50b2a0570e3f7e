"""Request and response models of POST /api/shape."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import AxisArithmeticModel, Dilation, Padding, PaddingPair, Stride


class ShapeRequest(BaseModel):
    """Output-size arithmetic of one operation, without any data."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"op": "conv2d", "input_size": 6, "kernel_size": 3, "stride": 3},
        {"op": "conv_transpose2d", "input_size": 3, "kernel_size": 3, "stride": 2,
         "padding": 1, "output_padding": 1},
        {"op": "pool2d", "input_size": 5, "kernel_size": 2, "ceil_mode": True},
    ]})

    op: Literal["conv2d", "conv_transpose2d", "pool2d"] = Field(
        description="The operation whose output size is wanted.")
    input_size: Stride = Field(description="n or [height, width].")
    kernel_size: Stride = Field(description="n or [height, width].")
    stride: Stride | None = Field(
        None, description="Default 1; for pool2d the kernel size.")
    padding: Padding = Field(
        0, description='n or [height, width]; conv2d also "valid", "same", "full".')
    dilation: Dilation = Field(1)
    output_padding: PaddingPair = Field(
        0, description="conv_transpose2d only: extra cells at the bottom/right.")
    ceil_mode: bool = Field(False, description="pool2d only: round the division up.")


class ShapeResponse(BaseModel):
    """The output size and how it comes about."""

    op: str
    output_size: list[int] = Field(description="[height, width].")
    arithmetic: list[AxisArithmeticModel] = Field(description="Height, then width.")
    explanation: str = Field(description="Both axes' explanations, height first.")
