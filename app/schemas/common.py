"""Types shared by every request and response model.

Unions are discriminated by the JSON shape of the value (a number, a list,
a string, an object, or the nesting depth of a matrix), so a bad value gets
one error from the branch the client meant, not one per branch.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag

from app.limits import LIMITS

# Tags that only route a union; the error handler drops them from `loc`.
UNION_TAGS = frozenset({"number", "list", "string", "object", "bool", "1-D", "2-D", "3-D", "4-D",
                        "5-D"})

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


def _integral(value: Any) -> Any:
    # JSON Schema's "integer" is any number with a zero fraction (150.0 is one): take it.
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A whole number, as JSON Schema counts them: 3 or 3.0, never 3.5, "3" or true.
Whole = Annotated[int, BeforeValidator(_integral), Field(strict=True)]


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "number"


def _depth(value: Any) -> str:
    depth = 0
    while isinstance(value, list):
        depth += 1
        value = value[0] if value else None
    return f"{depth}-D"


def cells(item: Any) -> Any:
    """A list of ``item`` whose validation stops at its first bad entry.

    A body of a million bad cells would otherwise make a million errors (seconds of
    CPU and gigabytes of memory, to say the same thing a million times): every list a
    request may carry is one of these, so an error list is at most one entry per field.
    """
    return Annotated[list[item], Field(fail_fast=True)]


def _matrix_of_rank(*ranks: int) -> Any:
    row = cells(Number)
    nested: dict[int, Any] = {1: row, 2: cells(row), 3: cells(cells(row)),
                              4: cells(cells(cells(row))), 5: cells(cells(cells(cells(row))))}
    names = " or ".join(f"{r}-D" for r in ranks)
    members = tuple(Annotated[nested[r], Tag(f"{r}-D")] for r in ranks)
    return Annotated[
        Union[members],
        Discriminator(_depth, custom_error_type="array_rank",
                      custom_error_message=f"must be a {names} array of numbers"),
    ]


InputMatrix = _matrix_of_rank(2, 3)
KernelMatrix = _matrix_of_rank(2, 3, 4)
Matrix2D = _matrix_of_rank(2)
transposed_kernel = _matrix_of_rank(2, 4)
Signal = _matrix_of_rank(1, 2)
SignalKernel = _matrix_of_rank(1, 2, 3)
TransposedSignalKernel = _matrix_of_rank(1, 3)
Volume = _matrix_of_rank(3, 4)
VolumeKernel = _matrix_of_rank(3, 4, 5)


def _shape_union(error: str, **members: Any) -> Any:
    """A union routed by the value's JSON kind (number, list, string, object, bool)."""
    return Annotated[
        Union[tuple(Annotated[t, Tag(k)] for k, t in members.items())],
        Discriminator(_json_kind, custom_error_type="value_kind", custom_error_message=error),
    ]


def _pair(minimum: int, maximum: int, what: str) -> Any:
    one = Annotated[Whole, Field(ge=minimum, le=maximum)]
    return _shape_union(
        f"must be an integer or [height, width] ({what})",
        number=one,
        list=Annotated[list[one], Field(min_length=2, max_length=2)],
    )


Stride = _pair(1, LIMITS.max_stride, f"each 1 … {LIMITS.max_stride}")
Dilation = _pair(1, LIMITS.max_dilation, f"each 1 … {LIMITS.max_dilation}")
PaddingPair = _pair(0, LIMITS.max_padding, f"each 0 … {LIMITS.max_padding}")
Padding = _shape_union(
    f'must be an integer, [height, width] (each 0 … {LIMITS.max_padding}), "valid", '
    f'"same" or "full"',
    number=Annotated[Whole, Field(ge=0, le=LIMITS.max_padding)],
    list=Annotated[list[Annotated[Whole, Field(ge=0, le=LIMITS.max_padding)]],
                   Field(min_length=2, max_length=2)],
    string=Literal["valid", "same", "full"],
)


def _triple(minimum: int, maximum: int, what: str) -> Any:
    one = Annotated[Whole, Field(ge=minimum, le=maximum)]
    return _shape_union(
        f"must be an integer or [depth, height, width] ({what})",
        number=one,
        list=Annotated[list[one], Field(min_length=3, max_length=3)],
    )


