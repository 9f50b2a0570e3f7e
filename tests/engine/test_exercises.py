"""Exercise ids, reproducibility across processes, grading, and the export formats."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from engine.errors import InputError
from engine.exercises import (
    MAX_SEED,
    TYPES,
    Answer,
    ExerciseId,
    ExerciseIdError,
    exercise,
    generate,
    parse_id,
    worksheet,
)
from engine.exercises.export import Worksheet, public, solution
from engine.exercises.export_gift import escape
from engine.exercises.formats import export
from engine.exercises.grading import NotANumber, check, parse_number

ROOT = Path(__file__).resolve().parents[2]


# --- ids -------------------------------------------------------------------------------

def test_an_id_round_trips_and_names_its_parts() -> None:
    eid = parse_id("conv-output.2.12345.v1")
    assert eid == ExerciseId("conv-output", 2, 12345, 1)
    assert str(eid) == "conv-output.2.12345.v1"
    assert exercise("conv-output.2.12345.v1").id == "conv-output.2.12345.v1"


@pytest.mark.parametrize(("text", "words"), [
    ("conv-output", "not an exercise id"),
    ("conv-output.2.12345", "not an exercise id"),
    ("Conv-Output.2.1.v1", "not an exercise id"),
    ("conv-output.2.-1.v1", "not an exercise id"),
    ("conv-output.2.1.v1 ", "not an exercise id"),
    ("conv-output.4.1.v1", "difficulty must be 1, 2 or 3, got 4"),
    ("conv-output.0.1.v1", "difficulty must be 1, 2 or 3, got 0"),
    ("conv-output.2.007.v1", "leading zero"),
    (f"conv-output.2.{MAX_SEED + 1}.v1", f"seed must be 0 … {MAX_SEED}"),
    ("conv-output.2.1.v0", "version must be at least 1"),
    ("x" * 65, "more than the 64"),
])
def test_malformed_ids_are_refused_naming_the_part(text: str, words: str) -> None:
    with pytest.raises(ExerciseIdError, match=words) as info:
        exercise(text)
    assert info.value.malformed and info.value.field == "exercise_id"


@pytest.mark.parametrize(("text", "words"), [
    ("conv-outputs.2.1.v1", "unknown exercise type 'conv-outputs'"),
    ("conv-output.2.1.v2", "conv-output has generator version v1, not v2"),
])
def test_unknown_types_and_versions_are_not_found(text: str, words: str) -> None:
    with pytest.raises(ExerciseIdError, match=words) as info:
        exercise(text)
    assert not info.value.malformed


def test_generate_and_worksheet_check_their_arguments() -> None:
    with pytest.raises(InputError, match="type: unknown exercise type 'nope'"):
        generate("nope", 1, 0)
    with pytest.raises(InputError, match="difficulty: must be 1, 2 or 3, got 5"):
        generate("conv-size", 5, 0)
    with pytest.raises(InputError, match="count: must be 1 … 200"):
        worksheet(None, 1, 0, 201)
    ids = [e.id for e in worksheet("pool-output", 2, MAX_SEED - 1, 3)]
    assert ids == [f"pool-output.2.{MAX_SEED - 1}.v2", f"pool-output.2.{MAX_SEED}.v2",
                   "pool-output.2.0.v2"]
    mixed = worksheet(None, 3, 10, len(TYPES) + 1)
    assert [e.type for e in mixed] == [*TYPES, next(iter(TYPES))]
    assert [e.seed for e in mixed] == list(range(10, 11 + len(TYPES)))


def test_the_seed_decides_the_exercise() -> None:
    a, b = generate("conv-output", 2, 1), generate("conv-output", 2, 2)
    assert public(a)["givens"] != public(b)["givens"]
    assert public(generate("conv-output", 2, 1)) == public(a)


PROBE = """
import json, sys
from engine.exercises import TYPES, generate
from engine.exercises.export import public, solution
out = {}
for kind in TYPES:
    for level in (1, 2, 3):
        e = generate(kind, level, 987654321 + level)
        out[e.id] = [public(e), solution(e)]
