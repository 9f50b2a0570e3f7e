"""The backward page (/backward) as a user drives it, in a real Chromium.

Deck 001: x = 1 … 9 (3×3), W = [[1, 2], [3, 4]], true convolution, so the
applied kernel is the rotation [[4, 3], [2, 1]]. With ΔY all ones:
ΔX = Cᵀ·1 is the sum of the rotated kernel laid over the four windows,
ΔW[w] = Σ over the windows of the input cell weight w meets, Δb = Σ ΔY.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import torch
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


def test_with_padding_the_names_and_the_numbers_of_dw_match_term_by_term(bw: Page) -> None:
    bw.locator("[data-symbolic]").check()
    for axis in ("h", "w"):
        bw.locator(f'[data-param="padding.{axis}"]').fill("1")
    expect(bw.locator("[data-player=counter]")).to_have_text("Step 1 of 20")  # 16 δy, 4 δw
    to_end(bw)
    names = bw.locator(f'{LINES} p[data-label="δw₂₂"]')
    numbers = bw.locator(f'{LINES} p[data-label="δw₂₂"] + p')
    # δw₂₂ meets x over the 4 × 4 ΔY; 7 of those 16 taps read padding: 9 terms each.
    named = (names.text_content() or "").split("=", 1)[1].split(" + ")
    expect(numbers).to_contain_text("(and 7 padding taps reading 0)")
    numbered = (numbers.text_content() or "").split("(and")[0].strip(" =").split("=")[0]
    assert len(named) == len(numbered.split(" + ")) == 9


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


# ---- hover and pin links (deck 001, ΔY all ones) -------------------------------------

def test_hover_links_dx_dy_and_dw_cells_and_a_click_pins(bw: Page) -> None:
    # δx₂₂ is fed by every ΔY cell, each through the weight (as entered) that lands on it.
    bw.locator('[data-view="dx"] .cell[data-r="1"][data-c="1"]').hover()
    expect(bw.locator('[data-view="dy"] .cell.linked .k')).to_have_text(["×1", "×2", "×3", "×4"])
    expect(bw.locator('[data-view="kernel"] .cell.focus')).to_have_count(4)
    expect(bw.locator(LINES)).to_have_text("δx₂₂ = 1·1 + 1·2 + 1·3 + 1·4 = 10")
    # δy₁₁ is scattered to x₁₁ x₁₂ x₂₁ x₂₂ with the rotated kernel's weights.
    bw.locator('[data-view="dy"] .cell[data-r="0"][data-c="0"]').hover()
    expect(bw.locator('[data-view="dx"] .cell.linked .k')).to_have_text(["+4", "+3", "+2", "+1"])
    expect(bw.locator('[data-view="dy"] .cell.focus')).to_have_count(1)
    expect(bw.locator(f'{LINES} p').first).to_have_text("δx₁₁ += 1·4 = 4")
    # w₁₁ gathers x₂₂ x₂₃ x₃₂ x₃₃ (true convolution), each times its δy.
    bw.locator('[data-view="dw"] .cell[data-r="0"][data-c="0"]').hover()
    expect(bw.locator('[data-view="input"] .cell.tap .v')).to_have_text(["5", "6", "8", "9"])
    expect(bw.locator('[data-view="input"] .cell.tap .k')).to_have_text(["×1"] * 4)
    expect(bw.locator(LINES)).to_have_text("δw₁₁ = 1·5 + 1·6 + 1·8 + 1·9 = 28")
    # A click pins δw₁₁; leaving the maps keeps it; Esc unpins back to step 1.
    bw.locator('[data-view="dw"] .cell[data-r="0"][data-c="0"]').click()
    bw.mouse.move(5, 5)
    expect(bw.locator(LINES)).to_have_text("δw₁₁ = 1·5 + 1·6 + 1·8 + 1·9 = 28")
    bw.keyboard.press("Escape")
    expect(bw.locator('[data-f="cell"]')).to_have_text("δy₁₁ = 1 scattered back")
    expect(bw.locator('[data-view="input"] .cell.tap .v')).to_have_text(["1", "2", "4", "5"])


# ---- several channels and groups, against PyTorch autograd -----------------------------

X2 = [[[1, 2, 0, -1], [3, 1, 2, 0], [0, -2, 1, 4], [2, 1, 0, 1]],
      [[0, 1, -1, 2], [1, 0, 3, 1], [2, 2, -1, 0], [1, -3, 0, 2]]]
W2 = [[[[1, 2, 0], [0, -1, 1], [2, 0, 1]], [[0, 1, 1], [1, 0, -2], [1, 1, 0]]],
      [[[-1, 0, 2], [1, 1, 0], [0, 3, -1]], [[2, 1, 0], [0, 0, 1], [-1, 2, 1]]]]
DY2 = [[[1, -2], [3, 1]], [[2, 0], [-1, 1]]]


def _m3(chs: Any) -> str:
    return "_".join(";".join(",".join(str(v) for v in row) for row in ch) for ch in chs)


def backward_url(x: Any, w: Any, dy: Any, **params: str) -> str:
    query = f"input={_m3(x)}&kernel={'~'.join(_m3(f) for f in w)}&grad={_m3(dy)}"
    return "/backward?" + query + "".join(f"&{k}={v}" for k, v in params.items())


def torch_grads(x: Any, w: Any, dy: Any, **kw: Any) -> tuple[list[float], ...]:
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.zeros(len(w), dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(xt[None], wt, bt, **kw)[0]
    y.backward(torch.tensor(dy, dtype=torch.float64))  # type: ignore[no-untyped-call]
    grads = (xt.grad, wt.grad, bt.grad)
    return tuple(g.flatten().tolist() for g in grads if g is not None)


def numbers(page: Page, selector: str) -> list[float]:
    return [float(t.replace("−", "-")) for t in page.locator(selector).all_text_contents()]


def test_two_channels_two_filters_stride_2_padding_1_match_torch_autograd(
        page: Page, server: str) -> None:
    dx, dw, db = torch_grads(X2, W2, DY2, stride=2, padding=1)
    page.goto(server + backward_url(X2, W2, DY2, padding="1,1", stride="2,2", step="25"))
    wait_ready(page)
    # 8 ΔX steps (2 × 2 × 2 ΔY cells), then 36 ΔW steps; step 26 ends filter 1's weights.
    expect(page.locator("[data-player=counter]")).to_have_text("Step 26 of 44")
    expect(page.locator('[data-view="dw"] .cell.hidden-v')).to_have_count(0)
    assert numbers(page, DX) == dx  # channel 1 then channel 2, row-major
    assert numbers(page, DW) == dw[:18]  # filter 1's ΔW
    to_end(page)
    expect(page.locator("[data-player=counter]")).to_have_text("Step 44 of 44")
    expect(page.locator('[data-view="dw"] .cell.current')).to_have_count(1)
    assert numbers(page, DW) == dw[18:]  # filter 2's ΔW
    terms = " + ".join(f"(−{-v})" if v < 0 else str(v) for v in DY2[1][0] + DY2[1][1])
    expect(page.locator('[data-view="db"]')).to_contain_text(f"Δb2 = {terms} = {db[1]:g}")
    assert db[0] == 1 - 2 + 3 + 1
    # Every kernel slice of the full convolution: ΔY o → ΔX c for each pair.
    expect(page.locator('[data-view="fc-kernel"] figcaption')).to_have_text(
        ["ΔY 1 → ΔX 1", "ΔY 2 → ΔX 1", "ΔY 1 → ΔX 2", "ΔY 2 → ΔX 2"])
    shot(page, "backward-two-channels-end")


def test_grouped_dw_step_reads_its_groups_input_channel(page: Page, server: str) -> None:
    w = [[W2[0][0]], [W2[1][1]]]  # groups 2: filter 1 reads channel 1, filter 2 channel 2
    dx, dw, _ = torch_grads(X2, w, DY2, stride=2, padding=1, groups=2)
    # Step 22 = ΔW step 14: filter 2's centre weight, which reads x⁽²⁾ at rows/cols 1, 3
    # of the padded frame: input cells (0, 0), (0, 2), (2, 0), (2, 2) of channel 2.
    page.goto(server + backward_url(X2, w, DY2, padding="1,1", stride="2,2", groups="2",
                                    step="21"))
    wait_ready(page)
    expect(page.locator("[data-player=counter]")).to_have_text("Step 22 of 26")
    expect(page.locator('[data-view="input"] .grid[data-ch="0"] .cell.tap')).to_have_count(0)
    taps = page.locator('[data-view="input"] .grid[data-ch="1"] .cell.tap')
    expect(taps.locator(".v")).to_have_text(["0", "−1", "2", "−1"])  # x⁽²⁾ 11 13 31 33
    expect(taps.locator(".k")).to_have_text(["×2", "×0", "×−1", "×1"])  # filter 2's ΔY
    expect(page.locator(LINES)).to_have_text(
        "δw₂₂ (filter 2) = 2·0 + 0·(−1) + (−1)·2 + 1·(−1) = −3")
    assert dw[9 + 4] == -3
    assert numbers(page, DX) == dx
    to_end(page)
    assert numbers(page, DW) == dw[9:]


# ---- large inputs: heatmaps and trace pages fetched on demand ---------------------------

N = 24
XL = [[[((r * 3 + c) % 7) - 3 for c in range(N)] for r in range(N)]]
SOBEL = [[[[1, 0, -1], [2, 0, -2], [1, 0, -1]]]]


def dx_after(steps: int) -> list[list[int]]:
    """ΔX after the first `steps` scatter steps: the gradient of ΔY cut to its first cells."""
    dy = torch.zeros(N * N, dtype=torch.float64)
    dy[:steps] = 1
    dx, _, _ = torch_grads(XL, SOBEL, dy.reshape(1, N, N).tolist(), padding=1)
    return [[int(v) for v in dx[r * N:(r + 1) * N]] for r in range(N)]


def wait_heat(page: Page, view: str, want: list[list[int]]) -> None:
    """Until the view's first heatmap is drawn and shows `want` (its shownValues: Plotly's
    z with the cells painted over since, core/heat-grid.js)."""
    page.wait_for_function(
        "([view, want]) => { const d = document.querySelector(`[data-view=\"${view}\"] .heatmap`);"
        " return Boolean(d && d.data && JSON.stringify(d.shownValues) === want); }",
        arg=[view, json.dumps(want, separators=(",", ":"))])


def test_large_input_draws_heatmaps_and_loads_other_trace_pages(page: Page, server: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + backward_url(XL, SOBEL, [[["1"] * N] * N], padding="1,1", step="400"))
    wait_ready(page)
    expect(page.locator("[data-player=counter]")).to_have_text("Step 401 of 585")
    for view in ("input", "dx", "dy"):
        expect(page.locator(f'[data-view="{view}"] .heatmap')).to_have_count(1)
    expect(page.locator('[data-f="where"]')).to_contain_text("ΔX step 401 of 576")
    wait_heat(page, "dx", dx_after(401))
    shot(page, "backward-large-step-401")
    # Step 1 is on a page the first answer did not bring: it is fetched, then drawn.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Home")
    expect(page.locator('[data-f="where"]')).to_contain_text("ΔX step 1 of 576")
    wait_heat(page, "dx", dx_after(1))
    expect(page.locator(LINES + " p").first).to_have_text("δx₁₁ = 1·0 = 0")
    page.keyboard.press("End")
    expect(page.locator('[data-f="where"]')).to_contain_text("ΔW step 9 of 9")
    wait_heat(page, "dx", dx_after(N * N))
    _, dw, _ = torch_grads(XL, SOBEL, [[[1] * N] * N], padding=1)
    assert numbers(page, DW) == dw
    expect(page.locator('[data-view="db"]')).to_have_text(
        f"Δb = 1 + 1 + 1 + … + 1 ({N * N} terms) = {N * N}")
    assert errors == [], errors
