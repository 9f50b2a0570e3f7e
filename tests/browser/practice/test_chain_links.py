"""Chain-rule exercises link into /pipeline, run backwards on the very case: the cell's
chain rule (or the kernel tap's weight-sharing sum) there gives the answer key."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.practice.test_practice import api, choose, practice  # noqa: F401


@pytest.mark.parametrize("kind, level, seed", [("chain-factor", 1, 3), ("chain-factor", 3, 4),
                                               ("kernel-tap-grad", 2, 5), ("sgd-step", 1, 6)])
def test_a_chain_exercise_opens_its_case_backwards_in_the_pipeline(
        practice: Page, server: str, kind: str, level: int, seed: int) -> None:  # noqa: F811
    page = practice
    exercise_id = choose(page, kind, level, seed)
    exercise = api(server, f"/api/exercises/{exercise_id}")
    solution = api(server, f"/api/exercises/{exercise_id}/solution")
    givens = {g["name"]: g["value"] for g in exercise["givens"]}
    page.click('[data-action="solution"]')
    link = page.locator('[data-s="links"] a[data-watch="0"]')
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/pipeline?**")
    expect(page.locator('[data-pipe="strips"]')).to_have_attribute("data-revealed", "all")
    expect(page.locator('[data-pipe="picture-shape"]')).to_have_text(
        f"1 × {len(givens['input'])} × {len(givens['input'][0])}")
    formula = page.locator('[data-pipe="formula"]')
    value = solution["answer"]
    if kind == "sgd-step":  # the page shows the gradient: the step is K − η·(it)
        a, b = givens["tap"]
        value = (givens["kernel"][a][b] - value) / givens["learning_rate"]
    expect(formula).to_contain_text("∂L/∂")
    text = (formula.text_content() or "").rsplit("= ", 1)[1].replace("−", "-")
    assert float(text) == pytest.approx(value, abs=1e-5)