roots = {m.split(".")[0] for m in sys.modules}
web = {"fastapi", "starlette", "pydantic", "orjson", "torch"} & roots
print(json.dumps({"exercises": out, "web": sorted(web)}, sort_keys=True))
"""


def test_exercises_are_the_same_in_another_process() -> None:
    """A fresh interpreter (its own hash seed) draws the very same exercises."""
    env = {"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True, env=env)
    probe = json.loads(done.stdout)
    assert probe["web"] == []   # the exercise engine is pure NumPy too
    theirs = probe["exercises"]
    ours = {}
    for kind in TYPES:
        for level in (1, 2, 3):
            e = generate(kind, level, 987654321 + level)
            ours[e.id] = [public(e), solution(e)]
    assert len(ours) == 3 * len(TYPES)
    # to 10 digits: a key summed by BLAS may differ in its last bit with the thread count
    assert _stable(json.loads(json.dumps(ours, sort_keys=True))) == _stable(theirs)


# What 36 exercises per type hash to: the data each id draws (its givens' values) and its
# answer key. An id handed out in a lecture must name the same exercise for ever: a change
# of this hash means a generator draws something else, and its type's version must go up
# (then pin the new hash). The prompt, the worked steps and how a given reads ("Y[1, 3]",
# its `text`) are prose: they may be made clearer, as long as they ask the same question.
# The texts moved to counting from 1 with every hash unchanged: the same exercises. One
# hash per type (the first 16 hex digits), so that a new type adds a pin and changes none.
# Floats are hashed to 10 significant digits (the four types with non-integer keys were
# re-pinned when that rounding came in, on unchanged generators).
FINGERPRINTS = {
    "backward-dw": "ad63e5488e52ea7e", "backward-dx": "a92bf2ea8c3b78cc",
    "chain-factor": "e9aad602accb086f", "kernel-tap-grad": "166c8f1905e7297c",
    "sgd-step": "ce654422e3b26803",
    "c-row": "788a67e57043accc", "conv-cell": "93a7a054fefb6b79",
    "conv-output": "6be2d3957bd40b43", "conv-size": "3bac0d7ad628cc5c",
    "im2col-row": "752584432d5f70dc", "layer-cost": "b5ac4d0903c5c90b",
    "network-shape": "5cc9fd0c81ae5e94", "pool-output": "558725b125854c4f",
    "pool-size": "158abafb96110204", "receptive-field": "e2f492cc76207e7e",
    "same-padding": "ad0c9d9fdb7c9622", "transposed-output": "18a02a2956028471",
    "transposed-size": "6c6270f66bf8418b", "true-conv": "beee6ae8be5d5781",
    "unpool-output": "1f8d764fca9faf2b",
    "causal-padding": "a7df9165deced697", "conv1d-output": "cdfdd92597794aad",
    "conv3d-size": "614b284a9a18ccf1", "stack-receptive-field": "252049986048cfdf",
    # Version 2 (issue 14: no degenerate draws, more variety, levels that do not overlap);
    # the v1 pins above are unchanged: old ids name what they named.
    "backward-dw.v2": "015d09861e03595a", "backward-dx.v2": "8164c1506c6771f7",
    "conv-cell.v2": "d76cd7a0114096c8", "conv-size.v2": "a34acf62a9ef3892",
    "im2col-row.v2": "c03a33c16a75bb51", "pool-output.v2": "8759f3b869087ea7",
    "pool-size.v2": "83dbb7bcb28d82e6", "same-padding.v2": "0033390e24552a63",
    "sgd-step.v2": "1d783a8932d62a73", "transposed-output.v2": "26883a7cb2e95d05",
    "transposed-size.v2": "165c2da9379abc4b", "true-conv.v2": "97658507a2faed6b",
    "chain-factor.v2": "9b4196463ea53201", "kernel-tap-grad.v2": "4f037d9c4547626c",
    "sgd-step.v3": "d9de405be33fd0b7",
}


def _stable(value: object) -> object:
    """``value`` with every float to 10 significant digits: a key computed through libm
    and BLAS differs in its last bits from one CPU to another, the exercise does not."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, list | tuple):
        return [_stable(v) for v in value]
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items()}
    return value


