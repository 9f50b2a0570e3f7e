"""Request models of the stages after a convolution: activations, batch normalisation,
local response normalisation, a fully connected layer, dropout."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import (
    InputMatrix,
    KernelMatrix,
    Matrix2D,
    Number,
    TraceSpec,
    Whole,
    cells,
)

_STEPS = ("Per-cell steps: true, false or a page {\"start\", \"limit\"}; each step has the "
          "cell's `at` (0-based), its value and its formula with the numbers.")


class _Stage(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    trace: TraceSpec = Field(True, description=_STEPS)


class ActivationRequest(_Stage):
    """An activation, as torch.nn.functional names it, and its derivative per cell."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [[-2, -0.5], [0, 3]], "function": "relu"},
        {"input": [[-2, 1]], "function": "softplus", "beta": 2}]})

    input: InputMatrix = Field(description="(H, W) or (C, H, W).")
    function: Literal["relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "abs"]
    negative_slope: Number = Field(0.01, description="leaky_relu: the slope below 0.")
    alpha: Number = Field(1.0, description="elu: α in α·(e^x − 1) below 0.")
    beta: Number = Field(1.0, description="softplus: ln(1 + e^(β·x)) / β; more than 0.")
    threshold: Number = Field(20.0, description="softplus: above β·x > threshold, x.")


class BatchNorm2dRequest(_Stage):
    """F.batch_norm: in training the batch's statistics, at inference the running ones."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [[[1, 2], [3, 4]], [[0, 0], [2, 2]]], "training": True}]})

    input: KernelMatrix = Field(description="(H, W), (C, H, W) or (N, C, H, W).")
    training: bool = Field(True, description="Normalise by the batch's mean and biased "
                                             "variance, and update the running statistics.")
    weight: Any = Field(None, description="γ, one per channel (default ones).")
    bias: Any = Field(None, description="β, one per channel (default zeros).")
    running_mean: Any = Field(None, description="One per channel (default zeros).")
    running_var: Any = Field(None, description="One per channel (default ones).")
    momentum: Number = Field(0.1, ge=0, le=1)
    eps: Number = Field(1e-5, gt=0)


class LocalResponseNormRequest(_Stage):
    """F.local_response_norm across channels."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [[[1, 2]], [[3, 4]], [[5, 6]]], "size": 3, "alpha": 1e-4, "beta": 0.75,
         "k": 2}]})

    input: InputMatrix = Field(description="(C, H, W) (or (H, W): one channel).")
    size: Whole = Field(ge=1, le=1024, description="Channels in the window.")
    alpha: Number = Field(1e-4)
    beta: Number = Field(0.75)
    k: Number = Field(1.0)


class LinearRequest(_Stage):
    """F.linear of the flattened input: y = W·vec(x) + b."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [[1, 2], [3, 4]], "weight": [[1, 0, 0, 1], [0, 1, 1, 0]], "bias": [0.5, 0]}]})

    input: KernelMatrix = Field(description="Any array; flattened row by row.")
    weight: Matrix2D = Field(description="(out_features, in_features).")
    bias: cells(Number) | None = Field(None, description="One per output (default none).")  # type: ignore[valid-type]


class DropoutRequest(_Stage):
    """Dropout with a seeded mask (NumPy's default_rng(seed))."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"input": [[1, 2, 3, 4]], "p": 0.5, "training": True, "seed": 7}]})

    input: InputMatrix = Field(description="(H, W) or (C, H, W).")
    p: Number = Field(0.5, ge=0, le=1, description="The chance a cell is dropped.")
    training: bool = Field(True, description="false: the identity, as at inference.")
    seed: Whole = Field(0, ge=0, le=2**32 - 1)


class LocalContrastNormRequest(_Stage):
    """Deck 003's local contrast normalisation (its equations 15–17)."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True,
                              json_schema_extra={"examples": [
                                  {"input": [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
                                   "mode": "both", "sigma": 1, "size": 3}]})

    input: InputMatrix = Field(description="(C, H, W) maps (or (H, W): one).")
    mode: Literal["subtractive", "brightness", "both"] = Field(
        "both", description="subtractive (eq. 15), brightness (eq. 17), or both in turn.")
    sigma: Number = Field(1.0, gt=0, le=100, description="σ of the Gaussian window.")
    size: Whole | None = Field(None, ge=1, le=63, description="The window's rows and columns, "
                               "odd (default 2·⌈2σ⌉ + 1).")
    across: Literal["sum", "mean"] = Field("sum", description="Σ_j over the maps, as the "
                                           "deck writes it, or their mean (Jarrett et al.).")
    kappa: Number = Field(2.0, description="κ in (κ + λ·Σ_j Y_j²)^μ.")
    lambda_: Number = Field(1e-4, alias="lambda", description="λ.")
    mu: Number = Field(0.75, description="μ.")
