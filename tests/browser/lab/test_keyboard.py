"""The grids from the keyboard: one tab stop per grid, arrows move within it, focus does
what hover does, Enter pins; each step's formula is announced in words."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.lab.test_lab import load_example

OUT = '[data-stage="output"] .grid'


def test_output_cells_are_reached_and_moved_through_by_keyboard(lab: Page) -> None:
    load_example(lab, "stride-3")
    expect(lab.locator(f"{OUT} .cell .v")).to_have_text(["52", "54", "52", "54"])
    for grid in ("input", "kernel", "output"):  # one tab stop each
        expect(lab.locator(f'[data-stage="{grid}"] .grid .cell[tabindex="0"]')).to_have_count(1)
    first = lab.locator(f'{OUT} .cell[data-r="0"][data-c="0"]')
    first.focus()
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₁₁")
    counter = lab.locator("[data-player=counter]").text_content()
    lab.keyboard.press("ArrowRight")  # moves the focus, not the player
    expect(lab.locator(f'{OUT} .cell[data-r="0"][data-c="1"]')).to_be_focused()
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₁₂")
    expect(lab.locator("[data-player=counter]")).to_have_text(counter or "")
    lab.keyboard.press("ArrowDown")
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₂₂")
    lab.keyboard.press("Enter")  # pinned: stays when the focus leaves the grid
    lab.locator("body").click(position={"x": 5, "y": 5})
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₂₂")
    lab.keyboard.press("Escape")
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₁₁")
    # The roving tab stop stays where the user left it.
    expect(lab.locator(f'{OUT} .cell[data-r="1"][data-c="1"]')).to_have_attribute("tabindex", "0")
    expect(first).to_have_attribute("tabindex", "-1")


def test_each_step_is_announced_in_words(lab: Page) -> None:
    load_example(lab, "stride-3")
    spoken = lab.locator('[data-stage="formula"] [data-f="spoken"]')
    expect(spoken).to_have_attribute("aria-live", "polite")
    expect(spoken).to_contain_text("h₁₁, row 1, column 1")
    expect(spoken).to_contain_text("3 times 1 plus 2 times 2")
    expect(spoken).to_contain_text("equals 52")
    lab.locator("body").click(position={"x": 5, "y": 5})
    lab.keyboard.press("ArrowRight")
    expect(spoken).to_contain_text("h₁₂, row 1, column 2")
