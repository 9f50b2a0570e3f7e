"""Signal exercises link into /signal, where the very case is animated: the output of a
1-D convolution fills in to the key, a causal layer shows its padding, a stack its
receptive field."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_ready
from tests.browser.practice.test_practice import api, choose, practice  # noqa: F401


@pytest.mark.parametrize("kind, level, seed", [("conv1d-output", 2, 7), ("causal-padding", 3, 7),
                                               ("stack-receptive-field", 1, 7)])
def test_a_signal_solution_opens_its_case_in_the_signal_view(
        practice: Page, server: str, kind: str, level: int, seed: int) -> None:  # noqa: F811
    page = practice
    exercise_id = choose(page, kind, level, seed)
    solution = api(server, f"/api/exercises/{exercise_id}/solution")
    page.click('[data-action="solution"]')
    link = page.locator('[data-s="links"] a[data-watch="0"]')
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url("**/signal?**")
    wait_ready(page)
    if kind == "conv1d-output":
        page.keyboard.press("End")  # every output computed: the strip holds the key
        shown = page.locator(".strip-output .sig-cell").all_text_contents()
        want = [str(int(v)).replace("-", "\u2212") for v in solution["answer"]]
        assert shown == want
    elif kind == "causal-padding":
        left, length, on_padding = solution["answer"]
        expect(page.locator(".strip-input .sig-cell.pad")).to_have_count(int(left))
        expect(page.locator('.axis[data-axis="length"] .axis-size')).to_have_text(str(length))
        assert len(page.locator(".strip-input .sig-cell.tap.pad").all()) == on_padding
    else:
        expect(page.locator('[data-stack="count"]')).to_have_attribute(
            "data-traced", str(int(solution["answer"])))
