"""Request model of POST /api/conv1d."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.limits import LIMITS
from app.schemas.common import Bias, Signal, SignalKernel, TraceSpec, Whole

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
