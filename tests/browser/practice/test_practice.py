"""The practice page as a student uses it, in a real Chromium.

The expected answers come from the API (``GET /api/exercises/{id}/solution``,
read here with urllib), never from the page; the page is judged by the marks
and numbers it shows, and by the lab it links to.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from engine.exercises import TYPES
from tests.browser.conftest import shot, wait_ready

MINUS = "\u2212"
FEEDBACK = "[data-feedback]"
LAB_OUTPUT = '[data-stage="output"] .grid .cell .v'


def api(server: str, path: str) -> Any:
    with urllib.request.urlopen(server + path, timeout=10) as response:
        return json.loads(response.read())


def shown(value: float) -> str:
    """A number as the lab's cells show it: integers with a real minus sign."""
    assert float(value).is_integer(), value
    return f"{MINUS}{abs(int(value))}" if value < 0 else str(int(value))


def field(page: Page, *index: int) -> Any:
    return page.locator(f'[data-a="fields"] input[data-index="{",".join(map(str, index))}"]')


@pytest.fixture
def practice(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/practice")
    expect(page.locator('[data-pick="id"]')).to_have_text(re.compile(r"^conv-output\.1\.\d+\.v1$"))
    yield page
    assert errors == [], errors


def choose(page: Page, type_: str, difficulty: int, seed: int) -> str:
    """Pick an exercise with the picker, as a user does; its id as the page shows it."""
    page.select_option('[data-pick="type"]', type_)
    page.check(f'[data-pick="difficulty"][value="{difficulty}"]')
    page.fill('[data-pick="seed"]', str(seed))
    page.click('[data-action="get"]')
    exercise_id = f"{type_}.{difficulty}.{seed}.v{TYPES[type_].version}"
    expect(page.locator('[data-pick="id"]')).to_have_text(exercise_id)
    expect(page).to_have_url(re.compile(rf"/practice\?id={re.escape(exercise_id)}$"))
    return exercise_id


def test_a_grid_exercise_end_to_end_with_one_wrong_cell_first(practice: Page, server: str) -> None:
    page = practice
    exercise_id = choose(page, "conv-output", 1, 7)
    exercise = api(server, f"/api/exercises/{exercise_id}")
    given = {g["name"]: g["value"] for g in exercise["givens"]}
    # The givens as the page shows them: X and K cell by cell, the stride as text.
    x_cells = page.locator('[data-given="input"] .cell .v')
    expect(x_cells).to_have_text([shown(v) for row in given["input"] for v in row])
    expect(page.locator('[data-given="kernel"] .cell .v')).to_have_text(
        [shown(v) for row in given["kernel"] for v in row])
    expect(page.locator('dd[data-given="stride"]')).to_have_text("1")
    expect(page.locator('[data-q="prompt"]')).to_have_text(
        f"{exercise['prompt']} {exercise['accepts']}")

    answer = api(server, f"/api/exercises/{exercise_id}/solution")["answer"]
    rows, cols = len(answer), len(answer[0])
    assert (rows, cols) == tuple(exercise["answer_shape"])
    texts = [[shown(v) for v in row] for row in answer]
    texts[0][0] = f"{answer[0][0] * 3}/3"   # a fraction is read as its value
    wrong = (1, 1)
    texts[1][1] = str(answer[1][1] + 1)     # one deliberately wrong cell
    # Type it with the keyboard: Enter moves to the next field, row by row.
    field(page, 0, 0).click()
    for r in range(rows):
        for c in range(cols):
            page.keyboard.type(texts[r][c])
            page.keyboard.press("Enter")
    expect(page.locator('[data-action="check"]')).to_be_focused()
    page.keyboard.press("Control+Enter")
    feedback = page.locator(FEEDBACK)
    expect(feedback).to_have_attribute("data-status", "partial")
    expect(field(page, *wrong)).to_have_class(re.compile(r"\bwrong\b"))
    expect(page.locator("input.answer-cell.wrong")).to_have_count(1)
    expect(page.locator("input.answer-cell.right")).to_have_count(rows * cols - 1)
    score = float(page.locator('[data-f="score"]').get_attribute("data-score") or "nan")
    assert score < 1
    expect(page.locator('[data-f="score"]')).to_have_text(f"Score {round(100 * score)} %")
    expect(page.locator('[data-f="message"]')).to_have_text(
        f"{rows * cols - 1} of {rows * cols} right (credit {score:.2f}).")
    shot(page, "practice-one-wrong")

    # Fix it: every cell right, score 1.
    field(page, *wrong).fill(shown(answer[1][1]))
    page.click('[data-action="check"]')
    expect(feedback).to_have_attribute("data-status", "correct")
    expect(page.locator('[data-f="score"]')).to_have_attribute("data-score", "1")
    expect(page.locator("input.answer-cell.right")).to_have_count(rows * cols)

    # A malformed entry: not graded, the field itself carries the reason.
    field(page, 0, 2).fill("4x")
    page.keyboard.press("Control+Enter")
    expect(feedback).to_have_attribute("data-status", "format_error")
    bad = field(page, 0, 2)
    expect(bad).to_have_class(re.compile(r"\binvalid\b"))
    expect(bad).to_have_attribute("aria-invalid", "true")
    reason = page.locator("#" + (bad.get_attribute("aria-describedby") or "missing"))
    expect(reason).to_contain_text("Y[1, 3]")  # field (0, 2), named from 1
    expect(reason).to_contain_text("'4x' is not a number")
    # Said once: "Not graded", and the server's message says what to do.
    expect(page.locator('[data-f="score"]')).to_have_text("Not graded")
    expect(page.locator('[data-f="message"]')).to_contain_text("costs no attempt")
    expect(page.locator("input.answer-cell.invalid")).to_have_count(1)
    shot(page, "practice-format-error")

    # A reload keeps the typed answer (drafts per id), malformed cell included.
    page.reload()
    expect(page.locator('[data-pick="id"]')).to_have_text(exercise_id)
    expect(field(page, 0, 2)).to_have_value("4x")
    expect(field(page, 0, 0)).to_have_value(texts[0][0])
    expect(field(page, 1, 1)).to_have_value(shown(answer[1][1]))
    field(page, 0, 2).fill(shown(answer[0][2]))

    # The worked solution: the server's steps, the answer grid, the link into the lab.
    page.click('[data-action="solution"]')
    steps = api(server, f"/api/exercises/{exercise_id}/solution")["steps"]
    expect(page.locator('[data-s="steps"] li')).to_have_text(steps)
    expect(page.locator('[data-s="answer"] .cell .v')).to_have_text(
        [shown(v) for row in answer for v in row])
    shot(page, "practice-solution")
    page.click('[data-s="links"] a[data-watch="0"]')
    expect(page).to_have_url(re.compile(r"/\?input="))
    wait_ready(page)
    expect(page.locator(LAB_OUTPUT)).to_have_text([shown(v) for row in answer for v in row])
    x = given["input"]
    for r, c in [(0, 0), (len(x) - 1, len(x[0]) - 1), (2, 1)]:
        expect(page.locator(f'[data-editor="input"] input[data-b="0"][data-s="0"]'
                            f'[data-r="{r}"][data-c="{c}"]')).to_have_value(str(x[r][c]))
    shot(page, "practice-watch-in-lab")


def test_a_cell_exercise_with_channels_links_to_its_very_step(practice: Page, server: str) -> None:
    page = practice
    exercise_id = choose(page, "conv-cell", 3, 5)
    exercise = api(server, f"/api/exercises/{exercise_id}")
    solution = api(server, f"/api/exercises/{exercise_id}/solution")
    # Two channels: X[0] and X[1] as two grids.
    expect(page.locator('[data-given="input"] figcaption')).to_have_text(["X[0]", "X[1]"])
    bias = next(g for g in exercise["givens"] if g["name"] == "bias")
    expect(page.locator('dd[data-given="bias"]')).to_have_text(bias["text"])
    one = page.locator('[data-a="fields"] input.answer-cell')
    expect(one).to_have_count(1)
    expect(one).to_have_attribute("aria-label", exercise["answer_name"])
    one.fill(shown(solution["answer"]))
    page.keyboard.press("Control+Enter")
    expect(page.locator(FEEDBACK)).to_have_attribute("data-status", "correct")
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("s")  # the solution, from the keyboard
    expect(page.locator('[data-s="steps"] li')).to_have_text(solution["steps"])
    page.click('[data-s="links"] a[data-watch="0"]')
    wait_ready(page)
    # The lab stands on the very step of that cell: its value is the answer.
    row, col = next(g["value"] for g in exercise["givens"] if g["name"] == "cell")
    current = page.locator('[data-stage="output"] .cell.current')
    expect(current.locator(".v")).to_have_text(shown(solution["answer"]))
    expect(current).to_have_attribute("data-r", str(row))
    expect(current).to_have_attribute("data-c", str(col))


def test_vector_answers_arrows_new_seeds_and_bad_ids(practice: Page, server: str) -> None:
    page = practice
    exercise_id = choose(page, "conv-size", 2, 11)
    exercise = api(server, f"/api/exercises/{exercise_id}")
    expect(page.locator(".answer-label")).to_have_text(exercise["answer_labels"])
    solution = api(server, f"/api/exercises/{exercise_id}/solution")["answer"]
    field(page, 0).fill(str(solution[0]))
    field(page, 0).press("ArrowRight")  # caret at the end: on to the width
    expect(field(page, 1)).to_be_focused()
    page.keyboard.type(str(solution[1] + 2))
    page.keyboard.press("Control+Enter")
    expect(page.locator(FEEDBACK)).to_have_attribute("data-status", "partial")
    expect(field(page, 0)).to_have_class(re.compile(r"\bright\b"))
    expect(field(page, 1)).to_have_class(re.compile(r"\bwrong\b"))
    # A new exercise: a fresh seed, the same type and level, in the URL.
    page.click('[data-action="new"]')
    expect(page.locator('[data-pick="id"]')).not_to_have_text(exercise_id)
    expect(page.locator('[data-pick="id"]')).to_have_text(re.compile(r"^conv-size\.2\.\d+\.v2$"))
    expect(field(page, 0)).to_have_value("")
    # Back returns to the exercise before, with its draft; Forward to the new one.
    fresh = page.locator('[data-pick="id"]').text_content()
    page.go_back()
    expect(page.locator('[data-pick="id"]')).to_have_text(exercise_id)
    expect(field(page, 0)).to_have_value(str(solution[0]))
    page.go_forward()
    expect(page.locator('[data-pick="id"]')).to_have_text(fresh or "")
    # A seed that is not one is refused next to the seed field, the exercise stays.
    page.fill('[data-pick="seed"]', "12a")
    page.click('[data-action="get"]')
    expect(page.locator('[data-pick="error"]')).to_contain_text("whole number")
    expect(page.locator('[data-pick="seed"]')).to_have_attribute("aria-invalid", "true")
    # A link to an unknown id says so next to the picker.
    page.goto(server + "/practice?id=conv-size.9.1.v1")
    expect(page.locator('[data-pick="error"]')).not_to_be_empty()
    expect(page.locator('[data-q="title"]')).to_have_text("No exercise loaded")  # not "Loading…"
    page.goto(server + "/practice?id=" + exercise_id)
    expect(field(page, 0)).to_have_value(str(solution[0]))  # the draft of that id
    page.click('[data-action="present"]')
    expect(page.locator("body")).to_have_class(re.compile(r"\bpresent\b"))
    shot(page, "practice-present")


def test_a_seed_being_typed_survives_a_late_answer(practice: Page, server: str) -> None:
    """Answers for the type and level picked a moment ago arrive while the seed is being
    typed: they must not put the old seed back in the field."""
    import time

    def slow(route: Any) -> None:
        time.sleep(0.4)
        route.continue_()

    practice.route(re.compile(r"/api/exercises/[a-z-]+\.\d\.\d+\.v\d+$"), slow)
    practice.select_option('[data-pick="type"]', "conv-cell")
    practice.check('[data-pick="difficulty"][value="2"]')
    practice.fill('[data-pick="seed"]', "77")
    practice.wait_for_timeout(900)  # both earlier answers have landed by now
    expect(practice.locator('[data-pick="seed"]')).to_have_value("77")
    practice.click('[data-action="get"]')
    expect(practice.locator('[data-pick="id"]')).to_have_text("conv-cell.2.77.v2")


def test_a_worksheet_of_the_current_exercise_downloads_as_a_file(practice: Page) -> None:
    page = practice
    exercise_id = choose(page, "conv-output", 2, 40)
    page.fill('[data-ws="count"]', "3")
    page.select_option('[data-ws="format"]', "markdown")
    page.check('[data-ws="answers"]')
    with page.expect_download() as info:
        page.click('[data-ws="download"]')
    download = info.value
    assert download.suggested_filename == "convviz-conv-output-d2-s40-n3.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert exercise_id in text and "conv-output.2.42.v1" in text  # seeds 40, 41, 42
    assert "conv-output.2.43.v1" not in text
    # A count out of range is refused next to the field, and there is nothing to download.
    page.fill('[data-ws="count"]', "0")
    expect(page.locator('[data-ws="error"]')).to_contain_text("1 … 200")
    expect(page.locator('[data-ws="download"]')).to_have_attribute("aria-disabled", "true")


def test_the_solution_writes_the_answer_as_its_steps_do(page: Page, server: str) -> None:
    """An average's 15/4 is 15/4 in the worked steps and in the answer grid (not 3.75
    beside 15/4); positions in the steps count from 1 (Y[1, 1] is the first cell)."""
    exercise_id = "pool-output.2.0.v1"
    page.goto(server + "/practice?id=" + exercise_id)
    expect(page.locator('[data-pick="id"]')).to_have_text(exercise_id)
    page.click('[data-action="solution"]')
    key = api(server, f"/api/exercises/{exercise_id}/solution")
    texts = [t.replace("-", "−") for row in key["answer_text"] for t in row]
    assert "15/4" in texts  # the case this test is about: a fraction
    expect(page.locator('[data-s="answer"] .cell .v')).to_have_text(texts)
    expect(page.locator('[data-s="steps"] li').nth(1)).to_contain_text("Y[1, 1] = ")
    expect(page.locator('[data-s="steps"] li').nth(1)).to_contain_text("= 15/4")
    # Each steps line names a cell counting from 1: none says Y[0, …].
    assert not [t for t in page.locator('[data-s="steps"] li').all_text_contents() if "[0," in t]
