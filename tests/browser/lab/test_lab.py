"""The convolution lab as a user drives it, in a real Chromium.

Every value read here is what the page shows in its cells and panels; the
expected numbers are the lecture decks' (seeds/README.md) or hand arithmetic.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, wait_ready

OUTPUT = '[data-stage="output"] .grid .cell .v'
FORMULA = '[data-stage="formula"] [data-f="lines"]'


def outputs(page: Page) -> list[str]:
    return page.locator(OUTPUT).all_text_contents()


def input_cell(page: Page, r: int, c: int, ch: int = 0) -> str:
    return (f'[data-editor="input"] input[data-b="0"][data-s="{ch}"]'
            f'[data-r="{r}"][data-c="{c}"]')


def load_example(page: Page, example_id: str) -> None:
    page.select_option("[data-preset]", example_id)


def paste_input(page: Page, text: str) -> None:
    """Replace the input as a user pastes a matrix: Text…, the text, Apply text."""
    editor = page.locator('[data-editor="input"]')
    editor.locator('button[data-edit="text"]').click()
    editor.locator('textarea[data-edit="text"]').fill(text)
    editor.locator('button[data-edit="apply"]').click()


def ramp(n: int) -> str:
    """An n × n matrix of small signed integers, as text: (r·n + c) mod 7 − 3."""
    return "\n".join(" ".join(str((r * n + c) % 7 - 3) for c in range(n)) for r in range(n))


def test_stride_3_example_reads_52_54_52_54(lab: Page) -> None:
    load_example(lab, "padding-dilation")
    expect(lab.locator(OUTPUT)).to_have_text(["17", "33", "28", "22"])
    load_example(lab, "stride-3")
    expect(lab.locator(OUTPUT)).to_have_text(["52", "54", "52", "54"])
    expect(lab.locator('[data-stage="output-size"]')).to_have_text("2 × 2")
    # The first step's equation is deck 002's: 3·1 + 2·2 + 7·2 + … = 52.
    expect(lab.locator(FORMULA)).to_have_text(
        "3·1 + 2·2 + 7·2 + 4·2 + 1·1 + 1·2 + 8·2 + 2·2 + 0·1 = 52")
    shot(lab, "stride-3")


def test_keyboard_steps_forward_and_back_through_the_formula(lab: Page) -> None:
    load_example(lab, "stride-3")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 1 of 4")
    lab.locator("body").click(position={"x": 5, "y": 5})
    lab.keyboard.press("ArrowRight")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 2 of 4")
    # h₁₂: the window over columns 4–6 of rows 1–3.
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₁₂")
    expect(lab.locator(FORMULA)).to_have_text(
        "1·1 + 6·2 + 3·2 + 0·2 + 9·1 + 8·2 + 1·2 + 2·2 + 4·1 = 54")
    expect(lab.locator('[data-stage="output"] .cell.current .v')).to_have_text("54")
    lab.keyboard.press("End")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 4 of 4")
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₂₂")
    lab.keyboard.press("ArrowLeft")
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₂₁")
    lab.keyboard.press("Home")
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₁₁")
    # The window of step 1 sits on the top-left 3×3 of the input.
    taps = lab.locator('[data-stage="input"] .cell.tap')
    expect(taps).to_have_count(9)
    assert {(int(t.get_attribute("data-r") or -1), int(t.get_attribute("data-c") or -1))
            for t in taps.all()} == {(r, c) for r in range(3) for c in range(3)}
    # Space plays; the step advances on its own; space again pauses.
    lab.locator('[data-player="speed"]').fill("6")
    lab.locator("body").click(position={"x": 5, "y": 5})
    lab.keyboard.press(" ")
    expect(lab.locator("[data-player=counter]")).not_to_have_text("Step 1 of 4")
    lab.keyboard.press(" ")
    expect(lab.locator("[data-player=toggle]")).to_have_text("Play")


def test_space_on_a_focused_button_presses_that_button_not_play(lab: Page) -> None:
    load_example(lab, "stride-3")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 1 of 4")
    lab.locator('[data-player-root] [data-action="next"]').focus()
    lab.keyboard.press(" ")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 2 of 4")
    expect(lab.locator("[data-player=toggle]")).to_have_text("Play")  # never started
    lab.keyboard.press("Enter")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 3 of 4")
    expect(lab.locator("[data-player=speed-label]")).to_have_text("1 step/s")


VALUES_PAST_THEIR_CELL = """() => [...document.querySelectorAll('.grid .cell .v')].filter(
  v => v.getBoundingClientRect().width > v.parentElement.getBoundingClientRect().width + 0.5
).map(v => v.textContent)"""


def test_long_values_shrink_to_fit_their_cells(lab: Page) -> None:
    load_example(lab, "stride-3")
    lab.select_option("[data-named-kernel]", "gaussian")
    # 1/16 shows all four decimals, so the terms of the formula add up to the value.
    expect(lab.locator('[data-stage="kernel"] .cell .v').first).to_have_text("0.0625")
    expect(lab.locator(OUTPUT).first).to_have_text("2.5")
    assert lab.evaluate(VALUES_PAST_THEIR_CELL) == []
    lab.locator("body").click(position={"x": 5, "y": 5})
    lab.keyboard.press("p")  # presentation mode: bigger cells, still no overflow
    expect(lab.locator("body")).to_have_class(re.compile(r"\bpresent\b"))
    assert lab.evaluate(VALUES_PAST_THEIR_CELL) == []


def test_quiz_mode_keeps_cells_not_computed_yet_to_itself(lab: Page) -> None:
    load_example(lab, "stride-3")
    lab.locator('[data-param="hideTodo"]').check()
    sum_ = lab.locator('[data-stage="formula"] .eq-sum').first
    expect(sum_).to_have_text("?")  # step 1: the student adds the terms up
    later = lab.locator('[data-stage="output"] .cell[data-r="1"][data-c="1"]')
    later.hover()
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₂₂")
    expect(sum_).to_have_text("?")
    assert "54" not in (lab.locator(FORMULA).text_content() or "").split("=")[-1]
    fill = later.evaluate("c => getComputedStyle(c).backgroundColor")
    first = lab.locator('[data-stage="output"] .cell[data-r="0"][data-c="1"]')
    assert first.evaluate("c => getComputedStyle(c).backgroundColor") == fill  # no hint
    lab.locator("body").click(position={"x": 5, "y": 5})
    lab.keyboard.press("ArrowRight")  # step 2: step 1's cell is computed now
    lab.locator('[data-stage="output"] .cell[data-r="0"][data-c="0"]').hover()
    expect(sum_).to_have_text("52")


def test_the_text_box_follows_the_grid_until_the_user_types_in_it(lab: Page) -> None:
    load_example(lab, "stride-3")
    editor = lab.locator('[data-editor="input"]')
    editor.locator('button[data-edit="text"]').click()
    box = editor.locator('textarea[data-edit="text"]')
    expect(box).to_be_visible()
    assert (box.input_value().split("\n")[0].split()) == ["3", "2", "7", "1", "6", "3"]
    lab.locator(input_cell(lab, 0, 0)).fill("99")
    expect(box).to_have_value(re.compile(r"^99 +2 +7"))
    # Applying the box now keeps the edit instead of undoing it.
    editor.locator('button[data-edit="apply"]').click()
    expect(lab.locator(input_cell(lab, 0, 0))).to_have_value("99")
    # Text of the user's own, not applied yet, is never overwritten by the grid.
    box.fill("1 2\n3 4")
    lab.locator(input_cell(lab, 0, 1)).fill("5")
    expect(box).to_have_value("1 2\n3 4")


def test_typing_a_matrix_by_hand_updates_the_output(lab: Page) -> None:
    load_example(lab, "stride-3")
    expect(lab.locator(OUTPUT)).to_have_text(["52", "54", "52", "54"])
    cell = lab.locator(input_cell(lab, 0, 0))
    cell.fill("13")  # +10 on a tap of weight 1: h₁₁ = 52 + 10
    expect(lab.locator(OUTPUT)).to_have_text(["62", "54", "52", "54"])
    cell.fill("−1")  # a typographic minus works: 52 − 4
    expect(lab.locator(OUTPUT)).to_have_text(["48", "54", "52", "54"])


def test_pasting_a_matrix_as_text(lab: Page) -> None:
    editor = lab.locator('[data-editor="input"]')
    editor.locator('button[data-edit="text"]').click()
    editor.locator('textarea[data-edit="text"]').fill("1 2 3\n4 5 6\n7 8 9")
    editor.locator('button[data-edit="apply"]').click()
    kernel = lab.locator('[data-editor="kernel"]')
    kernel.locator('button[data-edit="text"]').click()
    latex = r"\begin{pmatrix} 1 & 0 \\ 0 & -1 \end{pmatrix}"
    kernel.locator('textarea[data-edit="text"]').fill(latex)
    kernel.locator('button[data-edit="apply"]').click()
    lab.locator('[data-param="stride.h"]').fill("1")
    lab.locator('[data-param="stride.w"]').fill("1")
    # x₁₁ − x₂₂ everywhere: 1 − 5, 2 − 6, 4 − 8, 5 − 9.
    expect(lab.locator(OUTPUT)).to_have_text(["−4", "−4", "−4", "−4"])
    expect(lab.locator(input_cell(lab, 2, 2))).to_have_value("9")
    # NumPy notation.
    editor.locator('textarea[data-edit="text"]').fill("np.array([[2, 0, 1], [0, 3, 0], [1, 1, 1]])")
    editor.locator('button[data-edit="apply"]').click()
    # 2 − 3, 0 − 0, 0 − 1, 3 − 1.
    expect(lab.locator(OUTPUT)).to_have_text(["−1", "0", "−1", "2"])


def test_changing_padding_updates_size_and_formula(lab: Page) -> None:
    load_example(lab, "stride-3")
    expect(lab.locator(OUTPUT)).to_have_count(4)
    lab.locator('[data-param="padding.h"]').fill("1")
    lab.locator('[data-param="padding.w"]').fill("1")
    # ⌊(6 + 2·1 − 3) / 3⌋ + 1 = 2, remainder 2: the last two padded rows are never read.
    expect(lab.locator('[data-stage="output-size"]')).to_have_text("2 × 2")
    height = lab.locator('[data-stage="arithmetic"] [data-axis="height"]')
    expect(height.locator(".axis-sub")).to_have_text(
        "o = ⌊(6 + 2·1 − 3) / 3⌋ + 1 = ⌊5 / 3⌋ + 1 = 2")
    expect(height).to_contain_text("never reached")
    expect(lab.locator('[data-stage="input"] .cell.unv')).not_to_have_count(0)
    # The first window now starts in the padding: its top row and left column read zeros.
    expect(lab.locator(FORMULA)).to_have_text(
        "0·1 + 0·2 + 0·2 + 0·2 + 3·1 + 2·2 + 0·2 + 4·2 + 1·1 = 16")
    lab.locator('[data-param="stride.h"]').fill("1")
    lab.locator('[data-param="stride.w"]').fill("1")
    expect(lab.locator('[data-stage="output-size"]')).to_have_text("6 × 6")
    expect(height.locator(".axis-sub")).to_have_text(
        "o = ⌊(6 + 2·1 − 3) / 1⌋ + 1 = ⌊5 / 1⌋ + 1 = 6")
    shot(lab, "padding-1")


def test_shared_url_restores_the_same_state_in_a_fresh_page(lab: Page, server: str) -> None:
    load_example(lab, "bias-stride-2")
    expect(lab.locator(OUTPUT)).to_have_text(["9", "7", "−7", "−10"])
    lab.locator("body").click(position={"x": 5, "y": 5})
    lab.keyboard.press("ArrowRight")
    lab.keyboard.press("ArrowRight")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 3 of 4")
    lab.wait_for_function("() => location.search.includes('step=2')")
    link = lab.url
    fresh = lab.context.browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[union-attr]
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_ready(other)
        expect(other.locator(OUTPUT)).to_have_text(["9", "7", "−7", "−10"])
        expect(other.locator("[data-player=counter]")).to_have_text("Step 3 of 4")
        expect(other.locator('[data-param="stride.h"]')).to_have_value("2")
        expect(other.locator('[data-editor="kernel"] input[data-bias="0"]')).to_have_value("-1")
        expect(other.locator('[data-f="cell"]')).to_have_text("h₂₁")
    finally:
        fresh.close()


def test_a_bad_value_is_marked_next_to_it_and_kept(lab: Page, server: str) -> None:
    load_example(lab, "stride-3")
    expect(lab.locator(OUTPUT)).to_have_text(["52", "54", "52", "54"])
    cell = lab.locator(input_cell(lab, 1, 2))
    cell.fill("4x")
    expect(cell).to_have_class(re.compile(r"\binvalid\b"))
    errors = lab.locator('[data-error-for="input"]')
    expect(errors).to_contain_text("row 2, column 3")
    expect(errors).to_contain_text("“4x” is not a number")
    # The last valid result stays on screen, marked stale; the typed text survives a reload.
    expect(lab.locator(OUTPUT)).to_have_text(["52", "54", "52", "54"])
    expect(lab.locator("[data-status]")).to_have_text(
        "Showing the last valid result: fix the marked fields.")
    lab.wait_for_function("() => location.search.includes('4x')")
    lab.reload()
    expect(lab.locator(input_cell(lab, 1, 2))).to_have_value("4x")
    expect(lab.locator(input_cell(lab, 1, 2))).to_have_class(re.compile(r"\binvalid\b"))
    # Reloaded, there is no earlier result to show: the status says so.
    expect(lab.locator("[data-status]")).to_have_text(
        "Nothing to show yet: fix the marked fields.")
    # A server-side refusal lands next to the field it names: a kernel bigger than the input.
    lab.locator(input_cell(lab, 1, 2)).fill("1")
    lab.locator('[data-param="dilation.h"]').fill("4")
    stride_error = lab.locator('.params [data-error-for="kernel"], [data-error-for="kernel"]')
    expect(stride_error.first).to_contain_text("padded input")
    shot(lab, "bad-value")


def test_true_convolution_shows_the_flipped_kernel_and_changes_the_output(lab: Page) -> None:
    load_example(lab, "bias-stride-1")
    expect(lab.locator(OUTPUT)).to_have_text(["9", "−9", "7", "2", "5", "6", "−7", "9", "−10"])
    lab.locator('[data-param="flip"]').check()
    applied = lab.locator('[data-stage="kernel"] .cell .v')
    original = lab.locator('[data-stage="original"] .cell .v')
    expect(original).to_have_text(["−1", "0", "−2", "1", "1", "−1", "−1", "−1", "0"])
    expect(applied).to_have_text(["0", "−1", "−1", "−1", "1", "1", "−2", "0", "−1"])
    expect(lab.locator(".kernel-original")).to_be_visible()
    # h₁₁ with the rotated kernel, by hand over A's top-left 3×3
    # [[0,2,-3],[-2,-2,-2],[-3,-3,2]] · [[0,-1,-1],[-1,1,1],[-2,0,-1]] − 1
    # = (0 − 2 + 3) + (2 − 2 − 2) + (6 + 0 − 2) − 1 = 1 − 2 + 4 − 1 = 2.
    expect(lab.locator(OUTPUT).first).to_have_text("2")
    shot(lab, "true-convolution")


def test_hover_links_input_output_and_taps(lab: Page) -> None:
    load_example(lab, "stride-3")
    expect(lab.locator(OUTPUT)).to_have_count(4)
    # Hover output h₂₂: its window is rows 4–6, columns 4–6 of the input.
    lab.locator('[data-stage="output"] .cell[data-r="1"][data-c="1"]').hover()
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₂₂")
    taps = lab.locator('[data-stage="input"] .cell.tap')
    expect(taps).to_have_count(9)
    assert {(int(t.get_attribute("data-r") or -1), int(t.get_attribute("data-c") or -1))
            for t in taps.all()} == {(r, c) for r in range(3, 6) for c in range(3, 6)}
    # Hover input (1, 1): with stride 3 it feeds only h₁₁, through the centre tap.
    lab.locator('[data-stage="input"] .cell[data-r="1"][data-c="1"]').hover()
    linked = lab.locator('[data-stage="output"] .cell.linked')
    expect(linked).to_have_count(1)
    expect(linked.locator(".v")).to_have_text("52")
    # Hover the kernel's top-left tap: it multiplies inputs (0,0), (0,3), (3,0), (3,3).
    lab.locator('[data-stage="kernel"] .cell[data-r="0"][data-c="0"]').hover()
    cells = lab.locator('[data-stage="input"] .cell.linked')
    expect(cells).to_have_count(4)
    assert {(int(t.get_attribute("data-r") or -1), int(t.get_attribute("data-c") or -1))
            for t in cells.all()} == {(0, 0), (0, 3), (3, 0), (3, 3)}


def test_presentation_mode_and_large_inputs(lab: Page) -> None:
    load_example(lab, "stride-3")
    lab.locator('[data-action-lab="present"]').click()
    expect(lab.locator("body")).to_have_class(re.compile(r"\bpresent\b"))
    shot(lab, "present")
    lab.locator('[data-action-lab="present"]').click()
    # A 24×24 input switches the maps to Plotly heatmaps; the animation still steps.
    paste_input(lab, ramp(24))
    lab.locator('[data-param="stride.h"]').fill("1")
    lab.locator('[data-param="stride.w"]').fill("1")
    expect(lab.locator('[data-stage="output-size"]')).to_have_text("22 × 22")
    expect(lab.locator('[data-stage="input"] .heatmap .main-svg').first).to_be_visible()
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 1 of 484")
    lab.locator("body").click(position={"x": 5, "y": 5})
    lab.keyboard.press("End")
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₂₂,₂₂")
    shot(lab, "heatmap")


def test_transposed_and_pooling_examples_open_their_views(lab: Page) -> None:
    expect(lab.locator("[data-preset]")).to_have_value("stride-3")  # what a first visit shows
    load_example(lab, "transposed-stride-1")
    lab.wait_for_url("**/transposed?preset=transposed-stride-1*")
    wait_ready(lab)
    lab.keyboard.press("End")
    expect(lab.locator('[data-t="output"] .grid .cell .v')).to_have_text(
        ["0", "1", "3", "2", "3", "13", "17", "10", "6", "26", "29", "15", "21", "17", "11", "6"])
    lab.go_back()
    wait_ready(lab)
    expect(lab.locator("[data-preset]")).not_to_have_value("transposed-stride-1")
    load_example(lab, "pool-max")
    lab.wait_for_url("**/pool?preset=pool-max*")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 1 of 4")


def test_channels_groups_dilation_and_reflect_padding_match_torch(page: Page,
                                                                  server: str) -> None:
    """Every output cell of a 4-channel input, 2 groups, 4 filters, dilation 2, stride
    [1, 2], reflect padding 2 and a bias per filter, against torch."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(8)
    x = rng.integers(-4, 5, size=(4, 6, 7))
    w = rng.integers(-2, 3, size=(4, 2, 2, 3))
    bias = [1, -1, 2, 0]
    padded = F.pad(torch.tensor(x, dtype=torch.float64)[None], (2, 2, 2, 2), mode="reflect")
    expected = F.conv2d(padded, torch.tensor(w, dtype=torch.float64),
                        torch.tensor(bias, dtype=torch.float64), stride=(1, 2), dilation=2,
                        groups=2)[0].numpy()

    def enc3(a: Any) -> str:
        return "_".join(";".join(",".join(str(v) for v in row) for row in ch) for ch in a)

    page.goto(f"{server}/?input={enc3(x)}&kernel={'~'.join(enc3(f) for f in w)}"
              f"&bias=1,-1,2,0&stride=1,2&padding=2,2&dilation=2,2&groups=2&mode=reflect")
    wait_ready(page)
    expect(page.locator('[data-stage="output-size"]')).to_have_text(
        "4 × {} × {}".format(*expected.shape[1:]))
    expect(page.locator(OUTPUT)).to_have_text(
        [str(int(v)).replace("-", "−") for v in expected.ravel()])


