"""The matrix page (/matrix) as a user drives it, in a real Chromium.

Deck 001's example: x = 1 … 9 (3×3), W = [[1, 2], [3, 4]], true convolution,
so every row of C is the rotated kernel [[4, 3], [2, 1]] laid over a window:
y₁₁ = 4·1 + 3·2 + 2·4 + 1·5 = 23, y₁₂ = 33, y₂₁ = 53, y₂₂ = 63.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, wait_ready

DECK = "/matrix?preset=matrix-3x3-2x2"
C = '[data-view="c"] table'
FORMULA = '[data-view="formula"] [data-f="lines"]'


@pytest.fixture
def mx(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + DECK)
    wait_ready(page)
    expect(page.locator(f"{C} tbody tr")).to_have_count(4)
    yield page
    assert errors == [], errors


def marked(page: Page, view: str, cls: str) -> dict[tuple[int, int], str]:
    """{(row, col): value} of the cells of a grid with class `cls`."""
    cells = page.locator(f'[data-view="{view}"] .grid .cell.{cls}')
    return {(int(c.get_attribute("data-r") or -1), int(c.get_attribute("data-c") or -1)):
            c.locator(".v").text_content() or "" for c in cells.all()}


def labels(page: Page, view: str, cls: str) -> list[str]:
    return page.locator(f'[data-view="{view}"] .grid .cell.{cls} .k').all_text_contents()


def test_deck_001_matrix_c_and_the_identities(mx: Page) -> None:
    # C is 4 × 9: row k is the rotated kernel 4 3 / 2 1 over window k of the 3×3 input.
    expect(mx.locator(f"{C} tbody tr").nth(0).locator("td")).to_have_text(
        ["4", "3", "0", "2", "1", "0", "0", "0", "0"])
    expect(mx.locator(f"{C} tbody tr").nth(3).locator("td")).to_have_text(
        ["0", "0", "0", "0", "4", "3", "0", "2", "1"])
    expect(mx.locator('[data-view="vecx"] td')).to_have_text([str(v) for v in range(1, 10)])
    expect(mx.locator('[data-view="vecy"] td')).to_have_text(["23", "33", "53", "63"])
    # X_conv, in the order of the weights as given: w₁₁ multiplies x₂₂ … x₃₃ (rotated).
    expect(mx.locator('[data-view="xconv"] tbody tr').nth(0).locator("td")).to_have_text(
        ["5", "6", "8", "9"])
    expect(mx.locator('[data-view="krow"] td')).to_have_text(["1", "2", "3", "4"])
    expect(mx.locator('[data-view="identity-c"]')).to_contain_text("is 0.")
    expect(mx.locator('[data-view="rotated"] .cell .v')).to_have_text(["4", "3", "2", "1"])
    shot(mx, "matrix-deck-001")


def test_hovering_a_row_of_c_lights_its_output_cell_and_window(mx: Page) -> None:
    mx.locator(f'{C} tbody th[data-r="1"]').hover()  # row 2 of C: y₁₂
    expect(mx.locator('[data-view="output"] .cell.focus .v')).to_have_text("33")
    assert marked(mx, "output", "focus") == {(0, 1): "33"}
    # y₁₂'s window: x₁₂ x₁₃ / x₂₂ x₂₃, weighted by the rotated kernel 4 3 / 2 1.
    expect(mx.locator('[data-view="input"] .cell.tap')).to_have_count(4)
    assert marked(mx, "input", "tap") == {(0, 1): "2", (0, 2): "3", (1, 1): "5", (1, 2): "6"}
    assert labels(mx, "input", "tap") == ["×4", "×3", "×2", "×1"]
    expect(mx.locator(FORMULA)).to_have_text("y₁₂ = 4·2 + 3·3 + 2·5 + 1·6 = 33")  # 8+9+10+6
    expect(mx.locator(f"{C} tbody tr.on-row")).to_have_attribute("data-r", "1")
    # A body cell of C lights its row too.
    mx.locator(f'{C} td[data-r="3"][data-c="8"]').hover()
    assert marked(mx, "output", "focus") == {(1, 1): "63"}
    assert marked(mx, "input", "tap") == {(1, 1): "5", (1, 2): "6", (2, 1): "8", (2, 2): "9"}
    shot(mx, "matrix-hover-row")


def test_hovering_a_column_of_c_lights_its_input_cell_and_every_output_it_feeds(mx: Page) -> None:
    mx.locator(f'{C} thead th[data-c="4"]').hover()  # x₂₂, read by every window
    assert marked(mx, "input", "focus") == {(1, 1): "5"}
    assert marked(mx, "output", "linked") == {(0, 0): "23", (0, 1): "33", (1, 0): "53",
                                              (1, 1): "63"}
    # Column 5 of C: 1 2 3 4, the weight x₂₂ meets in each window.
    assert labels(mx, "output", "linked") == ["×1", "×2", "×3", "×4"]
    expect(mx.locator(f"{C} th.on-col")).to_have_text("x₂₂")
    mx.locator(f'{C} thead th[data-c="0"]').hover()  # x₁₁: only y₁₁ reads it, with w₂₂
    assert marked(mx, "output", "linked") == {(0, 0): "23"}
    assert labels(mx, "output", "linked") == ["×4"]
    # Hovering an input cell is the same column.
    mx.locator('[data-view="input"] .cell[data-r="0"][data-c="2"]').hover()
    assert marked(mx, "output", "linked") == {(0, 1): "33"}
    shot(mx, "matrix-hover-column")


def test_stepping_lights_the_im2col_row_and_the_row_of_c(mx: Page) -> None:
    mx.locator("body").click(position={"x": 5, "y": 5})
    mx.mouse.move(5, 5)
    mx.keyboard.press("ArrowRight")
    mx.keyboard.press("ArrowRight")
    expect(mx.locator("[data-player=counter]")).to_have_text("Step 3 of 4")
    expect(mx.locator(f"{C} tbody tr.on-row")).to_have_attribute("data-r", "2")
    # im2col: X_conv's column 3 is y₂₁'s window in the weights' order: 8 7 5 4.
    expect(mx.locator('[data-view="xconv"] thead th.on-col')).to_have_text("y₂₁")
    expect(mx.locator('[data-view="xconv"] td.on-col')).to_have_text(["8", "7", "5", "4"])
    expect(mx.locator('[data-view="output"] .cell.current .v')).to_have_text("53")
    expect(mx.locator(FORMULA)).to_have_text("y₂₁ = 4·4 + 3·5 + 2·7 + 1·8 = 53")  # 16+15+14+8
    expect(mx.locator('[data-view="vecy"] tr.on-row td')).to_have_text("53")
    shot(mx, "matrix-step-3")


def test_symbolic_shows_the_decks_names_and_the_url_restores(mx: Page, server: str) -> None:
    mx.locator("[data-symbolic]").check()
    row = mx.locator(f"{C} tbody tr").nth(0).locator("td")
    expect(row).to_have_text(["w₂₂", "w₂₁", "0", "w₁₂", "w₁₁", "0", "0", "0", "0"])
    expect(mx.locator(FORMULA)).to_contain_text("y₁₁ = w₂₂·x₁₁ + w₂₁·x₁₂ + w₁₂·x₂₁ + w₁₁·x₂₂")
    expect(mx.locator('[data-view="xconv"] tbody tr').nth(3).locator("td")).to_have_text(
        ["x₁₁", "x₁₂", "x₂₁", "x₂₂"])
    expect(mx.locator('[data-view="input"] .cell .v').first).to_have_text("x₁₁")
    mx.locator("body").click(position={"x": 5, "y": 5})
    mx.keyboard.press("End")
    expect(mx.locator("[data-player=counter]")).to_have_text("Step 4 of 4")
    mx.wait_for_function("() => location.search.includes('step=3')")
    url = mx.url
    assert "symbolic=1" in url
    shot(mx, "matrix-symbolic")
    fresh = mx.context.new_page()
    fresh.goto(url)
    wait_ready(fresh)
    expect(fresh.locator("[data-player=counter]")).to_have_text("Step 4 of 4")
    expect(fresh.locator(f"{C} tbody tr.on-row")).to_have_attribute("data-r", "3")
    expect(fresh.locator(f"{C} tbody tr").nth(3).locator("td").nth(8)).to_have_text("w₁₁")
    expect(fresh.locator("[data-symbolic]")).to_be_checked()
    fresh.close()


def test_large_c_is_a_heatmap_and_errors_sit_by_their_field(mx: Page) -> None:
    # 20 × 20 input, 3×3 kernel: C is 324 × 400, drawn as a heatmap.
    text = "\n".join(" ".join(str((r * 20 + c) % 7) for c in range(20)) for r in range(20))
    mx.locator('[data-editor="input"] button[data-edit="text"]').click()
    mx.locator('[data-editor="input"] textarea').fill(text)
    mx.locator('[data-editor="kernel"] button[data-edit="text"]').click()
    mx.locator('[data-editor="kernel"] textarea').fill("1 0 -1\n2 0 -2\n1 0 -1")
    mx.locator('[data-editor="kernel"] button[data-edit="apply"]').click()
    mx.locator('[data-editor="input"] button[data-edit="apply"]').click()
    expect(mx.locator('[data-view="c-size"]')).to_contain_text("324 × 400")
    expect(mx.locator('[data-view="c"] .mt-heat .main-svg').first).to_be_visible()
    expect(mx.locator("[data-player=counter]")).to_have_text("Step 1 of 324")
    # Symbolic is refused above max_dense_matrix_cells: the message sits by the toggle.
    mx.locator("[data-symbolic]").check()
    expect(mx.locator('[data-error-for="symbolic"]')).to_contain_text("max_dense_matrix_cells")
    shot(mx, "matrix-large")


def test_quiz_mode_hides_vec_y_and_the_sum_of_outputs_not_computed_yet(mx: Page) -> None:
    mx.locator('[data-param="hideTodo"]').check()
    expect(mx.locator(f"{FORMULA} .eq-sum").last).to_have_text("?")
    secret = mx.locator('[data-table="vecy"] td.secret')
    expect(secret).to_have_count(4)  # y₁₁ … y₂₂: none computed at step 1
    assert secret.first.evaluate("td => getComputedStyle(td).color") == "rgba(0, 0, 0, 0)"
    mx.locator("body").click(position={"x": 5, "y": 5})
    mx.keyboard.press("ArrowRight")
    expect(secret).to_have_count(3)