def _digest(kind: str, version: int) -> str:
    digest = hashlib.sha256()
    for level in (1, 2, 3):
        for seed in range(0, 100, 9):
            e = exercise(f"{kind}.{level}.{seed}.v{version}")
            q, key = public(e), solution(e)
            givens = [{k: v for k, v in g.items() if k != "text"} for g in q["givens"]]
            drawn = [q["id"], givens, q["answer_kind"], q["answer_shape"],
                     q["tolerance"], key["answer"], key["answer_text"]]
            digest.update(json.dumps(_stable(drawn), sort_keys=True).encode())
    return digest.hexdigest()[:16]


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_ids_keep_their_exercises_from_release_to_release(kind: str) -> None:
    """Every version of every type: an id handed out by an earlier release still names
    the same exercise (v1 pins are keyed by the type alone)."""
    assert kind in FINGERPRINTS, f"pin the new type {kind}"
    for version in range(1, TYPES[kind].version + 1):
        pin = kind if version == 1 else f"{kind}.v{version}"
        assert pin in FINGERPRINTS, f"pin {pin}: {_digest(kind, version)}"
        assert _digest(kind, version) == FINGERPRINTS[pin], pin


# --- grading ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("15/9", 15 / 9), ("-3/4", -0.75), ("3/-4", -0.75), ("−2", -2.0), (" 1.5 ", 1.5),
    ("1,5", 1.5), (".5", 0.5), ("2e-1", 0.2), (7, 7.0), (2.25, 2.25), ("+4", 4.0),
])
def test_numbers_may_be_fractions_decimals_or_json_numbers(text: object, value: float) -> None:
    assert parse_number(text) == pytest.approx(value, abs=1e-15)


@pytest.mark.parametrize(("text", "words"), [
    ("abc", "is not a number"), ("1/0", "divides by zero"), ("", "is empty"),
    (True, "true is not a number"), (None, "null is not a number"), ([1], "got a list"),
    ({"a": 1}, "got an object"), ("nan", "is not a number"), ("1e999", "too large"),
    (10**400, "too large"), ("1" * 100, "longer than 64"), ("1/2/3", "is not a number"),
])
def test_unreadable_numbers_say_why(text: object, words: str) -> None:
    with pytest.raises(NotANumber, match=words):
        parse_number(text)


GRID = Answer("grid", "Y", np.array([[52.0, -3.0], [15 / 9, 0.25]]))


def test_a_grid_is_graded_cell_by_cell_with_fractions_and_tolerance() -> None:
    grade = check(GRID, [["52", -3], ["15/9", 0.255]], 0.01)
    assert (grade.status, grade.score, grade.right, grade.total) == ("correct", 1.0, 4, 4)
    grade = check(GRID, [[52, 3], [1.67, "1/4"]], 0.01)   # a sign slip, 1.67 within 0.01
    assert grade.status == "partial" and grade.score == 0.75
    assert grade.cells.tolist() == [[True, False], [True, True]]
    grade = check(GRID, [[52, -3], [1.7, 0.25]], 0.01)    # 1.7 is 0.033 away
    assert grade.cells.tolist() == [[True, True], [False, True]]
    assert check(GRID, [[0, 0], [0, 0]], 0.01).status == "incorrect"
    assert check(GRID, [[0, 0], [0, 0]], 0.01).score == 0.0


def test_zero_tolerance_still_accepts_the_exact_fraction() -> None:
    key = Answer("scalar", "Y[0, 0]", np.array(10 / 9))
    assert check(key, "10/9", 0.0).status == "correct"
    assert check(key, "1.111", 0.0).status == "incorrect"


@pytest.mark.parametrize(("given", "index", "words"), [
    ([[52, -3], [1, "x"]], [1, 1], "'x' is not a number"),
    ([[52, -3], [1, None]], [1, 1], "null is not a number"),
    ([[52, -3], [1]], [], "expected a 2×2 grid (2 rows of 2 numbers): the lists at nesting "
                          "level 2 differ in length ([1, 2])"),
    ([[52, -3, 1], [1, 2, 3]], [], "expected a 2×2 grid (2 rows of 2 numbers), got a 2×3 grid"),
    ([52, -3, 1, 2], [], "got a number where a list belongs (nesting level 2)"),
    ([[[52]], [[1]]], [], "got a list where a number belongs (nesting level 3)"),
    ("52 -3 1 2", [], "got text where a list belongs"),
    ({"Y": 1}, [], "got an object where a list belongs"),
])
def test_malformed_grids_are_format_errors_not_wrong_answers(given: object, index: list[int],
                                                             words: str) -> None:
    grade = check(GRID, given, 0.01)
    assert grade.status == "format_error" and grade.score is None and grade.cells is None
    assert list(grade.problems[0].index) == index
    assert words in grade.problems[0].message