def test_rows_no_window_reaches_are_named_and_shaded(lab: Page) -> None:
    load_example(lab, "stride-3")
    for axis in ("h", "w"):
        lab.locator(f'[data-param="stride.{axis}"]').fill("2")
    expect(lab.locator(".axis-unvisited").first).to_have_text(
        "No kernel tap ever reads padded row 6 (counting from 1), shaded on the input.")
    expect(lab.locator(".axis-unvisited").nth(1)).to_have_text(
        "No kernel tap ever reads padded column 6 (counting from 1), shaded on the input.")
    expect(lab.locator('[data-stage="input"] .cell.unv')).to_have_count(11)  # row and column 5


def test_a_cell_typed_just_before_leaving_the_page_is_kept(lab: Page) -> None:
    load_example(lab, "stride-3")
    lab.locator(input_cell(lab, 0, 0)).fill("77")
    lab.click('nav a[href="/pool"]')  # at once: within the 250 ms the URL write waits
    lab.wait_for_url("**/pool*")
    lab.click('nav a[href="/"]')
    wait_ready(lab)
    expect(lab.locator(input_cell(lab, 0, 0))).to_have_value("77")


def test_same_padding_shows_the_padding_it_came_to(lab: Page) -> None:
    load_example(lab, "stride-3")
    for axis in ("h", "w"):
        lab.locator(f'[data-param="stride.{axis}"]').fill("1")
    lab.select_option('[data-param="paddingKind"]', "same")
    expect(lab.locator('[data-stage="output-size"]')).to_have_text("6 × 6")
    height = lab.locator('[data-param="padding.h"]')
    expect(height).to_be_disabled()
    expect(height).to_have_attribute("placeholder", "1")  # a 3×3 kernel: 1 on each side
    lab.locator('[data-editor="kernel"] button[data-edit="del-col"]').click()  # 3×2 kernel
    expect(lab.locator('[data-param="padding.w"]')).to_have_attribute("placeholder", "0/1")
    lab.select_option('[data-param="paddingKind"]', "custom")
    expect(height).to_be_enabled()
    expect(height).to_have_attribute("placeholder", "")


