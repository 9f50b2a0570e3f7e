"""Defects found trying the lab as a new user, each pinned by what a user sees."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.lab.test_lab import input_cell, load_example, paste_input, ramp


def test_a_number_that_overflows_is_marked_like_any_other_non_number(lab: Page) -> None:
    load_example(lab, "stride-3")
    for typed in ("1e400", "-2e308", "1e400/2"):
        cell = lab.locator(input_cell(lab, 0, 1))
        cell.fill(typed)
        expect(cell).to_have_class(re.compile(r"\binvalid\b"))
        errors = lab.locator('[data-error-for="input"]')
        expect(errors).to_contain_text("row 1, column 2")
        expect(errors).to_contain_text(f"“{typed}” is not a number")
        expect(errors).not_to_contain_text("valid number")  # the API's wording, 0-based
    lab.locator(input_cell(lab, 0, 1)).fill("2")
    expect(lab.locator('[data-stage="output"] .grid .cell .v')).to_have_text(
        ["52", "54", "52", "54"])


def test_a_presets_half_reads_as_the_deck_wrote_it(lab: Page) -> None:
    load_example(lab, "dilation-3")
    expect(lab.locator(input_cell(lab, 0, 0))).to_have_value("0.5")
    expect(lab.locator(input_cell(lab, 6, 6))).to_have_value("0.5")


def test_the_api_reference_pages_ask_nothing_of_the_internet(page: Page, server: str) -> None:
    outside: list[str] = []
    console: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((server, "data:", "blob:")) else None)
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    for path in ("/redoc", "/docs"):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
    expect(page.locator("#swagger-ui")).to_be_visible()
    assert outside == [] and [m for m in console if "Content Security Policy" in m] == []


def test_on_a_phone_the_computation_comes_before_the_editors(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/")
    expect(page.locator('[data-stage="output"] .grid .cell .v')).to_have_text(
        ["52", "54", "52", "54"])
    stage = page.locator("[data-stage-root]").bounding_box()
    editors = page.locator(".lab > .sidebar").bounding_box()
    assert stage is not None and editors is not None
    assert stage["y"] < editors["y"] and stage["y"] < 400


def test_a_shared_link_names_its_example_until_the_numbers_change(lab: Page, server: str) -> None:
    note = lab.locator("[data-example-note]")
    expect(note).to_contain_text("stride 3")  # the default example, named
    load_example(lab, "bias-stride-2")
    expect(note).to_be_visible()
    text = note.text_content() or ""
    expect(lab.locator('[data-stage="output"] .grid .cell .v')).to_have_text(
        ["9", "7", "−7", "−10"])
    expect(note).to_have_text(text)  # still there once the server has answered
    lab.wait_for_function("() => location.search.includes('ex=bias-stride-2')")
    fresh = lab.context.browser.new_context()  # type: ignore[union-attr]
    try:
        other = fresh.new_page()
        other.goto(lab.evaluate("() => location.href"))
        expect(other.locator("[data-example-note]")).to_have_text(text)
        expect(other.locator("[data-preset]")).to_have_value("bias-stride-2")
        other.locator(input_cell(other, 0, 0)).fill("7")  # no longer the deck's numbers
        expect(other.locator("[data-example-note]")).to_be_hidden()
        expect(other.locator("[data-preset]")).to_have_value("")
    finally:
        fresh.close()


def test_heatmap_hovers_and_axes_count_from_1_like_the_formula(lab: Page) -> None:
    paste_input(lab, ramp(24))
    lab.locator('[data-param="stride.h"]').fill("1")
    lab.locator('[data-param="stride.w"]').fill("1")
    out = lab.locator('[data-stage="output"] .heatmap').first
    expect(out.locator(".main-svg").first).to_be_visible()
    area = out.locator(".nsewdrag").first.bounding_box()  # the plot area, 22 × 22 cells
    assert area is not None
    lab.mouse.move(area["x"] + area["width"] * 6.5 / 22, area["y"] + area["height"] * 4.5 / 22)
    expect(lab.locator(".hoverlayer .hovertext").first).to_contain_text(
        "row 5, column 7 (counting from 1)")
    expect(lab.locator('[data-f="cell"]')).to_have_text("h₅₇")
    first_ticks = lab.evaluate("""() => [...document.querySelectorAll(
      '[data-stage="output"] .heatmap .xtick text')].map((t) => t.textContent)""")
    assert "0" not in first_ticks and first_ticks, first_ticks
