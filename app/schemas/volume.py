"""Request model of POST /api/conv3d."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import (
    Bias,
    Dilation3,
    Padding3,
    Stride3,
    TraceSpec,
    Volume,
    VolumeKernel,
    Whole,
)

CUBE: dict[str, Any] = {
    "input": [[[d * 9 + r * 3 + c for c in range(3)] for r in range(3)] for d in range(3)],
    "kernel": [[[1, 0], [0, 1]], [[0, 1], [1, 0]]], "padding": 0}


class Conv3dRequest(BaseModel):
    """A volume convolved as torch.nn.functional.conv3d does (or as true convolution)."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [CUBE]})

    input: Volume = Field(description="(D, H, W) for one channel, or (C_in, D, H, W).")
    kernel: VolumeKernel = Field(description="(kD, kH, kW): one filter over one channel; "
                                             "(C_in/groups, kD, kH, kW): one filter; "
                                             "(C_out, C_in/groups, kD, kH, kW).")
    bias: Bias | None = Field(None, description="A number or one per output channel.")
    stride: Stride3 = Field(1, description="An integer or [depth, height, width].")
    padding: Padding3 = Field(0, description='An integer, [depth, height, width], one '
                                             '[before, after] per axis, "valid", "same" '
                                             'or "full".')
    dilation: Dilation3 = Field(1, description="An integer or [depth, height, width].")
    groups: Whole = Field(1, ge=1, le=64)
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = "zeros"
    flip_kernel: bool = Field(False, description="True convolution: the kernel rotated on "
                                                 "all three axes.")
    trace: TraceSpec = Field(True, description="true, false or a page {start, limit}.")
