"""Exercises: generate (seeded, reproducible), check an answer, show the solution, export."""

from __future__ import annotations

import functools
from typing import Annotated, Any

import numpy as np
import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from app import graded
from app.errors import error_body
from app.figure import givens
from app.jsonroute import JsonBodyRoute
from app.schemas.common import ErrorResponse
from app.schemas.exercises import (
    CheckRequest,
    CheckResponse,
    ExerciseModel,
    ExerciseType,
    ExportFormat,
    SolutionResponse,
    TypesResponse,
    WorksheetRequest,
    WorksheetResponse,
)
from engine.exercises import MAX_COUNT, MAX_SEED, SPECS, Exercise, ExerciseIdError, exercise
from engine.exercises import generate as generate_one
from engine.exercises import worksheet as make_worksheet
from engine.exercises.export import (
    EXTENSIONS,
    FORMATS,
    MEDIA_TYPES,
    Worksheet,
    public,
    shape_hidden,
    solution,
)
from engine.exercises.formats import export
from engine.exercises.grading import CREDIT_POLICY, check
from engine.exercises.ids import DIFFICULTIES, ID_PATTERN
from engine.exercises.mistakes import diagnose

router = APIRouter(prefix="/api/exercises", tags=["exercises"], route_class=JsonBodyRoute)

_ID_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "A well-formed id of an unknown type or "
                                                 "generator version."},
    422: {"model": ErrorResponse, "description": "A malformed id (syntax, difficulty or seed "
                                                 "out of range), or an invalid body."},
}
# The id's syntax in the schema too: without it "types" and "export" would read as ids of
# /api/exercises/{exercise_id} although their own routes answer them.
ExerciseIdPath = Annotated[str, Path(
    description="<type>.<difficulty>.<seed>.v<version>", examples=["conv-output.2.12345.v1"],
    pattern=ID_PATTERN, max_length=64)]


_INLINE_COUNT = 4
_KEY_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "CONVVIZ_INSTRUCTOR_TOKEN is set and the "
                                                 "request has no valid bearer token."},
    403: {"model": ErrorResponse, "description": "Graded mode without an instructor token: "
                                                 "answer keys are off."},
}


def _for_students(request: WorksheetRequest) -> Response:
    """One exercise per student, each the student's own reproducible variant, with the
    roster (student, id) for the lecturer, as JSON and as CSV."""
    names = request.students or []
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        body = error_body(["body", "students"], f"students: each name once, got "
                          f"{', '.join(twice)} more than once"[:300], "value_error")
        return Response(orjson.dumps(body), status_code=422, media_type="application/json")
    kinds = [request.type] if request.type else [s.name for s in SPECS]
    items, roster = [], []
    for i, name in enumerate(names):
        kind = kinds[i % len(kinds)]
        seed = graded.student_seed(kind, request.difficulty, name)
        made = graded.signed(generate_one(kind, request.difficulty, seed, graded.secret()))
        items.append({**public(made), "student": name})
        roster.append({"student": name, "id": made.id})
    lines = ["student,id", *(f'"{r["student"].replace(chr(34), chr(34) * 2)}",{r["id"]}'
                             for r in roster)]
    return _json({"count": len(items), "exercises": items, "roster": roster,
                  "roster_csv": "\n".join(lines) + "\n"})


def _json(payload: Any) -> Response:
    return Response(orjson.dumps(payload), media_type="application/json")


# An exercise is a pure function of its id, and a lecture hall asks for the same few ids
# again and again (everyone checks the worksheet on the projector): build each once.
# Exercises are frozen and their answer keys read-only, so sharing one is safe.
_exercise = functools.lru_cache(maxsize=512)(exercise)


def _lookup(exercise_id: str) -> Exercise | Response:
    """The exercise (under the id this server hands out), or the 404/422 response naming
    what is wrong with the id; in graded mode a missing or wrong signature is a 404."""
    try:
        return graded.signed(_exercise(graded.bare_id(exercise_id), graded.secret()))
    except ExerciseIdError as error:
        body = error_body(["path", "exercise_id"], str(error),
                          "value_error" if error.malformed else "not_found")
        return Response(orjson.dumps(body), status_code=422 if error.malformed else 404,
                        media_type="application/json")