def test_a_shape_answer_never_gives_its_values_away_in_a_format_error() -> None:
    key = Answer("vector", "output size", np.array([7.0, 5.0]), labels=("height", "width"))
    grade = check(key, [7, 5, 1], 0)
    assert grade.status == "format_error"
    message = grade.problems[0].message
    assert message == "expected a list of 2 numbers [height, width], got 3 entries"
    assert "7" not in message and "5" not in message
    assert check(key, [7, "5"], 0).status == "correct"
    assert check(key, [7, 6], 0).cells.tolist() == [True, False]


def test_a_hidden_size_is_graded_wrong_not_revealed() -> None:
    key = Answer("grid", "Y", np.zeros((3, 3)), reveal_shape=False)
    grade = check(key, [[0, 0], [0, 0]], 0.01)
    assert grade.status == "incorrect" and grade.score == 0.0
    assert "3" not in grade.message and "2×2" in grade.message
    assert check(key, [[0] * 3] * 3, 0.01).status == "correct"
    assert "3×3" not in check(key, [[0, 0], [0]], 0.01).problems[0].message


def test_scalars_take_one_number() -> None:
    key = Answer("scalar", "Y[1, 2]", np.array(52.0))
    assert check(key, 52, 0.01).status == "correct"
    assert check(key, "52.004", 0.01).status == "correct"
    assert check(key, 51, 0.01).status == "incorrect"
    assert check(key, [52], 0.01).status == "format_error"


@pytest.mark.parametrize("kind", list(TYPES))
def test_every_solution_grades_as_correct_and_a_perturbed_one_does_not(kind: str) -> None:
    for seed in range(30):
        e = generate(kind, 1 + seed % 3, seed)
        sol = solution(e)
        for form in (sol["answer"], sol["answer_text"]):
            grade = check(e.answer, json.loads(json.dumps(form)), e.tolerance)
            assert grade.status == "correct" and grade.score == 1.0, e.id
        wrong = np.array(e.answer.value, dtype=float)
        flat = wrong.reshape(-1)
        cell = seed % flat.size
        flat[cell] += 1
        grade = check(e.answer, wrong.tolist(), e.tolerance)
        if e.answer.credit == "whole":  # right or wrong as a whole
            assert grade.score == 0.0
        else:
            assert grade.score == pytest.approx(expected_credit(e.answer.value, cell))
        assert np.flatnonzero(~grade.cells.reshape(-1)).tolist() == [cell]


def expected_credit(key: np.ndarray, wrong: int) -> float:
    """The policy worked out by hand for one wrong entry: with a repeated background
    value (four entries or more), a wrong informative entry costs 1/n_informative, a
    wrong background entry half of 1/n_background; otherwise each entry counts 1/n."""
    flat = key.reshape(-1).round(9).tolist()
    counts = {v: flat.count(v) for v in flat}
    mode = max(counts, key=counts.__getitem__)
    tied = sum(1 for n in counts.values() if n == counts[mode]) > 1
    if len(flat) < 4 or counts[mode] < 2 or counts[mode] == len(flat) or tied:
        return 1 - 1 / len(flat)
    if flat[wrong] == mode:
        return 1 - 0.5 / counts[mode]
    return 1 - 1 / (len(flat) - counts[mode])


CONSTANT_BOUNDED = ("conv-size", "transposed-size", "pool-size", "same-padding", "conv-output",
                    "transposed-output", "pool-output", "unpool-output",
                    "c-row", "im2col-row", "backward-dx", "backward-dw", "conv1d-output",
                    "conv-cell", "true-conv", "layer-cost", "stack-receptive-field",
                    "conv3d-size", "causal-padding", "network-shape", "chain-factor",
                    "kernel-tap-grad", "sgd-step", "receptive-field")