def test_shortcuts_work_after_ticking_a_box_or_moving_a_slider(lab: Page) -> None:
    load_example(lab, "stride-3")
    lab.locator('[data-param="flip"]').click()  # focus stays on the checkbox
    lab.keyboard.press("ArrowRight")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 2 of 4")
    lab.keyboard.press("p")
    expect(lab.locator("body")).to_have_class(re.compile(r"\bpresent\b"))
    lab.keyboard.press(" ")  # Space still ticks the focused box, as it should
    expect(lab.locator('[data-param="flip"]')).not_to_be_checked()
    lab.locator('[data-player="speed"]').focus()
    lab.keyboard.press(" ")  # a slider does not use Space: it plays
    expect(lab.locator("[data-player=toggle]")).to_have_text("Pause")


def test_the_json_panel_closes_with_esc_or_a_click_outside(lab: Page) -> None:
    load_example(lab, "stride-3")
    twin = lab.locator("details.twin")
    lab.click("details.twin summary")
    expect(twin).to_have_attribute("open", "")
    expect(lab.locator('[data-twin="body"]')).to_contain_text('"stride"')
    lab.keyboard.press("Escape")
    expect(twin).not_to_have_attribute("open", "")
    lab.click("details.twin summary")
    expect(twin).to_have_attribute("open", "")
    lab.locator("body").click(position={"x": 5, "y": 400})
    expect(twin).not_to_have_attribute("open", "")
