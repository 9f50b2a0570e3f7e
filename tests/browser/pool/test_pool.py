"""The pooling page as a user drives it, in a real Chromium.

Numbers are read from the page's cells. The expected values are deck 004's
pooling applied to the deck's feature map (the bias example's output
[[9, −9, 7], [2, 5, 6], [−7, 9, −10]]), 2×2 windows, stride 1, worked by hand:
max [[9, 7], [9, 9]], mean [[1.75, 2.25], [2.25, 2.5]], min [[−9, −9], [−7, −10]].
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, wait_ready
from tests.browser.lab.test_lab import paste_input

OUT = '[data-p="output"] .grid .cell .v'
FORMULA = '[data-p="formula"] [data-pf="lines"] .eq'


@pytest.fixture
def ppage(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/pool?preset=pool-max")
    wait_ready(page)
    yield page
    assert errors == [], errors


def marked(page: Page, kind: str, cls: str) -> set[tuple[int, int]]:
    return {(int(c.get_attribute("data-r") or -1), int(c.get_attribute("data-c") or -1))
            for c in page.locator(f'[data-p="{kind}"] .cell.{cls}').all()}


def test_deck_004_max_mean_min_read_from_the_cells(ppage: Page) -> None:
    expect(ppage.locator(OUT)).to_have_text(["9", "7", "9", "9"])
    expect(ppage.locator('[data-p="indices"] .cell .v')).to_have_text(["0", "2", "7", "7"])
    ppage.select_option("[data-preset]", "pool-avg")
    expect(ppage.locator(OUT)).to_have_text(["1.75", "2.25", "2.25", "2.5"])
    expect(ppage.locator(FORMULA)).to_have_text("(9 + −9 + 2 + 5) / 4 = 1.75")
    shot(ppage, "pool-avg")
    ppage.select_option("[data-preset]", "pool-min")
    expect(ppage.locator(OUT)).to_have_text(["−9", "−9", "−7", "−10"])
    # The mode switch on the same input.
    ppage.select_option('[data-param="mode"]', "max")
    expect(ppage.locator(OUT)).to_have_text(["9", "7", "9", "9"])


def test_the_winner_is_highlighted_as_the_steps_move(ppage: Page) -> None:
    expect(ppage.locator(FORMULA)).to_have_text("max(9, −9, 2, 5) = 9")
    assert marked(ppage, "input", "win") == {(0, 0)}
    assert marked(ppage, "input", "tap") == {(0, 0), (0, 1), (1, 0), (1, 1)}
    ppage.locator("body").click(position={"x": 5, "y": 5})
    ppage.keyboard.press("ArrowRight")
    expect(ppage.locator("[data-player=counter]")).to_have_text("Step 2 of 4")
    expect(ppage.locator(FORMULA)).to_have_text("max(−9, 7, 5, 6) = 7")
    expect(ppage.locator('[data-p="formula"] .term.win')).to_have_text("7")
    assert marked(ppage, "input", "win") == {(0, 2)}
    ppage.keyboard.press("End")
    # h₂₂: the window [5, 6, 9, −10]; 9 wins at row 3, column 2.
    expect(ppage.locator(FORMULA)).to_have_text("max(5, 6, 9, −10) = 9")
    assert marked(ppage, "input", "win") == {(2, 1)}
    ppage.select_option('[data-param="mode"]', "min")
    expect(ppage.locator(FORMULA)).to_have_text("min(5, 6, 9, −10) = −10")
    assert marked(ppage, "input", "win") == {(2, 2)}
    shot(ppage, "pool-min-last")


def test_unpooling_puts_values_back_at_the_remembered_positions(ppage: Page) -> None:
    # Max positions 0, 2, 7, 7: 9 at (1,1), 7 at (1,3), 9 at (3,2) twice; the rest 0.
    expect(ppage.locator('[data-p="u-output"] .cell .v')).to_have_text(
        ["9", "0", "7", "0", "0", "0", "0", "9", "0"])
    assert marked(ppage, "u-output", "current") == {(0, 0)}
    ppage.locator("body").click(position={"x": 5, "y": 5})
    ppage.keyboard.press("ArrowRight")
    assert marked(ppage, "u-output", "current") == {(0, 2)}
    assert marked(ppage, "u-output", "placed") == {(0, 0)}
    expect(ppage.locator('[data-p="u-step"]')).to_have_text(
        "pooled h₁₂ = 7 → output row 1, column 3")
    ppage.keyboard.press("ArrowRight")
    expect(ppage.locator('[data-p="u-step"]')).to_contain_text("a later value overwrites it")
    shot(ppage, "pool-unpool")
    ppage.select_option('[data-param="mode"]', "avg")
    expect(ppage.locator('[data-p="unpool-note"]')).to_contain_text("choose max")


def test_hover_links_and_a_shared_link_restores_the_demo(ppage: Page) -> None:
    ppage.locator('[data-p="input"] .cell[data-r="1"][data-c="1"]').hover()
    assert marked(ppage, "output", "linked") == {(0, 0), (0, 1), (1, 0), (1, 1)}
    ppage.locator('[data-p="output"] .cell[data-r="1"][data-c="0"]').hover()
    expect(ppage.locator(FORMULA)).to_have_text("max(2, 5, −7, 9) = 9")
    ppage.mouse.move(2, 2)
    ppage.select_option('[data-param="mode"]', "min")
    ppage.locator("body").click(position={"x": 5, "y": 5})
    ppage.keyboard.press("ArrowRight")
    ppage.wait_for_function("() => window.location.search.includes('step=1')")
    fresh = ppage.context.new_page()
    fresh.goto(ppage.url)
    wait_ready(fresh)
    expect(fresh.locator("[data-player=counter]")).to_have_text("Step 2 of 4")
    expect(fresh.locator(OUT)).to_have_text(["−9", "−9", "−7", "−10"])
    expect(fresh.locator('[data-param="mode"]')).to_have_value("min")


def test_bad_values_are_named_next_to_their_field(ppage: Page) -> None:
    ppage.locator('[data-param="kernel_size.h"]').fill("")
    expect(ppage.locator('[data-error-for="kernel_size"]')).to_contain_text("whole number")
    # The server's rule: padding at most half the window.
    ppage.locator('[data-param="kernel_size.h"]').fill("2")
    ppage.locator('[data-param="padding.h"]').fill("2")
    expect(ppage.locator('[data-error-for="padding"]')).to_be_visible()
    shot(ppage, "pool-error")
    ppage.locator('[data-param="padding.h"]').fill("0")
    expect(ppage.locator('[data-error-for="padding"]')).to_be_hidden()
    ppage.locator('[data-editor="input"] input[data-r="0"][data-c="0"]').fill("nine")
    expect(ppage.locator('[data-error-for="input"]')).to_contain_text("not a number")


@pytest.mark.parametrize("mode", ["max", "avg", "min"])
def test_two_channels_ceil_mode_and_padding_match_torch(page: Page, server: str,
                                                        mode: str) -> None:
    """Every pooled cell of both channels equals PyTorch (min as −max_pool2d(−x)) with a
    3×3 window, stride 2, padding 1 and ceil mode; max also its indices."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    x = np.array([[[3, -1, 4, 1, -5], [9, 2, -6, 5, 3], [5, 8, 9, -7, 9], [3, 2, 3, 8, 4]],
                  [[-2, 7, 1, 8, 2], [8, 1, -8, 2, 8], [4, 5, 9, 0, -4], [5, 2, 3, 5, 3]]])
    t = torch.tensor(x, dtype=torch.float64)[None]
    if mode == "avg":
        expected = F.avg_pool2d(t, 3, 2, 1, ceil_mode=True, count_include_pad=False)[0]
    else:
        sign = 1 if mode == "max" else -1
        expected = sign * F.max_pool2d(sign * t, 3, 2, 1, ceil_mode=True)[0]
    rows = "_".join(";".join(",".join(str(v) for v in row) for row in ch) for ch in x)
    page.goto(f"{server}/pool?input={rows}&mode={mode}&k=3,3&stride=2,2&padding=1,1"
              "&ceil=1&cip=0")
    wait_ready(page)
    want = []
    for v in expected.numpy().ravel():
        text = f"{v:.3f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
        want.append(text.replace("-", "−"))
    expect(page.locator(OUT)).to_have_text(want)
    if mode == "max":
        _, indices = F.max_pool2d(t, 3, 2, 1, ceil_mode=True, return_indices=True)
        expect(page.locator('[data-p="indices"] .grid .cell .v')).to_have_text(
            [str(int(i)) for i in indices[0].numpy().ravel()])


