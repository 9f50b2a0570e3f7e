"""Request and response models of GET /api/networks and POST /api/network."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

LAYERS_DOC = (
    "The stack, in PyTorch's nn names and arguments, PyTorch's defaults for what is left "
    "out: conv2d (out_channels, kernel_size, stride, padding: n, [h, w], \"same\" or "
    "\"valid\", dilation, groups, bias, in_channels), conv_transpose2d (+ output_padding), "
    "max_pool2d (kernel_size, stride, padding, dilation, ceil_mode), avg_pool2d "
    "(kernel_size, stride, padding, ceil_mode, count_include_pad), adaptive_avg_pool2d and "
    "adaptive_max_pool2d (output_size), batch_norm2d (num_features, eps, momentum, affine, "
    "track_running_stats), local_response_norm (size, alpha, beta, k), relu, relu6, "
    "leaky_relu (negative_slope), elu (alpha), sigmoid, tanh, softplus (beta, threshold), "
    "gelu, silu, dropout (p), flatten, linear (out_features, bias, in_features), and "
    "residual with a body and a shortcut (lists of layers; an empty shortcut is the "
    "identity) whose outputs are added. Input channels and features are taken from the "
    "shape flowing in. At most 2,000 layers, residual blocks 6 deep.")


class NetworkRequest(BaseModel):
    """A preset by name, or a stack of layers on an input shape."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"preset": "resnet18"},
        {"input_shape": [3, 32, 32], "layers": [
            {"type": "conv2d", "out_channels": 16, "kernel_size": 3, "padding": 1},
            {"type": "relu"}, {"type": "max_pool2d", "kernel_size": 2},
            {"type": "flatten"}, {"type": "linear", "out_features": 10}]},
    ]})

    preset: str | None = Field(None, max_length=64,
                               description="A name from GET /api/networks.")
    input_shape: list[Any] | None = Field(
        None, max_length=3, description="[C, H, W] (or [features]); with a preset, replaces "
                                        "its input shape.")
    layers: list[Any] | None = Field(None, max_length=2000, description=LAYERS_DOC)

    @model_validator(mode="after")
    def one_source(self) -> NetworkRequest:
        if (self.preset is None) == (self.layers is None):
            raise ValueError("give either preset or layers (with input_shape), not both")
        if self.layers is not None and self.input_shape is None:
            raise ValueError("layers need input_shape: [C, H, W] or [features]")
        return self


class ReceptiveField(BaseModel):
    size: list[int] = Field(description="[h, w]: input cells one output cell sees.")
    stride: list[int] = Field(description="[h, w]: the effective stride (jump) between the "
                                          "fields of neighbouring output cells.")
    padding: list[int] = Field(description="[h, w]: the effective padding: output cell i "
                                           "(from 0) sees input cells i·stride − padding … "
                                           "i·stride − padding + size − 1.")


class Separable(BaseModel):
    depthwise: str
    pointwise: str
    params: int
    macs: int
    full_params: int
    full_macs: int
    params_ratio: float
    macs_ratio: float
    formula: str


class LayerRow(BaseModel):
    path: str = Field(description="Where the layer sits, as PyTorch names modules: "
                                  "\"4.0.body.1\"; a residual's addition is \"….add\".")
    type: str
    args: dict[str, Any] = Field(description="Every argument, defaults filled in.")
    input_shape: list[int]
    output_shape: list[int]
    params: int
    macs: int
    flops: int = Field(description="2 × macs.")
    other_ops: int = Field(description="Bias additions, pooling, normalisation, activation "
                                       "and addition work: not MACs.")
    receptive_field: ReceptiveField | None = Field(
        description="Of one output cell on the network's input; null where no single window "
                    "describes it (after flatten, linear, a transposed convolution or uneven "
                    "adaptive pooling: see receptive_field_note).")
    receptive_field_note: str
    formulas: dict[str, list[str]] = Field(
        description="output_shape, params, macs, other_ops and receptive_field, each with "
                    "the numbers substituted.")
    separable: Separable | None = Field(
        description="On a pointwise conv after a depthwise one: the pair against the full "
                    "convolution it replaces.")


class Totals(BaseModel):
    params: int
    macs: int
    flops: int
    other_ops: int
    parameter_bytes: int
    activation_bytes: int
    input_bytes: int
    layers: int
    formulas: dict[str, str]


class NetworkResponse(BaseModel):
    """One row per leaf layer in execution order, and the totals."""

    preset: str | None
    title: str
    reference: str
    note: str
    input_shape: list[int]
    output_shape: list[int]
    layers: list[LayerRow]
    total: Totals
    convention: str


class NetworkPreset(BaseModel):
    name: str
    title: str
    input_shape: list[int]
    reference: str
    note: str
    layers: list[Any] = Field(description="The stack, as POST /api/network takes it.")


class NetworksResponse(BaseModel):
    networks: list[NetworkPreset]