def _types_body() -> bytes:
    types = [{"type": s.name, "family": s.family, "title": s.title,
              "description": s.description, "answer_kind": s.answer_kind, "version": s.version,
              "levels": [{"level": i + 1, "description": d} for i, d in enumerate(s.levels)],
              "example_id": f"{s.name}.1.0.v{s.version}"} for s in SPECS]
    return orjson.dumps({"id_format": "<type>.<difficulty>.<seed>.v<version>",
                         "seed_range": [0, MAX_SEED], "difficulties": list(DIFFICULTIES),
                         "max_count": MAX_COUNT, "formats": list(FORMATS),
                         "credit_policy": CREDIT_POLICY, "types": types})


_TYPES = _types_body()


@router.get("/types", response_model=TypesResponse, summary="The exercise types")
async def types() -> Response:
    """Every exercise type, what each difficulty level changes, the id format, the seed
    range and the largest worksheet."""
    return Response(_TYPES, media_type="application/json")


_EXPORT_CONTENT = {
    "application/json": {"schema": {"type": "object"}},
    "text/markdown": {"schema": {"type": "string"}},
    "application/xml": {"schema": {"type": "string"}},
    "text/plain": {"schema": {"type": "string"}},
    "application/zip": {"schema": {"type": "string", "format": "binary"}},
}


@router.get("/export", summary="Export a worksheet",
            responses={200: {"description": "The worksheet as a file: JSON, Markdown with "
                             "LaTeX math, Moodle XML or GIFT.", "content": _EXPORT_CONTENT},
                       422: {"model": ErrorResponse, "description": "A bad parameter."}})