def test_a_ceil_mode_average_says_what_its_divisor_counts(page: Page, server: str) -> None:
    """The last window of a 5×5 input, 2×2 windows, ceil mode: it holds one real cell and
    reaches three cells past the input, which the divisor never counts (PyTorch)."""
    page.goto(f"{server}/pool?input=1,5,2,0,3;3,4,8,1,-2;0,2,6,7,1;9,1,3,2,4;2,-5,0,1,6"
              "&ceil=1&mode=avg")
    wait_ready(page)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("End")
    expect(page.locator('[data-p="formula"] [data-pf="lines"] .eq-label')).to_have_text(
        "sum 6, divided by 1 (3 padding or overhang cell(s) not counted)")
    expect(page.locator(".axis-facts").first).to_contain_text("ceil: ⌈3 / 2⌉ = 2")
    # The input is 5 × 5; the frame adds the cells the last windows hang past.
    expect(page.locator('[data-p="input-size"]')).to_have_text("5 × 5, framed to 6 × 6")


def test_unpooling_says_why_not_with_dilation_and_names_its_size(page: Page,
                                                                 server: str) -> None:
    grid = "1,5,2,0,3;3,4,8,1,-2;0,2,6,7,1;9,1,3,2,4;2,-5,0,1,6"
    page.goto(f"{server}/pool?input={grid}&k=2,2&stride=1,1&dilation=2,2")
    wait_ready(page)
    expect(page.locator('[data-p="unpool-note"]')).to_contain_text("no dilation")
    # Ceil mode: back to the input's 5 × 5, where the default would be 6 × 6; the note says so.
    page.goto(f"{server}/pool?input={grid}&k=2,2&stride=2,2&ceil=1")
    wait_ready(page)
    expect(page.locator('[data-p="unpool-note"]')).to_contain_text(
        "Output size 5 × 5, as output_size asks (the default would be")


def test_a_picture_and_its_pooling_are_drawn_in_gray(ppage: Page) -> None:
    paste_input(ppage, "\n".join(" ".join(str((r * 37 + c * 23) % 256) for c in range(8))
                                  for r in range(8)))
    first = '[data-p="input"] .grid .cell[data-r="0"][data-c="0"]'
    expect(ppage.locator(first)).to_have_attribute("style", re.compile(r"rgb\(0, 0, 0\)"))
    # The max of the first 2×2 window (stride 1): 0, 23, 37, 60 → 60, on the same gray scale.
    out = '[data-p="output"] .grid .cell[data-r="0"][data-c="0"]'
    expect(ppage.locator(out + " .v")).to_have_text("60")
    expect(ppage.locator(out)).to_have_attribute("style", re.compile(r"rgb\(60, 60, 60\)"))
