"""Request and response models of POST /api/conv2d/matrix and /api/conv2d/backward."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import AxisArithmeticModel, InputMatrix, TraceInfo, TraceSpec
from app.schemas.conv import Conv2dRequest, Conv2dStep

_DECK_001: dict[str, Any] = {"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                             "kernel": [[1, 2], [3, 4]], "flip_kernel": True,
                             "symbolic": True}

_SYMBOLIC = ("Also return every entry as a name instead of a number, 1-based as in the "
             "decks (x₁₁ … input, w₁₁ … kernel as given, y₁₁ … output, δy₁₁ … ΔY). With "
             "more than one channel, 1-based channel numbers come first as superscripts: "
             "x⁽²⁾₁₃ is row 1, column 3 of input channel 2; w⁽¹,²⁾₁₁ is filter 1, input "
             "channel 2 (within its group). Rows or columns past 9 are separated by a comma "
             "(x₁₀,₂). Only for matrices C within max_dense_matrix_cells.")


class MatrixRequest(Conv2dRequest):
    """The parameters of POST /api/conv2d, plus `symbolic`."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [_DECK_001]})

    symbolic: bool = Field(False, description=_SYMBOLIC)


class BackwardRequest(Conv2dRequest):
    """The parameters of POST /api/conv2d, the upstream gradient ΔY and the traces."""

    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [_DECK_001]})

    grad_output: InputMatrix | None = Field(
        None, description="ΔY, the gradient of the loss with respect to the output: an array "
                          "of the output's shape ((H_out, W_out) for a 2-D input and one "
                          "filter, else (C_out, H_out, W_out)). Default: all ones.")
    symbolic: bool = Field(False, description=_SYMBOLIC)
    trace: TraceSpec = Field(
        True, description="The ΔX trace (one step per ΔY cell): true, false or {start, limit}.")
    kernel_trace: TraceSpec = Field(
        True, description="The ΔW trace (one step per kernel weight): true, false or a page.")
    full_convolution_trace: TraceSpec = Field(
        True, description="The gather trace of ΔX as a full convolution: true, false or a page.")


class CoordinateMatrix(BaseModel):
    """The sparse matrix C as a coordinate list: entry k is C[rows[k], cols[k]] = values[k]."""

    shape: list[int] = Field(description="[C_out·H_out·W_out, C_in·H·W].")
    rows: list[int] = Field(description="Row of each entry: the flat output index "
                                        "(channel, row, col), row-major, 0-based.")
    cols: list[int] = Field(description="Column of each entry: the flat input index, 0-based.")
    values: list[float] = Field(description="The weight of each entry (a sum where a padding "
                                            "copy brings one input cell into a window twice).")
    nnz: int = Field(description="Entries in the list.")
    dense: list[list[float]] | None = Field(
        description="C as a dense matrix when it has at most max_dense_matrix_cells cells, "
                    "else null (and never built).")


class Identity(BaseModel):
    """A matrix identity checked on this request's numbers."""

    equation: str
    max_abs_difference: float = Field(description="Largest |left − right| over all entries.")


class WConv(BaseModel):
    """Deck 001's W_conv for true convolution: C, whose rows are the rotated kernel."""

    rotated_kernel: list[Any] = Field(description="The kernel rotated 180°, as applied, "
                                                  "shaped like the kernel as given.")
    note: str


class Formula(BaseModel):
    """One cell as a sum of named products."""

    label: str = Field(description="The cell's name, e.g. δx₂₂.")
    terms: list[list[str]] = Field(description="[factor, factor] per term, e.g. "
                                               "[\"δy₁₁\", \"w₁₁\"].")
    text: str = Field(description="The sum written out; \"0\" when no term reaches the cell.")


class MatrixSymbols(BaseModel):
    """The matrix view with names instead of numbers."""

    input: list[Any] = Field(description="Labels shaped like the input.")
    kernel: list[Any] = Field(description="Labels shaped like the kernel as given.")
    matrix_values: list[str] = Field(description="One label per entry of the coordinate list.")
    matrix_dense: list[list[str]] | None = Field(description="Dense C with \"0\" elsewhere.")
    x_conv: list[list[str]] = Field(description="X_conv; \"0\" for a zero of the padding.")
    kernel_row: list[list[str]]
    output: list[Formula] = Field(description="One formula per output cell, vec(y) order.")


