"""Request and response models of the exercise endpoints (/api/exercises…)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import Whole
from engine.exercises import MAX_COUNT, MAX_SEED, TYPES

ExerciseType: Any = Literal[tuple(TYPES)]
ExportFormat = Literal["json", "markdown", "moodle", "gift", "qti"]
_EXAMPLE_ID = "conv-output.2.12345.v1"


class WorksheetRequest(BaseModel):
    """Which exercises to generate: ``count`` of them, seeds ``seed, seed + 1, …``."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={
        "examples": [{"type": "conv-output", "difficulty": 2, "seed": 12345, "count": 3}]})

    type: ExerciseType | None = Field(
        None, description="An exercise type (GET /api/exercises/types); null or absent: "
                          "a mix cycling through every type.")
    difficulty: Whole = Field(1, ge=1, le=3, description="1 (easiest) … 3.")
    seed: Whole = Field(0, ge=0, le=MAX_SEED,
                      description="The first exercise's seed; the next ones take the "
                                  "following seeds, from 0 again past the largest.")
    count: Whole = Field(1, ge=1, le=MAX_COUNT,
                       description=f"How many exercises (at most {MAX_COUNT}).")
    hide_shape: bool = Field(False, description="Grids: leave the answer's size out (the "
                                                "size becomes part of the question).")
    students: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        None, min_length=1, max_length=MAX_COUNT,
        description="Names (at most 200): one exercise each, the student's own variant, the "
                    "same every time (unguessable with CONVVIZ_EXERCISE_SECRET); `seed` and "
                    "`count` are then not used, and the answer has a `roster`.")


class GivenModel(BaseModel):
    """One piece of data the question gives."""

    name: str = Field(description="Machine name in the API's vocabulary (input, kernel, "
                                  "stride, padding, …).")
    label: str = Field(description="How the question refers to it (X, K, stride, …).")
    value: Any = Field(description="A matrix (nested lists), a number, [height, width], "
                                   "a word or a boolean.")
    text: str = Field(description="The value for people (\"7 × 5\"); empty for a matrix.")


class ExerciseModel(BaseModel):
    """An exercise without its answer."""

    id: str = Field(description="<type>.<difficulty>.<seed>.v<version>: names the exercise "
                                "for ever (a graded server appends a signature).",
                    examples=[_EXAMPLE_ID])
    student: str | None = Field(None, description="With `students`: whose exercise it is.")
    accepts: str = Field(description="What the answer takes, in words: whole numbers, "
                                     "decimals within the tolerance, fractions where exact.")
    type: str
    difficulty: int
    seed: int
    version: int = Field(description="The generator version (part of the id).")
    title: str
    prompt: str = Field(description="The question. Its prose counts rows and columns from 1, "
                                    "as the lectures do; positions in JSON count from 0.")
    givens: list[GivenModel]
    answer_kind: Literal["scalar", "vector", "grid"] = Field(
        description="scalar: one number; vector: one number per label; grid: nested lists.")
    answer_name: str = Field(description="What the answer is called (Y, Y[1, 2], …).")
    answer_labels: list[str] | None = Field(
        description="vector: the name of each entry ([height, width], …); else null.")
    answer_shape: list[int] | None = Field(
        description="The shape the answer must have ([] for a scalar); null when the size "
                    "is part of the question.")
    tolerance: float = Field(description="Absolute tolerance of every entry.")


class RosterEntry(BaseModel):
    """Which exercise a student was given."""

    student: str
    id: str


class WorksheetResponse(BaseModel):
    """Generated exercises (no answers)."""

    count: int
    exercises: list[ExerciseModel]
    roster: list[RosterEntry] | None = Field(None, description="With `students`: who has "
                                                               "which id.")
    roster_csv: str | None = Field(None, description="The roster as CSV (student,id), for "
                                                     "the lecturer's records.")


class CheckRequest(BaseModel):
    """An answer to grade."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"answer": [[1, "15/9"], [-3, 2.5]]}, {"answer": 52}, {"answer": [3, 4]}]})

    answer: Any = Field(
        description='A number or a string ("15/9", "-3/4", "1.5") for a scalar; a list for a '
                    "vector; nested lists of those for a grid.")
    hide_shape: bool = Field(False, strict=True,
                             description="The grid's size was part of the question: a "
                                         "wrong-sized grid is not told the size.")


class FormatProblemModel(BaseModel):
    """Why one entry (or the whole answer) could not be read."""

    index: list[int] = Field(description="The entry ([] for the whole answer).")
    given: str = Field(description="What was sent (shortened).")
    msg: str


class CellFeedback(BaseModel):
    """Whether one entry is right (the right value is not revealed)."""

    index: list[int]
    label: str = Field(description="Y[0, 1], height, cross-correlation, …")
    correct: bool


class CheckResponse(BaseModel):
    """The grade. A format error is not a wrong answer: `score` is null and nothing counts."""

    id: str
    status: Literal["correct", "partial", "incorrect", "format_error"]
    score: float | None = Field(ge=0, le=1, description="Right entries / all entries; null "
                                                        "for a format error.")
    right: int
    total: int
    cells: Any = Field(description="Shaped like the answer: true where right (a single bool "
                                   "for a scalar); null when not graded cell by cell.")
    feedback: list[CellFeedback]
    format_errors: list[FormatProblemModel]
    message: str
    mistakes: list[str] = Field(description="The common mistakes the answer matches, in "
                                            "words: the key transposed, two entries swapped, "
                                            "the bias forgotten or added twice, the kernel "
                                            "rotated or not, the stride ignored, the padding "
                                            "off by one, the “+ 1” left out.")


class SolutionResponse(BaseModel):
    """The answer key and the worked steps."""

    id: str
    answer: Any = Field(description="Numbers, shaped as the check accepts them.")
    answer_text: Any = Field(description="The same as strings a student would type "
                                         "(\"15/4\"), also accepted by the check.")
    steps: list[str] = Field(description="The worked solution, from the engine's trace.")


class LevelModel(BaseModel):
    level: int
    description: str


class TypeModel(BaseModel):
    """One exercise type and what its difficulty levels change."""

    type: str
    family: str
    title: str
    description: str
    answer_kind: Literal["scalar", "vector", "grid"]
    version: int
    levels: list[LevelModel]
    example_id: str


class TypesResponse(BaseModel):
    """Every exercise type and the parameters of the generator."""

    id_format: str
    seed_range: list[int]
    difficulties: list[int]
    max_count: int
    formats: list[str]
    credit_policy: str = Field(description="How `score` is computed from the right and "
                                           "wrong entries, the same for every type (and "
                                           "Moodle's Cloze marks).")
    types: list[TypeModel]