@pytest.mark.parametrize("kind", CONSTANT_BOUNDED)
def test_no_constant_answer_earns_more_than_a_guess(kind: str) -> None:
    """Over 200 seeds of each level the best constant answer (every value any key holds,
    tried everywhere) earns at most 0.2 on average."""
    for level in (1, 2, 3):
        exercises = [generate(kind, level, seed) for seed in range(200)]
        constants = {0.0, 1.0, -1.0} | {float(v) for e in exercises[:40]
                                        for v in np.unique(e.answer.value)}
        best = 0.0
        for c in constants:
            total = 0.0
            for e in exercises:
                answer = np.full(e.answer.value.shape, c).tolist() if e.answer.value.ndim else c
                total += check(e.answer, answer, e.tolerance).score or 0.0
            best = max(best, total / len(exercises))
        assert best <= 0.2, (kind, level, best)


# --- exports ---------------------------------------------------------------------------

BLANK = re.compile(r"\{(\d+):NUMERICAL:=(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)\}")
SHEET = Worksheet(worksheet(None, 2, 100, 50), None, 2, 100, True)


def test_moodle_xml_is_well_formed_with_categories_and_questions() -> None:
    root = ET.fromstring(export(SHEET, "moodle"))
    assert root.tag == "quiz"
    questions = root.findall("question")
    categories = [q for q in questions if q.get("type") == "category"]
    assert [c.findtext("category/text") for c in categories] == [
        f"$course$/top/convviz/{t}/level-{d}"
        for t, d in dict.fromkeys((e.type, e.difficulty) for e in SHEET.exercises)]
    real = [q for q in questions if q.get("type") != "category"]
    assert len(real) == 50
    by_id = {q.findtext("idnumber"): q for q in real}
    for e in SHEET.exercises:
        q = by_id[e.id]
        text = q.findtext("questiontext/text")
        assert e.prompt.replace("'", "&#x27;").replace('"', "&quot;") in text
        if e.answer.kind == "scalar":
            assert q.get("type") == "numerical"
            assert float(q.findtext("answer/text")) == pytest.approx(float(e.answer.value))
            assert float(q.findtext("answer/tolerance")) == e.tolerance
            assert q.find("answer").get("fraction") == "100"
        else:
            assert q.get("type") == "cloze"
            blanks = BLANK.findall(text)
            assert [float(v) for _, v, _ in blanks] == pytest.approx(
                e.answer.value.reshape(-1).tolist(), abs=1e-9)
            assert {float(t) for _, _, t in blanks} == {e.tolerance}
            marks = [int(w) for w, _, _ in blanks]  # the credit policy, in whole marks
            assert int(q.findtext("defaultgrade")) == sum(marks)
            background = [v == _mode(e.answer.value) for v in e.answer.value.reshape(-1)]
            if len(marks) >= 4 and any(background) and not all(background) and \
                    sum(background) >= 2:
                copied = sum(m for m, b in zip(marks, background) if b)
                assert copied <= 0.2 * sum(marks), e.id  # copying the background: ≤ 0.2
            assert text.count("{") == len(blanks)   # nothing else looks like a Cloze blank
        assert q.findtext("generalfeedback/text").startswith("<ol><li>")


def _mode(key: np.ndarray) -> float | None:
    """The single most common value of a key, None on a tie."""
    flat = key.reshape(-1).round(9).tolist()
    best = max(set(flat), key=flat.count)
    return None if sum(1 for v in set(flat) if flat.count(v) == flat.count(best)) > 1 else best


def test_a_shape_question_in_moodle_shows_two_blanks_not_a_grid() -> None:
    e = generate("conv-size", 2, 5)
    root = ET.fromstring(export(Worksheet([e], "conv-size", 2, 5, False), "moodle"))
    text = root.find("question[@type='cloze']/questiontext/text").text
    assert "<table" not in text
    assert re.findall(r"<p>(height|width): \{1:NUMERICAL:=\d+:0\}</p>", text) == [
        "height", "width"]


GIFT_SPECIAL = r"[~=#{}:\\]"
GIFT_TEXT = rf"(?:[^~=#{{}}:\\\n]|\\{GIFT_SPECIAL})*"
GIFT_NUMERICAL = re.compile(
    rf"::({GIFT_TEXT})::\[html\]({GIFT_TEXT})\{{#(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)"
    rf"(?: ####({GIFT_TEXT}))?\}}")