class MatrixResponse(BaseModel):
    """C, X_conv, kernel2row and the identities they satisfy."""

    output: list[Any]
    output_shape: list[int]
    padding: list[list[int]]
    stride: list[int]
    dilation: list[int]
    groups: int
    padding_mode: str
    flip_kernel: bool
    arithmetic: list[AxisArithmeticModel]
    matrix: CoordinateMatrix
    x_conv: list[list[float]] = Field(
        description="im2col, (C_in·kH·kW, H_out·W_out): column p is the window of output "
                    "cell p, channel by channel, in the order of the kernel's weights as given.")
    kernel_row: list[list[float]] = Field(
        description="kernel2row, (C_out, C_in·kH·kW): each filter's weights as given, zero "
                    "outside its group's channels.")
    w_conv: WConv | None = Field(description="For true convolution (flip_kernel), else null.")
    input_flat: list[float] = Field(description="vec(x), (C_in·H·W,).")
    output_flat: list[float] = Field(description="vec(y), (C_out·H_out·W_out,), with the bias.")
    bias_flat: list[float] = Field(description="The bias of each output cell.")
    identities: list[Identity]
    note: str = Field(description="How C treats the padding.")
    symbolic: MatrixSymbols | None
    trace: TraceInfo
    steps: list[Conv2dStep] = Field(description="The forward steps, as in POST /api/conv2d: "
                                                "step k explains row k of C.")


class InputGradStep(BaseModel):
    """One ΔY cell scattered back through its window."""

    index: int
    source: list[int] = Field(description="[channel, row, col] of the ΔY cell.")
    grad: float = Field(description="Its value.")
    window: list[list[int]] = Field(description="[row, col] in the padded frame per tap.")
    padding: list[bool] = Field(description="Per tap: true when it reads padding.")
    targets: list[list[int] | None] = Field(
        description="Per tap: the input [row, col] that receives the gradient (a padding "
                    "copy hands it to the cell it copies); null for a zero of the padding.")
    channels: list[int] = Field(description="The input channels of the filter's group.")
    amounts: list[list[float]] = Field(description="Per channel, per tap: ΔY·w.")
    running_sum: list[Any] = Field(description="ΔX after this step, shaped like the input.")


class KernelGradStep(BaseModel):
    """One kernel weight gathering the inputs it read, weighted by ΔY."""

    index: int
    weight: list[int] = Field(description="[filter, channel, row, col] in the kernel as given.")
    tap: list[int] = Field(description="[row, col] of the tap it is in the applied kernel "
                                       "(rotated 180° for true convolution).")
    window: list[list[int]] = Field(description="Per output cell: the padded [row, col] read.")
    padding: list[bool]
    inputs: list[float] = Field(description="Per output cell: the value read.")
    grads: list[float] = Field(description="Per output cell: ΔY of the filter's channel.")
    products: list[float]
    value: float = Field(description="Σ products: this weight's gradient.")


class FullConvolution(BaseModel):
    """ΔX on the padded frame as one direct convolution of the zero-inserted ΔY."""

    input: list[list[list[float]]] = Field(
        description="(C_out, H′, W′): ΔY with stride − 1 zeros inserted between cells.")
    padded_input: list[list[list[float]]]
    padding: list[list[int]] = Field(description="[[top, bottom], [left, right]]: (k − 1)·d, "
                                                 "plus what the forward stride never reached.")
    kernel: list[list[list[list[float]]]] = Field(
        description="(C_in, C_out/groups, kH, kW): the applied kernel rotated 180°, channel "
                    "axes swapped.")
    dilation: list[int]
    output: list[list[list[float]]] = Field(description="ΔX on the padded frame (C_in, H_pad, "
                                                        "W_pad), before the padding is folded.")
    note: str
    trace: TraceInfo
    steps: list[Conv2dStep]


class BackwardSymbols(BaseModel):
    """Deck 001's δx and δw formulas."""

    grad_output: list[Any] = Field(description="δy labels shaped like ΔY.")
    grad_input: list[Formula] = Field(description="One per input cell, vec(x) order.")
    grad_kernel: list[Formula] = Field(description="One per weight of the kernel as given.")
    grad_bias: list[list[str]] = Field(description="Per filter: the δy summed.")


class BackwardResponse(BaseModel):
    """ΔX, ΔW and Δb with their traces."""

    output: list[Any]
    output_shape: list[int]
    grad_output: list[Any] = Field(description="ΔY as used, shaped like `output`.")
    grad_input: list[Any] = Field(description="ΔX = Cᵀ·vec(ΔY), shaped like the input.")
    grad_kernel: list[Any] = Field(description="ΔW = ΔY·X_convᵀ, shaped like the kernel as "
                                               "given (not rotated).")
    grad_bias: list[float] = Field(description="Δb, one per filter: ΔY summed over its channel.")
    padding: list[list[int]]
    stride: list[int]
    dilation: list[int]
    groups: int
    padding_mode: str
    flip_kernel: bool
    note: str = Field(description="How the padding passes the gradient on.")
    trace: TraceInfo
    steps: list[InputGradStep]
    kernel_trace: TraceInfo
    kernel_steps: list[KernelGradStep]
    full_convolution: FullConvolution
    symbolic: BackwardSymbols | None
