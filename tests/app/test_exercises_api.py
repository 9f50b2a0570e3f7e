"""The exercise endpoints: exact JSON, grading round trips, id errors, limits, exports."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.exercises import MAX_SEED, TYPES

ID = "conv-output.1.7.v1"


def test_get_exercise_returns_exact_public_json(client: TestClient) -> None:
    response = client.get(f"/api/exercises/{ID}")
    assert response.status_code == 200
    body = response.json()
    x, k = body["givens"][0]["value"], body["givens"][1]["value"]
    assert body == {
        "id": ID, "type": "conv-output", "difficulty": 1, "seed": 7, "version": 1,
        "title": "Output of a convolution",
        "prompt": "Cross-correlate the input X with the kernel K (stride 1, zero padding 0, "
                  "bias 0), as a convolution layer does. What is the whole output Y?",
        "givens": [
            {"name": "input", "label": "X", "value": x, "text": ""},
            {"name": "kernel", "label": "K", "value": k, "text": ""},
            {"name": "stride", "label": "stride", "value": [1, 1], "text": "1"},
            {"name": "padding", "label": "padding", "value": [0, 0], "text": "0"},
            {"name": "dilation", "label": "dilation", "value": [1, 1], "text": "1"},
            {"name": "bias", "label": "bias", "value": 0, "text": "0"},
        ],
        "answer_kind": "grid", "answer_name": "Y", "answer_labels": None,
        "answer_shape": [len(x) - len(k) + 1, len(x[0]) - len(k[0]) + 1],
        "tolerance": 0.01,
        "accepts": "Answer with whole numbers; decimals within ±0.01 count too.",
    }
    assert "answer" not in body


def naive_valid_conv(x: list[list[int]], k: list[list[int]]) -> list[list[int]]:
    kh, kw = len(k), len(k[0])
    return [[sum(x[r + i][c + j] * k[i][j] for i in range(kh) for j in range(kw))
             for c in range(len(x[0]) - kw + 1)] for r in range(len(x) - kh + 1)]


def test_solution_is_the_answer_key_and_the_steps(client: TestClient) -> None:
    givens = client.get(f"/api/exercises/{ID}").json()["givens"]
    body = client.get(f"/api/exercises/{ID}/solution").json()
    expected = naive_valid_conv(givens[0]["value"], givens[1]["value"])
    assert body["id"] == ID
    assert body["answer"] == expected           # JSON integers, not 52.0
    assert body["answer_text"] == [[str(v) for v in row] for row in expected]
    assert body["steps"][0].startswith("Output size: o = ⌊(")
    assert body["steps"][1].startswith("Y[1, 1] = ")
    assert body["steps"][1].endswith(f"= {expected[0][0]}".replace("-", "−"))
    assert len(body["steps"]) == 1 + sum(map(len, expected))


@pytest.mark.parametrize("kind", list(TYPES))
def test_the_solution_scores_one_and_a_perturbed_answer_less(client: TestClient,
                                                              kind: str) -> None:
    for level in (1, 2, 3):
        eid = f"{kind}.{level}.{level * 11}.v1"
        solution = client.get(f"/api/exercises/{eid}/solution").json()
        for form in ("answer", "answer_text"):
            graded = client.post(f"/api/exercises/{eid}/check",
                                 json={"answer": solution[form]}).json()
            assert (graded["status"], graded["score"]) == ("correct", 1.0), (eid, form)
            assert all(f["correct"] for f in graded["feedback"])
        answer = solution["answer"]
        if isinstance(answer, list) and isinstance(answer[0], list):
            answer[-1][0] = answer[-1][0] + 1
            wrong_index = [len(answer) - 1, 0]
        elif isinstance(answer, list):
            answer[0] += 1
            wrong_index = [0]
        else:
            answer, wrong_index = answer + 1, []
        graded = client.post(f"/api/exercises/{eid}/check", json={"answer": answer}).json()
        assert graded["score"] < 1 and graded["status"] in ("partial", "incorrect")
        flagged = [f["index"] for f in graded["feedback"] if not f["correct"]]
        assert flagged == [wrong_index], eid


def test_check_reports_cells_and_labels(client: TestClient) -> None:
    eid = "conv-size.2.3.v1"
    height, width = client.get(f"/api/exercises/{eid}/solution").json()["answer"]
    body = client.post(f"/api/exercises/{eid}/check", json={"answer": [height, width + 1]})
    assert body.json() == {
        "id": eid, "status": "partial", "score": 0.5, "right": 1, "total": 2,
        "cells": [True, False],
        "feedback": [{"index": [0], "label": "height", "correct": True},
                     {"index": [1], "label": "width", "correct": False}],
        "format_errors": [], "message": "1 of 2 right (credit 0.50).", "mistakes": [],
    }


def test_fractions_are_accepted(client: TestClient) -> None:
    for seed in range(200):   # find an average-pooling exercise with a fractional answer
        eid = f"pool-output.3.{seed}.v1"
        texts = client.get(f"/api/exercises/{eid}/solution").json()["answer_text"]
        if any("/" in t for row in texts for t in row):
            break
    else:
        pytest.fail("no average pooling with a fraction in 200 seeds")
    graded = client.post(f"/api/exercises/{eid}/check", json={"answer": texts}).json()
    assert graded["status"] == "correct"


@pytest.mark.parametrize(("answer", "errors"), [
    ([[1, "abc"]], [{"index": [], "given": "a list", "msg": "expected a 2×2 grid (2 rows of "
                    "2 numbers), got a 1×2 grid"}]),
    ([[1, 2], [3]], [{"index": [], "given": "a list", "msg": "expected a 2×2 grid (2 rows of "
                      "2 numbers): the lists at nesting level 2 differ in length ([1, 2])"}]),
    ([[1, "abc"], ["1/0", True]], [
        {"index": [0, 1], "given": "abc", "msg": "'abc' is not a number: write e.g. 3, -2, "
                                                 "1.5 or 15/9"},
        {"index": [1, 0], "given": "1/0", "msg": "'1/0' divides by zero"},
        {"index": [1, 1], "given": "true", "msg": "true is not a number"}]),
    (None, [{"index": [], "given": "null", "msg": "expected a 2×2 grid (2 rows of 2 "
                                                  "numbers): got null where a list belongs "
                                                  "(nesting level 1)"}]),
])
def test_malformed_answers_are_format_errors(client: TestClient, answer: Any,
                                             errors: list[dict[str, Any]]) -> None:
    eid = "pool-output.1.0.v1"
    response = client.post(f"/api/exercises/{eid}/check", json={"answer": answer})
    assert response.status_code == 200
    assert response.json() == {
        "id": eid, "status": "format_error", "score": None, "right": 0, "total": 4,
        "cells": None, "feedback": [], "format_errors": errors,
        "message": "The answer could not be read: fix the format (this costs no attempt).",
        "mistakes": [],
    }


@pytest.mark.parametrize(("path", "status", "words"), [
    ("/api/exercises/nope", 422, "'nope' is not an exercise id"),
    ("/api/exercises/conv-output.9.1.v1", 422, "difficulty must be 1, 2 or 3, got 9"),
    (f"/api/exercises/conv-output.1.{MAX_SEED + 1}.v1", 422, f"seed must be 0 … {MAX_SEED}"),
    ("/api/exercises/conv-output.1.01.v1", 422, "leading zero"),
    ("/api/exercises/conv-outputs.1.1.v1", 404, "unknown exercise type 'conv-outputs'"),
    ("/api/exercises/conv-output.1.1.v9/solution", 404, "version v1, not v9"),
])
def test_bad_ids_name_the_problem(client: TestClient, path: str, status: int,
                                  words: str) -> None:
    for response in (client.get(path),
                     client.post(path.removesuffix("/solution") + "/check",
                                 json={"answer": 1})):
        assert response.status_code == status
        detail = response.json()["detail"]
        assert detail[0]["loc"] == ["path", "exercise_id"]
        assert words in detail[0]["msg"] and detail[0]["msg"].startswith("exercise_id: ")


def test_check_needs_an_answer_field(client: TestClient) -> None:
    response = client.post(f"/api/exercises/{ID}/check", json={"answr": 1})
    assert response.status_code == 422
    assert {tuple(d["loc"]) for d in response.json()["detail"]} == {
        ("body", "answer"), ("body", "answr")}


def test_post_generates_a_reproducible_worksheet(client: TestClient) -> None:
    body = {"type": "transposed-output", "difficulty": 2, "seed": 40, "count": 3}
    first = client.post("/api/exercises", json=body).json()
    assert first["count"] == 3
    assert [e["id"] for e in first["exercises"]] == [
        "transposed-output.2.40.v2", "transposed-output.2.41.v2", "transposed-output.2.42.v2"]
    assert client.post("/api/exercises", json=body).json() == first
    assert first["exercises"][1] == client.get("/api/exercises/transposed-output.2.41.v2").json()
    mixed = client.post("/api/exercises", json={"count": len(TYPES)}).json()
    assert [e["type"] for e in mixed["exercises"]] == list(TYPES)


@pytest.mark.parametrize(("body", "loc", "words"), [
    ({"count": 201}, ["body", "count"], "less than or equal to 200"),
    ({"count": 0}, ["body", "count"], "greater than or equal to 1"),
    ({"difficulty": 4}, ["body", "difficulty"], "less than or equal to 3"),
    ({"seed": -1}, ["body", "seed"], "greater than or equal to 0"),
    ({"seed": MAX_SEED + 1}, ["body", "seed"], f"less than or equal to {MAX_SEED}"),
    ({"type": "conv"}, ["body", "type"], "'conv-size'"),
    ({"count": "3"}, ["body", "count"], "integer"),
    ({"colour": 1}, ["body", "colour"], "Extra inputs"),
])
def test_bad_worksheet_requests_are_422_naming_the_field(client: TestClient, body: dict,
                                                         loc: list[str], words: str) -> None:
    response = client.post("/api/exercises", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == loc and words in detail["msg"]


def test_types_lists_every_type_with_its_levels(client: TestClient) -> None:
    body = client.get("/api/exercises/types").json()
    assert body["id_format"] == "<type>.<difficulty>.<seed>.v<version>"
    assert body["seed_range"] == [0, MAX_SEED] and body["max_count"] == 200
    assert body["difficulties"] == [1, 2, 3]
    assert body["formats"] == ["json", "markdown", "moodle", "gift", "qti"]
    assert [t["type"] for t in body["types"]] == list(TYPES)
    conv = next(t for t in body["types"] if t["type"] == "conv-output")
    assert conv["answer_kind"] == "grid" and conv["version"] == 1
    assert [lv["level"] for lv in conv["levels"]] == [1, 2, 3]
    for t in body["types"]:
        assert client.get(f"/api/exercises/{t['example_id']}").status_code == 200


@pytest.mark.parametrize(("format", "media", "extension"), [
    ("json", "application/json", "json"), ("markdown", "text/markdown; charset=utf-8", "md"),
    ("moodle", "application/xml", "xml"), ("gift", "text/plain; charset=utf-8", "gift.txt"),
])
def test_export_sets_type_and_filename(client: TestClient, format: str, media: str,
                                       extension: str) -> None:
    response = client.get("/api/exercises/export",
                          params={"format": format, "count": 50, "seed": 9, "difficulty": 3})
    assert response.status_code == 200
    assert response.headers["content-type"] == media
    assert response.headers["content-disposition"] == (
        f'attachment; filename="convviz-mixed-d3-s9-n50.{extension}"')
    if format == "json":
        body = response.json()
        assert body["count"] == 50 and body["answers"] is False
        assert "solution" not in body["exercises"][0]
    elif format == "moodle":
        quiz = ET.fromstring(response.content)
        assert len([q for q in quiz if q.get("type") != "category"]) == 50
    elif format == "markdown":  # a student sheet: no ids unless asked for
        assert "conv-size.3.9.v2" not in response.text and "Output size" in response.text
        asked = client.get("/api/exercises/export", params={
            "format": format, "count": 50, "seed": 9, "difficulty": 3, "ids": "true"}).text
        assert "conv-size.3.9.v2" in asked
    else:
        assert "conv-size.3.9.v2" in response.text


def test_export_of_one_type_with_answers(client: TestClient) -> None:
    response = client.get("/api/exercises/export", params={
        "format": "json", "type": "c-row", "count": 2, "answers": "true"})
    body = response.json()
    assert response.headers["content-disposition"].endswith('c-row-d1-s0-n2.json"')
    assert [e["id"] for e in body["exercises"]] == ["c-row.1.0.v1", "c-row.1.1.v1"]
    assert body["exercises"][0]["solution"] == client.get(
        "/api/exercises/c-row.1.0.v1/solution").json()
    md = client.get("/api/exercises/export", params={"format": "markdown", "type": "c-row",
                                                      "count": 2, "answers": "true"}).text
    assert "# Answers" in md and re.search(r"^- C\[\d+, 1\] \(X\[1, 1\]\) \$= ", md, re.M)


@pytest.mark.parametrize(("params", "loc", "words"), [
    ({"format": "pdf"}, ["query", "format"], "'json'"),
    ({}, ["query", "format"], "Field required"),
    ({"format": "gift", "count": 201}, ["query", "count"], "less than or equal to 200"),
    ({"format": "gift", "type": "nope"}, ["query", "type"], "'conv-size'"),
    ({"format": "gift", "difficulty": 0}, ["query", "difficulty"], "greater than or equal"),
])
def test_bad_export_parameters_are_422(client: TestClient, params: dict, loc: list[str],
                                       words: str) -> None:
    response = client.get("/api/exercises/export", params=params)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == loc and words in detail["msg"]


def test_the_id_pattern_keeps_types_and_export_apart(client: TestClient) -> None:
    """/api/exercises/types and /export are their own routes: the documented id syntax
    must not admit them, or a client following the schema could read them as ids."""
    import re

    schema = client.get("/openapi.json").json()
    for template in ("/api/exercises/{exercise_id}", "/api/exercises/{exercise_id}/solution",
                     "/api/exercises/{exercise_id}/check"):
        (param,) = [p for ops in schema["paths"][template].values()
                    for p in ops["parameters"] if p["name"] == "exercise_id"]
        pattern = param["schema"]["pattern"]
        assert re.fullmatch(pattern, "conv-output.2.12345.v1")
        assert not re.fullmatch(pattern, "types") and not re.fullmatch(pattern, "export")
    assert "types" in client.get("/api/exercises/types").json()
    response = client.get("/api/exercises/nope.x")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "exercise_id"]


@pytest.mark.parametrize("kind", ["chain-factor", "kernel-tap-grad", "sgd-step"])
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_chain_exercises_export_in_every_format(client: TestClient, kind: str,
                                                difficulty: int) -> None:
    params = {"type": kind, "difficulty": difficulty, "count": 3, "seed": 11, "answers": "true"}
    version = TYPES[kind].version
    keys = [client.get(f"/api/exercises/{kind}.{difficulty}.{seed}.v{version}/solution"
                       ).json()["answer"] for seed in (11, 12, 13)]
    quiz = ET.fromstring(client.get("/api/exercises/export",
                                    params={**params, "format": "moodle"}).content)
    questions = [q for q in quiz if q.get("type") != "category"]
    assert len(questions) == 3
    for q, key in zip(questions, keys):
        answer = q.find("answer")
        assert answer is not None and float(answer.findtext("text") or "nan") == pytest.approx(
            key, abs=1e-9)
    gift = client.get("/api/exercises/export", params={**params, "format": "gift"}).text
    assert gift.count("{#") == 3
    md = client.get("/api/exercises/export", params={**params, "format": "markdown"}).text
    assert "# Answers" in md and md.count(f"{kind}.{difficulty}.") >= 3


def test_the_check_names_a_transposed_grid(client: TestClient) -> None:
    """A key typed as its transpose: graded as it is, with the mistake named."""
    for seed in range(200):
        eid = f"conv-output.2.{seed}.v1"
        key = client.get(f"/api/exercises/{eid}/solution").json()["answer"]
        transposed = [list(column) for column in zip(*key)]
        if transposed != key:
            break
    body = client.post(f"/api/exercises/{eid}/check", json={"answer": transposed}).json()
    assert body["status"] in ("partial", "incorrect")
    assert any("transposed" in m for m in body["mistakes"])
    assert "It looks as if the answer is transposed" in body["message"]


def test_the_qti_export_is_a_zip_to_download(client: TestClient) -> None:
    import io
    import zipfile

    response = client.get("/api/exercises/export?format=qti&type=pool-output&difficulty=2"
                          "&count=3")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].endswith('.qti.zip"')
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == ["imsmanifest.xml", "convviz_quiz/convviz_quiz.xml"]


def test_the_answers_size_can_be_part_of_the_question(client: TestClient) -> None:
    eid = "conv-output.2.5.v1"
    shown = client.get(f"/api/exercises/{eid}").json()
    hidden = client.get(f"/api/exercises/{eid}", params={"hide_shape": "true"}).json()
    assert shown["answer_shape"] and hidden["answer_shape"] is None
    assert "size is part of the question" in hidden["prompt"]
    listed = client.post("/api/exercises", json={"type": "conv-output", "difficulty": 2,
                                                 "seed": 5, "hide_shape": True}).json()
    assert listed["exercises"][0]["answer_shape"] is None
    wrong_size = [[1, 2, 3, 4, 5]]
    told = client.post(f"/api/exercises/{eid}/check", json={"answer": wrong_size}).json()
    assert "expected a" in told["format_errors"][0]["msg"]  # the size is given away
    kept = client.post(f"/api/exercises/{eid}/check",
                       json={"answer": wrong_size, "hide_shape": True}).json()
    assert kept["status"] == "incorrect" and kept["score"] == 0
    assert "not the size of the answer" in kept["message"]
    assert str(shown["answer_shape"][0]) not in kept["message"].replace("1×5", "")