def test_gift_follows_the_grammar_for_numerical_questions() -> None:
    text = export(SHEET, "gift")
    blocks = [b.strip("\n") for b in text.split("\n\n") if b.strip()]
    questions = [b for b in blocks if not b.startswith(("//", "$CATEGORY:"))]
    assert all(b.startswith("$CATEGORY: $course$/top/convviz/") for b in blocks
               if b.startswith("$"))
    expected = sum(e.answer.value.size for e in SHEET.exercises)
    assert len(questions) == expected
    values = []
    for block in questions:
        match = GIFT_NUMERICAL.fullmatch(block)
        assert match, block[:200]
        values.append(float(match.group(3)))
        assert (match.group(5) or "").startswith("<ol><li>")  # the steps, as feedback
    keys = [v for e in SHEET.exercises for v in e.answer.value.reshape(-1)]
    assert sorted(values) == pytest.approx(sorted(keys), abs=1e-9)


def test_a_gift_grid_asks_one_named_part_per_question_and_no_key_without_answers() -> None:
    e = generate("conv-output", 2, 4)
    text = export(Worksheet([e], None, 2, 4, False), "gift")
    parts = re.findall(r"Part (\d+) of (\d+)\\: give only Y\[(\d), (\d)\]", text)
    assert len(parts) == e.answer.value.size and parts[0][:2] == ("1", str(e.answer.value.size))
    assert "####" not in text


def test_gift_escapes_every_special_character() -> None:
    assert escape("~=#{}:\\") == "\\~\\=\\#\\{\\}\\:\\\\"
    assert escape("a\nb") == "a\\nb"
    e = generate("transposed-output", 1, 0)   # its prompt has a colon
    assert ":" in e.prompt
    assert "conv_transpose2d does\\: each" in export(Worksheet([e], None, 1, 0, False), "gift")


def test_markdown_has_latex_matrices_and_an_optional_answer_key() -> None:
    e = generate("pool-output", 1, 3)
    with_key = export(Worksheet([e], None, 1, 3, True), "markdown")
    without = export(Worksheet([e], None, 1, 3, False), "markdown")
    x = e.given("input")
    assert f"X = \\begin{{bmatrix}} {' & '.join(map(str, x[0]))} \\\\" in without
    assert "# Answers" in with_key and "# Answers" not in without
    assert e.steps[-1] in with_key and e.steps[-1] not in without


def test_markdown_writes_fractions_as_latex() -> None:
    from engine.exercises.export_markdown import latex_number
    assert latex_number(15 / 9) == "\\frac{5}{3}"
    assert latex_number(-0.25) == "-\\frac{1}{4}"


@pytest.mark.parametrize("format", ["json", "markdown", "moodle", "gift"])
def test_a_worksheet_of_50_exports_in_every_format(format: str) -> None:
    body = export(SHEET, format)
    if format == "json":
        assert isinstance(body, dict) and body["count"] == 50
        assert [x["id"] for x in body["exercises"]] == [e.id for e in SHEET.exercises]
        assert all(x["solution"]["answer"] is not None for x in body["exercises"])
    else:
        assert isinstance(body, str)
        assert all(e.id in body for e in SHEET.exercises)


def test_unknown_export_format_is_refused() -> None:
    with pytest.raises(InputError, match="format: must be one of json, markdown"):
        export(SHEET, "pdf")


@pytest.mark.parametrize(("typed", "value"), [("1,5", 1.5), ("-0,25", -0.25), ("3", 3.0),
                                              ("1.234", 1.234), ("15/4", 3.75)])
def test_a_decimal_comma_reads_as_a_point(typed: str, value: float) -> None:
    assert parse_number(typed) == pytest.approx(value)


@pytest.mark.parametrize("typed", ["1,234", "1,234.5", "1,2,3", "12,000"])
def test_a_comma_that_may_separate_thousands_is_a_format_error(typed: str) -> None:
    with pytest.raises(NotANumber, match="ambiguous"):
        parse_number(typed)


def test_every_prompt_says_what_the_answer_takes() -> None:
    """Whole numbers where the key is whole; decimals within the tolerance otherwise, and
    fractions only where the target reads them (not Moodle's or GIFT's numerical boxes)."""
    for kind in TYPES:
        for level in (1, 2, 3):
            e = generate(kind, level, 3)
            said = public(e)["accepts"]
            whole = all(float(v).is_integer() for v in e.answer.value.reshape(-1))
            assert said.startswith("Answer with whole numbers") == whole, (e.id, said)
            if e.tolerance:
                assert f"±{e.tolerance}" in said or whole, (e.id, said)
    sheet = Worksheet([generate("pool-output", 2, s) for s in range(12)], "pool-output", 2,
                      0, True)
    assert "fractions such as" in export(sheet, "markdown")
    for fmt in ("moodle", "gift"):
        text = export(sheet, fmt)
        assert "Answer with" in text and "fractions" not in text, fmt


