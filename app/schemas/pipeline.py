"""Request model of POST /api/pipeline: a picture and a chain of stages."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.limits import LIMITS
from app.schemas.common import InputMatrix, Number, Whole

SOBEL_RELU_POOL: dict[str, Any] = {
    "input": [[0, 0, 9, 9], [0, 0, 9, 9], [0, 0, 9, 9], [0, 0, 9, 9]],
    "stages": [{"op": "conv2d", "kernel": "sobel-x", "padding": 1}, {"op": "relu"},
               {"op": "max_pool2d", "kernel_size": 2}],
}


class StageTrace(BaseModel):
    """Which stage's cell-by-cell steps to return, and which page of them."""

    model_config = ConfigDict(extra="forbid", strict=True)
    stage: Whole = Field(ge=0, description="The stage's index (0-based).")
    start: Whole = Field(0, ge=0, description="First output cell (row-major, 0-based).")
    limit: Whole = Field(256, ge=1, le=LIMITS.max_trace_steps,
                         description="Most steps in this page.")


class PipelineRequest(BaseModel):
    """A picture through a chain of stages."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [SOBEL_RELU_POOL]})

    input: InputMatrix = Field(description="The picture: (H, W) or (C, H, W), e.g. the "
                                           "matrix GET /api/images/{name} answers.")
    stages: list[Any] = Field(description=(
        "The chain, in order: objects with an `op` and its arguments in "
        "torch.nn.functional's names (defaults are PyTorch's). Ops: conv2d (kernel: values "
        "(C_out, C_in/groups, kH, kW), a named kernel such as \"sobel-x\", or a list of "
        "names; bias, stride, padding incl. valid/same/full, dilation, groups, padding_mode, "
        "flip_kernel), conv_transpose2d, max_pool2d / avg_pool2d / min_pool2d (or pool2d "
        "with mode), max_unpool2d (the indices of the nearest max_pool2d before it, or of "
        "indices_from), relu, leaky_relu, elu, sigmoid, tanh, softplus, abs, batch_norm2d, "
        "local_response_norm, local_contrast_norm (deck 003), dropout (seeded), magnitude "
        "(√Σ_c x², one map), flatten, linear (weight (out, in), bias)."))
    trace: bool | StageTrace = Field(False, description="false, or one stage's steps: "
                                                      "{\"stage\", \"start\", \"limit\"}.")
    outputs: bool = Field(True, description="Answer every stage's output values (false: "
                                            "only shapes, ranges, steps).")
    reads: bool = Field(False, description="Answer, per stage, which input cells each output "
                                           "cell reads, per axis (for dependency outlines).")


class LossSpec(BaseModel):
    """What the chain's last output is scored by."""

    model_config = ConfigDict(extra="forbid", strict=True)
    type: Literal["sum", "mse", "cross_entropy"] = Field(description=(
        "sum: L = Σ y; mse: F.mse_loss (the mean of (y − t)²) against `target` of the last "
        "output's shape (or one number); cross_entropy: F.cross_entropy of logits (F,) "
        "against a class index, or of maps (C, H, W) against an (H, W) map of indices."))
    target: Any = Field(None, description="The target (mse, cross_entropy).")


class GradTrace(BaseModel):
    """Which gradient's cell-by-cell chain rule to return."""

    model_config = ConfigDict(extra="forbid", strict=True)
    stage: Whole = Field(ge=0, description="The stage's index (0-based).")
    of: Literal["grad_input", "grad_kernel", "grad_weight", "grad_bias"] = Field(
        "grad_input", description="grad_input: per input cell, each output reading it "
        "(upstream × local = product) and the sum; grad_kernel: per tap, the sum over every "
        "position (weight sharing); grad_weight / grad_bias: per entry.")
    start: Whole = Field(0, ge=0)
    limit: Whole = Field(256, ge=1, le=LIMITS.max_trace_steps)


class PipelineBackwardRequest(BaseModel):
    """The chain of POST /api/pipeline, run forward, then backward from a loss."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [{
        "input": [[0, 0, 9, 9], [0, 0, 9, 9], [0, 0, 9, 9], [0, 0, 9, 9]],
        "stages": [{"op": "conv2d", "kernel": "sobel-x", "padding": 1}, {"op": "sigmoid"},
                   {"op": "max_pool2d", "kernel_size": 2}],
        "loss": {"type": "mse", "target": 0.5}, "learning_rate": 0.1,
        "trace": {"stage": 0, "of": "grad_kernel", "limit": 9}}]})

    input: InputMatrix = Field(description="The picture: (H, W) or (C, H, W).")
    stages: list[Any] = Field(description="As POST /api/pipeline (every op but "
                                          "conv_transpose2d, max_unpool2d and "
                                          "local_contrast_norm, whose backward is not built).")
    loss: LossSpec | None = Field(None, description="The loss; default sum.")
    grad_output: Any = Field(None, description="∂L/∂(last output) given instead of a loss.")
    learning_rate: Number | None = Field(None, ge=0, description="With it, the parameters "
                                         "after one step of SGD (p − η·∂L/∂p).")
    trace: bool | GradTrace = Field(False, description="false, or one gradient's chain "
                                                       "rule, paged.")
    outputs: bool = Field(True, description="Answer the forward outputs too.")
    reads: bool = Field(False, description="Answer each stage's reads, as POST /api/pipeline.")
