"""The backward page (/backward) as a user drives it, in a real Chromium.

Deck 001: x = 1 … 9 (3×3), W = [[1, 2], [3, 4]], true convolution, so the
applied kernel is the rotation [[4, 3], [2, 1]]. With ΔY all ones:
ΔX = Cᵀ·1 is the sum of the rotated kernel laid over the four windows,
ΔW[w] = Σ over the windows of the input cell weight w meets, Δb = Σ ΔY.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, wait_ready

DECK = "/backward?preset=matrix-3x3-2x2"
DX = '[data-view="dx"] .cell .v'
DW = '[data-view="dw"] .cell .v'
LINES = '[data-view="formula"] [data-f="lines"]'

# ΔX for ΔY = ones: each cell sums the rotated-kernel weights that cover it.
DX_ONES = [4, 3 + 4, 3,            # δx₁₁ = w₂₂; δx₁₂ = w₂₁ + w₂₂; δx₁₃ = w₂₁
           2 + 4, 1 + 2 + 3 + 4, 1 + 3,   # δx₂₂ = w₁₁ + w₁₂ + w₂₁ + w₂₂
           2, 1 + 2, 1]
# ΔW for ΔY = ones: w₁₁ meets x₂₂, x₂₃, x₃₂, x₃₃ (the kernel is applied rotated).
DW_ONES = [5 + 6 + 8 + 9, 4 + 5 + 7 + 8, 2 + 3 + 5 + 6, 1 + 2 + 4 + 5]


@pytest.fixture
def bw(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + DECK)
    wait_ready(page)
    expect(page.locator("[data-player=counter]")).to_have_text("Step 1 of 8")
    yield page
    assert errors == [], errors


def grad_cell(page: Page, r: int, c: int) -> str:
    return f'[data-editor="grad"] input[data-s="0"][data-r="{r}"][data-c="{c}"]'


def to_end(page: Page) -> None:
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("End")


def test_deck_001_with_ones_gives_the_hand_computed_gradients(bw: Page) -> None:
    # Step 1 scatters δy₁₁ through its window: the rotated kernel lands on the top left.
    expect(bw.locator(DX)).to_have_text(["4", "3", "0", "2", "1", "0", "0", "0", "0"])
    expect(bw.locator('[data-view="dx"] .cell.linked .k')).to_have_text(["+4", "+3", "+2", "+1"])
    to_end(bw)
    expect(bw.locator("[data-player=counter]")).to_have_text("Step 8 of 8")
    expect(bw.locator(DX)).to_have_text([str(v) for v in DX_ONES])
    expect(bw.locator(DW)).to_have_text([str(v) for v in DW_ONES])  # 28 24 16 12
    expect(bw.locator('[data-view="db"]')).to_have_text("Δb = 1 + 1 + 1 + 1 = 4")
    # The last ΔW step: δw₂₂ = 1·1 + 1·2 + 1·4 + 1·5 = 12.
    expect(bw.locator(LINES)).to_have_text("δw₂₂ = 1·1 + 1·2 + 1·4 + 1·5 = 12")
    expect(bw.locator('[data-view="fc-output"] .cell .v')).to_have_text([str(v) for v in DX_ONES])
    shot(bw, "backward-deck-001-end")


def test_dw_fills_in_step_by_step(bw: Page) -> None:
    bw.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(4):
        bw.keyboard.press("ArrowRight")
    expect(bw.locator("[data-player=counter]")).to_have_text("Step 5 of 8")
    # ΔW step 1: only δw₁₁ is shown so far.
    expect(bw.locator('[data-view="dw"] .cell.current .v')).to_have_text("28")
    expect(bw.locator('[data-view="dw"] .cell.hidden-v')).to_have_count(3)
    expect(bw.locator(LINES)).to_have_text("δw₁₁ = 1·5 + 1·6 + 1·8 + 1·9 = 28")
    taps = bw.locator('[data-view="input"] .cell.tap .v')
    expect(taps).to_have_text(["5", "6", "8", "9"])


def test_symbolic_formula_of_dx22_ends_in_dy22_w22(bw: Page) -> None:
    bw.locator("[data-symbolic]").check()
    bw.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(3):
        bw.keyboard.press("ArrowRight")
    expect(bw.locator("[data-player=counter]")).to_have_text("Step 4 of 8")
    expect(bw.locator('[data-f="cell"]')).to_have_text("δy₂₂ = 1 scattered back")
    line = bw.locator(f'{LINES} p[data-label="δx₂₂"]')
    expect(line).to_have_text("δx₂₂ = δy₁₁·w₁₁ + δy₁₂·w₁₂ + δy₂₁·w₂₁ + δy₂₂·w₂₂")
    # The line under it: the same sum with the numbers (w as entered: 1 2 3 4).
    numbers = bw.locator(f'{LINES} p[data-label="δx₂₂"] + p')
    expect(numbers).to_have_text("= 1·1 + 1·2 + 1·3 + 1·4 = 10")
    expect(bw.locator(f'{LINES} p[data-label="δx₃₃"]')).to_have_text("δx₃₃ = δy₂₂·w₁₁")
    expect(bw.locator('[data-view="db"]')).to_have_text("Δb = δy₁₁ + δy₁₂ + δy₂₁ + δy₂₂ = 4")
    shot(bw, "backward-symbolic-step-4")


def test_editing_dy_changes_dx_and_the_url_restores(bw: Page, server: str) -> None:
    bw.locator(grad_cell(bw, 1, 1)).fill("2")  # δy₂₂ = 2: one more rotated kernel on its window
    to_end(bw)
    dx = list(DX_ONES)
    for flat, w in ((4, 4), (5, 3), (7, 2), (8, 1)):  # x₂₂ x₂₃ x₃₂ x₃₃ get 4 3 2 1 more
        dx[flat] += w
    expect(bw.locator(DX)).to_have_text([str(v) for v in dx])  # 4 7 3 / 6 14 7 / 2 5 2
    dw = [DW_ONES[0] + 9, DW_ONES[1] + 8, DW_ONES[2] + 6, DW_ONES[3] + 5]  # + δy₂₂'s x once more
    expect(bw.locator(DW)).to_have_text([str(v) for v in dw])
    expect(bw.locator('[data-view="db"]')).to_have_text("Δb = 1 + 1 + 1 + 2 = 5")
    bw.wait_for_function(
        "() => location.search.includes('step=7') && location.search.includes('grad=')")
    fresh = bw.context.new_page()
    fresh.goto(bw.url)
    wait_ready(fresh)
    expect(fresh.locator("[data-player=counter]")).to_have_text("Step 8 of 8")
    expect(fresh.locator(grad_cell(fresh, 1, 1))).to_have_value("2")
    expect(fresh.locator(DX)).to_have_text([str(v) for v in dx])
    fresh.close()


def test_dy_follows_the_output_shape_and_bad_values_are_marked(bw: Page) -> None:
    bw.locator(grad_cell(bw, 0, 0)).fill("3")
    expect(bw.locator('[data-view="db"]')).to_have_text("Δb = 3 + 1 + 1 + 1 = 6")
    bw.locator('[data-param="stride.h"]').fill("2")
    bw.locator('[data-param="stride.w"]').fill("2")
    # Stride 2: a 1×1 output; ΔY keeps the value that still fits.
    expect(bw.locator('[data-editor="grad"] input[data-r]')).to_have_count(1)
    expect(bw.locator(grad_cell(bw, 0, 0))).to_have_value("3")
    expect(bw.locator('[data-view="db"]')).to_have_text("Δb = 3 = 3")
    bw.locator('[data-param="stride.h"]').fill("1")
    bw.locator('[data-param="stride.w"]').fill("1")
    expect(bw.locator('[data-editor="grad"] input[data-r]')).to_have_count(4)
    expect(bw.locator(grad_cell(bw, 0, 0))).to_have_value("3")
    bw.locator(grad_cell(bw, 0, 1)).fill("x")
    expect(bw.locator(grad_cell(bw, 0, 1))).to_have_class("invalid")
    expect(bw.locator('[data-editor="grad"] .errors')).to_contain_text("row 1, column 2")
    expect(bw.locator('[data-editor="grad"] .errors')).to_contain_text("is not a number")
    expect(bw.locator("[data-status]")).to_contain_text("fix the marked fields")
    shot(bw, "backward-bad-dy")