def test_a_qti_package_imports_with_every_answer_checked_against_the_key() -> None:
    """The zip as Canvas reads it: the manifest names the assessment; each numerical item
    accepts exactly the key's value within the tolerance (its range), worth the marks
    the credit policy gives that entry."""
    import io
    import zipfile

    from engine.exercises.grading import weights

    qti = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
    cp = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
    package = zipfile.ZipFile(io.BytesIO(export(SHEET, "qti")))
    manifest = ET.fromstring(package.read("imsmanifest.xml"))
    resource = manifest.find(f"{cp}resources/{cp}resource")
    assert resource is not None and resource.get("type") == "imsqti_xmlv1p2"
    href = resource.find(f"{cp}file").get("href")
    root = ET.fromstring(package.read(href))
    items = root.findall(f"{qti}assessment/{qti}section/{qti}item")
    assert len(items) == sum(e.answer.value.size for e in SHEET.exercises)
    it = iter(items)
    for e in SHEET.exercises:
        marks = weights(e.answer.value).reshape(-1) if e.answer.value.ndim else [1]
        for value, mark in zip(e.answer.value.reshape(-1), marks):
            item = next(it)
            fields = {f.findtext(f"{qti}fieldlabel"): f.findtext(f"{qti}fieldentry")
                      for f in item.iter(f"{qti}qtimetadatafield")}
            assert fields == {"question_type": "numerical_question",
                              "points_possible": str(int(mark))}
            either = item.find(f".//{qti}conditionvar/{qti}or")
            exact = float(either.findtext(f"{qti}varequal"))
            low = float(either.findtext(f"{qti}and/{qti}vargte"))
            high = float(either.findtext(f"{qti}and/{qti}varlte"))
            assert exact == pytest.approx(float(value), abs=1e-9)
            assert low == pytest.approx(float(value) - e.tolerance, abs=1e-9)
            assert high == pytest.approx(float(value) + e.tolerance, abs=1e-9)
            text = item.findtext(f".//{qti}mattext") or ""
            assert "Answer with" in text and "fractions" not in text
    assert next(it, None) is None


def _setting(e) -> str:
    return json.dumps([g.value for g in e.givens], sort_keys=True)


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_variants_are_sound_varied_and_levels_apart(kind: str) -> None:
    """Issue 14, item 2, over 200 seeds of each level of the current version: no all-zero
    given matrix or answer; a true convolution always differs from the cross-correlation;
    at least 100 distinct exercises; level 2 never draws a level-1 setting."""
    settings = {}
    for level in (1, 2, 3):
        drawn = [generate(kind, level, seed) for seed in range(200)]
        for e in drawn:
            assert e.answer.value.any(), e.id
            for g in e.givens:
                if g.is_matrix:
                    assert np.asarray(g.value, dtype=float).any(), (e.id, g.name)
            if kind == "true-conv":
                assert e.answer.value[0] != e.answer.value[1], e.id
        settings[level] = {_setting(e) for e in drawn}
        assert len(settings[level]) >= 100, (kind, level, len(settings[level]))
    assert not settings[1] & settings[2], kind


def test_a_worksheet_never_repeats_an_exercise() -> None:
    for kind in ("pool-size", "same-padding", "transposed-size", "causal-padding"):
        sheet = worksheet(kind, 1, 1, 60)
        assert len({_setting(e) for e in sheet}) == 60, kind
        assert [e.seed for e in sheet] == sorted(e.seed for e in sheet)  # in seed order


def test_old_ids_still_name_their_exercises_after_a_version_bump() -> None:
    """v1 of a bumped type is served as before (the pins above hold it); v2 is the default."""
    assert TYPES["pool-size"].version == 2
    assert exercise("pool-size.1.1.v1").prompt == exercise("pool-size.1.2.v1").prompt  # as was
    assert generate("pool-size", 1, 1).id == "pool-size.1.1.v2"
