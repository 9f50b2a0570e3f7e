"""Pooling exercises link into /pool, where the very case is animated."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_ready
from tests.browser.practice.test_practice import api, choose, practice  # noqa: F401

OUT = '[data-p="output"] .grid .cell .v'
UNPOOLED = '[data-p="u-output"] .cell .v'


def _cells(value: object) -> list[str]:
    flat: list[str] = []

    def walk(v: object) -> None:
        if isinstance(v, list):
            for item in v:
                walk(item)
        else:
            f = float(v)  # type: ignore[arg-type]
            text = str(int(f)) if f.is_integer() else f"{f:.3f}".rstrip("0")
            flat.append(text.replace("-", "\u2212"))

    walk(value)
    return flat


@pytest.mark.parametrize("kind, seed", [("pool-output", 3), ("pool-size", 4),
                                        ("unpool-output", 5)])
def test_a_pooling_solution_opens_its_case_in_the_pooling_view(
        practice: Page, server: str, kind: str, seed: int) -> None:  # noqa: F811
    page = practice
    exercise_id = choose(page, kind, 2, seed)
    exercise = api(server, f"/api/exercises/{exercise_id}")
    solution = api(server, f"/api/exercises/{exercise_id}/solution")
    givens = {g["name"]: g["value"] for g in exercise["givens"]}
    page.click('[data-action="solution"]')
    link = page.locator('[data-s="links"] a[data-watch="0"]')
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/pool?**")
    wait_ready(page)
    expect(page.locator('[data-param="k.h"], [data-param="kernel_size.h"]').first).to_have_value(
        str(givens["kernel_size"][0]))
    if kind == "pool-output":
        expect(page.locator(OUT)).to_have_text(_cells(solution["answer"]))
    elif kind == "pool-size":
        h, w = solution["answer"]
        expect(page.locator(OUT)).to_have_count(h * w)
    else:  # the maxima go back where they were: the nonzero cells are the answer's
        answer = _cells(solution["answer"])
        shown = page.locator(UNPOOLED)
        expect(shown).to_have_count(len(answer))
        placed = [i for i, v in enumerate(shown.all_text_contents()) if v != "0"]
        assert placed == [i for i, v in enumerate(answer) if v != "0"]
