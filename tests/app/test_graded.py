"""Graded use over real HTTP (uvicorn): with CONVVIZ_EXERCISE_SECRET every id carries a
signature and an unsigned or forged one is a 404; the exercise drawn depends on the
secret (a copy of convviz without it cannot reproduce it); with CONVVIZ_INSTRUCTOR_TOKEN
only the bearer of the token sees answer keys; students get their own reproducible
variants and the lecturer a roster. Without either variable self-study is unchanged."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from engine.exercises import exercise
from tests.server import Server, running_server

SECRET, TOKEN = "lecture-secret-2026", "instructor-token-xyz"


def call(base: str, path: str, body: Any = None, token: str | None = None
         ) -> tuple[int, dict[str, str], Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="POST" if data else "GET",
                                     headers={"content-type": "application/json"})
    if token is not None:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            raw = reply.read()
            kind = reply.headers.get("content-type", "")
            return reply.status, dict(reply.headers), json.loads(raw) if "json" in kind else raw
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.fixture(scope="module")
def graded() -> Iterator[Server]:
    with running_server(env={"CONVVIZ_EXERCISE_SECRET": SECRET,
                             "CONVVIZ_INSTRUCTOR_TOKEN": TOKEN}) as base:
        yield base


def test_ids_are_signed_and_only_signed_ids_answer(graded: Server) -> None:
    status, _, body = call(graded, "/api/exercises", {"type": "conv-output", "difficulty": 2,
                                                      "seed": 12, "count": 2})
    assert status == 200
    signed = body["exercises"][0]["id"]
    bare, _, signature = signed.rpartition(".")
    assert bare == "conv-output.2.12.v1" and len(signature) == 16
    assert call(graded, f"/api/exercises/{signed}")[0] == 200
    status, _, error = call(graded, f"/api/exercises/{bare}")
    assert status == 404 and "signed" in error["detail"][0]["msg"]
    forged = signed[:-1] + ("0" if signed[-1] != "0" else "1")
    assert call(graded, f"/api/exercises/{forged}")[0] == 404
    # the neighbour's id cannot be made by hand: its signature is an HMAC of the secret
    assert call(graded, f"/api/exercises/conv-output.2.13.v1.{signature}")[0] == 404
    # and the exercise is not the one a copy of convviz without the secret draws
    mine = call(graded, f"/api/exercises/{signed}")[2]
    assert mine["givens"] != [{"name": g.name, "label": g.label, "value": g.value,
                               "text": g.text} for g in exercise(bare).givens]


def test_only_the_instructor_sees_answer_keys(graded: Server) -> None:
    signed = call(graded, "/api/exercises", {"type": "conv-size"})[2]["exercises"][0]["id"]
    status, headers, error = call(graded, f"/api/exercises/{signed}/solution")
    assert status == 401 and "Bearer" in headers.get("www-authenticate", "")
    assert error["detail"][0]["loc"] == ["header", "authorization"]
    assert call(graded, f"/api/exercises/{signed}/solution", token="wrong")[0] == 401
    status, _, key = call(graded, f"/api/exercises/{signed}/solution", token=TOKEN)
    assert status == 200 and key["id"] == signed
    # a student may still check an answer: right or wrong per cell, never the key
    status, _, grade = call(graded, f"/api/exercises/{signed}/check", {"answer": key["answer"]})
    assert status == 200 and grade["status"] == "correct"
    for query in ("format=markdown&answers=true", "format=moodle", "format=gift"):
        assert call(graded, f"/api/exercises/export?{query}")[0] == 401, query
        assert call(graded, f"/api/exercises/export?{query}", token=TOKEN)[0] == 200, query
    assert call(graded, "/api/exercises/export?format=markdown")[0] == 200  # no key in it


def test_each_student_gets_an_own_reproducible_variant_and_a_roster(graded: Server) -> None:
    students = ["ana", "ben", "chloé", 'd"q']
    request = {"type": "conv-output", "difficulty": 2, "students": students}
    status, _, body = call(graded, "/api/exercises", request)
    assert status == 200 and body["count"] == 4
    ids = [e["id"] for e in body["exercises"]]
    assert len(set(ids)) == 4 and [e["student"] for e in body["exercises"]] == students
    assert call(graded, "/api/exercises", request)[2]["roster"] == body["roster"]  # stable
    rows = list(csv.DictReader(io.StringIO(body["roster_csv"])))
    assert [(r["student"], r["id"]) for r in rows] == list(zip(students, ids))
    for exercise_id in ids:
        assert call(graded, f"/api/exercises/{exercise_id}")[0] == 200
    status, _, error = call(graded, "/api/exercises", {"students": ["ana", "ana"]})
    assert status == 422 and error["detail"][0]["loc"] == ["body", "students"]


def test_self_study_is_unchanged_without_the_variables() -> None:
    with running_server(env={"CONVVIZ_EXERCISE_SECRET": "", "CONVVIZ_INSTRUCTOR_TOKEN": ""}
                        ) as base:
        body = call(base, "/api/exercises", {"type": "conv-output", "seed": 12})[2]
        assert body["exercises"][0]["id"] == "conv-output.1.12.v1"
        assert call(base, "/api/exercises/conv-output.1.12.v1/solution")[0] == 200
        signed_elsewhere = "conv-output.1.12.v1.0123456789abcdef"
        assert call(base, f"/api/exercises/{signed_elsewhere}")[0] == 404