Stride3 = _triple(1, LIMITS.max_stride, f"each 1 … {LIMITS.max_stride}")
Dilation3 = _triple(1, LIMITS.max_dilation, f"each 1 … {LIMITS.max_dilation}")
_PAD = Annotated[Whole, Field(ge=0, le=LIMITS.max_padding)]
Padding3 = _shape_union(
    f'must be an integer, [depth, height, width] or one [before, after] per axis (each 0 … '
    f'{LIMITS.max_padding}), "valid", "same" or "full"',
    number=_PAD,
    list=Annotated[list[_PAD] | list[Annotated[list[_PAD], Field(min_length=2, max_length=2)]],
                   Field(min_length=3, max_length=3)],
    string=Literal["valid", "same", "full"],
)


def _sizes(minimum: int, maximum: int) -> Any:
    one = Annotated[Whole, Field(ge=minimum, le=maximum)]
    return _shape_union(
        f"must be an integer or one per axis: [length], [height, width] or [depth, height, "
        f"width] (each {minimum} … {maximum})",
        number=one,
        list=Annotated[list[one], Field(min_length=1, max_length=3)],
    )


Sizes = _sizes(1, LIMITS.max_stride)
PadSizes = _sizes(0, LIMITS.max_padding)
_PAD_ONE = Annotated[Whole, Field(ge=0, le=LIMITS.max_padding)]
ShapePadding = _shape_union(
    f'must be an integer or one per axis (each 0 … {LIMITS.max_padding}), [left, right] '
    f'for conv1d, "valid", "same", "full" or "causal"',
    number=_PAD_ONE,
    list=Annotated[list[_PAD_ONE], Field(min_length=1, max_length=3)],
    string=Literal["valid", "same", "full", "causal"],
)
Bias = _shape_union(
    "must be a number or a list with one number per output channel",
    number=Number,
    list=Annotated[cells(Number), Field(min_length=1)],
)


class TracePage(BaseModel):
    """Which steps of the trace to return."""

    model_config = ConfigDict(extra="forbid", strict=True)
    start: Whole = Field(0, ge=0, description="Index of the first step (0-based).")
    limit: Whole = Field(LIMITS.max_trace_steps, ge=1, le=LIMITS.max_trace_steps,
                       description="Most steps to return in this page.")


TraceSpec = _shape_union(
    "must be true, false or {\"start\": …, \"limit\": …}",
    bool=bool,
    object=TracePage,
)


class TraceInfo(BaseModel):
    """Where this page sits in the whole trace."""

    start: int = Field(description="Index of the first step returned.")
    count: int = Field(description="Steps returned.")
    total: int = Field(description="Steps in the whole trace (one per output cell).")
    next_start: int | None = Field(description="`start` of the next page, or null at the end.")


class AxisArithmeticModel(BaseModel):
    """How one axis gets its output size, with the formula and the numbers."""

    axis: Literal["length", "depth", "height", "width"]
    op: str
    input_size: int
    kernel_size: int
    stride: int
    padding: list[int] = Field(description="[before, after] (top/bottom or left/right).")
    dilation: int
    effective_kernel_size: int = Field(description="(kernel_size − 1)·dilation + 1.")
    padded_size: int
    output_size: int
    output_padding: int
    ceil_mode: bool
    formula: str = Field(description="Dumoulin & Visin's formula for this case.")
    lecture_formula: str = Field(description="The same in the lecture decks' notation.")
    substituted: str = Field(description="The formula with this request's numbers.")
    rounding: str = Field(description="The floor (or ceiling) taken, and what it dropped.")
    remainder: int = Field(description="Trailing padded rows/columns no window reaches.")
    unvisited: list[int] = Field(description="Padded rows/columns no kernel tap reads.")
    relationship: int = Field(description="Relationship number in Dumoulin & Visin.")
    citation: str
    explanation: str


class ErrorItem(BaseModel):
    """One problem with a request (FastAPI's validation error shape)."""

    loc: list[str | int] = Field(description='Where: ["body", field, index, …].')
    msg: str = Field(description="What is wrong, with the numbers.")
    type: str


class ErrorResponse(BaseModel):
    """The one error shape of the API, for 413 and 422 alike."""

    detail: list[ErrorItem]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorResponse, "description": "Over a documented size limit (named)."},
    422: {"model": ErrorResponse, "description": "Invalid input; `loc` names the field."},
}