async def export_worksheet(
    request: Request,
    format: Annotated[ExportFormat, Query(description="json, markdown, moodle, gift or qti "
                                                      "(an IMS QTI 1.2 zip for Canvas and "
                                                      "Blackboard).")],
    type: Annotated[ExerciseType | None, Query(
        description="One exercise type; absent: a mix of every type.")] = None,
    difficulty: Annotated[int, Query(ge=1, le=3, description="1 … 3.")] = 1,
    count: Annotated[int, Query(ge=1, le=MAX_COUNT,
                                description=f"At most {MAX_COUNT}.")] = 10,
    seed: Annotated[int, Query(ge=0, le=MAX_SEED, description="The first seed (past the "
                               "largest, the seeds go on from 0).")] = 0,
    answers: Annotated[bool, Query(description="Include the answer key and worked steps "
                                   "(Markdown, JSON), or the steps as general feedback "
                                   "(Moodle). Moodle, GIFT and QTI always hold the key.")] = False,
    ids: Annotated[bool, Query(description="Markdown: print each exercise's id on the "
                               "student sheet too (the answer key always has them).")] = False,
    figures: Annotated[bool, Query(description="Markdown and Moodle: a figure of each "
                                   "exercise's given matrices (TikZ in the PDF, an embedded "
                                   "PNG in Moodle); never the answer.")] = False,
) -> Response:
    """A worksheet of `count` exercises (seeds `seed, seed + 1, …`, from 0 again past
    the largest) as a file:
    `json` (application/json), `markdown` (text/markdown, LaTeX math between `$$`, for
    printing), `moodle` (application/xml: a category per type, numerical questions for
    scalars, Cloze tables of numerical blanks for vectors and grids) or `gift`
    (text/plain: one numerical question `::title:: text {#52:0.01}` per answer entry)."""
    refusal = (graded.instructor_refusal(request, "a worksheet with its answer key")
               if answers or format in ("moodle", "gift", "qti") else None)
    if refusal is not None:
        return refusal

    def build() -> bytes:
        made = make_worksheet(type, difficulty, seed, count, graded.secret())
        sheet = Worksheet([graded.signed(e) for e in made], type, difficulty, seed, answers,
                          ids, givens.Figures() if figures else None)
        body = export(sheet, format)
        if isinstance(body, dict):
            return orjson.dumps(body)
        return body if isinstance(body, bytes) else body.encode("utf-8")

    body = build() if count <= _INLINE_COUNT else await run_in_threadpool(build)
    name = (f"convviz-{type or 'mixed'}-d{difficulty}-s{seed}-n{count}."
            f"{EXTENSIONS[format]}")
    media = MEDIA_TYPES[format]
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return Response(body, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@router.post("", response_model=WorksheetResponse, summary="Generate exercises",
             responses={422: {"model": ErrorResponse, "description": "A bad parameter; "
                              "`loc` names it."}})
async def generate(request: WorksheetRequest) -> Response:
    """`count` exercises of `type` (or a mix) at `difficulty`, with seeds `seed, seed + 1,
    …` (from 0 again past the largest seed). The same request always gives the same
    exercises, on any server. Answers are not included: see
    `/api/exercises/{id}/solution`."""
    if request.students is not None:
        if len(request.students) <= _INLINE_COUNT:
            return _for_students(request)
        return await run_in_threadpool(_for_students, request)

    def build() -> bytes:
        made = make_worksheet(request.type, request.difficulty, request.seed, request.count,
                              graded.secret())
        items = [public(shape_hidden(graded.signed(e)) if request.hide_shape
                        else graded.signed(e)) for e in made]
        return orjson.dumps({"count": len(items), "exercises": items})

    # A few exercises take well under a millisecond: inline, they skip the thread pool's
    # queue behind the event loop (p99 under load); a worksheet goes to a thread.
    body = build() if request.count <= _INLINE_COUNT else await run_in_threadpool(build)
    return Response(body, media_type="application/json")


@router.get("/{exercise_id}", response_model=ExerciseModel, responses=_ID_ERRORS,
            summary="One exercise")
async def get_exercise(exercise_id: ExerciseIdPath, hide_shape: Annotated[bool, Query(
        description="Grids: leave the answer's size out; it becomes part of the "
                    "question.")] = False) -> Response:
    """The exercise an id names (the same on every server), without its answer."""
    found = _lookup(exercise_id)
    if isinstance(found, Response):
        return found
    return _json(public(shape_hidden(found) if hide_shape else found))


@router.get("/{exercise_id}/solution", response_model=SolutionResponse,
            responses={**_ID_ERRORS, **_KEY_ERRORS}, summary="The answer key and worked steps")
async def get_solution(exercise_id: ExerciseIdPath, request: Request) -> Response:
    """The answer in exactly the form the check accepts (`answer`: numbers; `answer_text`:
    strings such as "15/4"), and the worked steps from the engine's trace. With
    `CONVVIZ_INSTRUCTOR_TOKEN` set, only for `Authorization: Bearer <token>`."""
    refusal = graded.instructor_refusal(request, "the solution")
    if refusal is not None:
        return refusal
    found = _lookup(exercise_id)
    return found if isinstance(found, Response) else _json(solution(found))


@router.post("/{exercise_id}/check", response_model=CheckResponse, responses=_ID_ERRORS,
             summary="Grade an answer")
async def check_answer(exercise_id: ExerciseIdPath, request: CheckRequest) -> Response:
    """Grade `answer` entry by entry: `score` is the fraction of entries within the
    tolerance, `cells` marks each entry right or wrong (the right values are not shown).
    Numbers may be strings: "15/9", "-3/4", "1.5". An answer that cannot be read (a word,
    a ragged grid, the wrong number of entries) is a `format_error`, not a wrong answer:
    `score` is null and `format_errors` says what to fix."""
    found = _lookup(exercise_id)
    if isinstance(found, Response):
        return found
    if request.hide_shape:
        found = shape_hidden(found)
    grade = check(found.answer, request.answer, found.tolerance)
    mistakes = [] if grade.status == "correct" else diagnose(found, request.answer)
    feedback = []
    if grade.cells is not None:
        for index, ok in ((i, bool(v)) for i, v in _cells(grade.cells)):
            feedback.append({"index": list(index), "label": found.answer.cell_label(index),
                             "correct": ok})
    return _json({
        "id": found.id, "status": grade.status, "score": grade.score, "right": grade.right,
        "total": grade.total,
        "cells": None if grade.cells is None else grade.cells.tolist(),
        "feedback": feedback,
        "format_errors": [{"index": list(p.index), "given": p.given, "msg": p.message}
                          for p in grade.problems],
        "message": " ".join([grade.message, *(f"It looks as if {m}." for m in mistakes)]),
        "mistakes": mistakes,
    })


def _cells(cells: Any) -> list[tuple[tuple[int, ...], bool]]:
    return [(tuple(int(i) for i in index), bool(v)) for index, v in np.ndenumerate(cells)]
