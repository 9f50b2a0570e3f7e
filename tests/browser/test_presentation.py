"""Presentation mode for a projector, in every view at 1280×720 and 1920×1080: it scales
with the viewport, the editors fold into a drawer, the lab's formula is on screen without
scrolling. Screenshots of each go to artifacts/presentation/ (README, "The lab")."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_ready
from tests.browser.lab.test_lab import paste_input

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "presentation"
VIEWS = {"lab": "/", "transposed": "/transposed", "pool": "/pool",
         "matrix": "/matrix?preset=matrix-3x3-2x2", "backward": "/backward"}
SIZES = [(1280, 720), (1920, 1080)]


def _present(page: Page, server: str, path: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server + path)
    wait_ready(page)
    page.locator("body").click(position={"x": 2, "y": 2})
    if "present" not in (page.locator("body").get_attribute("class") or ""):
        page.keyboard.press("p")  # a reload keeps presenting: the state says so
    expect(page.locator("body")).to_have_class("present")
    page.wait_for_timeout(300)  # the drawer's transition


@pytest.mark.parametrize("width, height", SIZES)
@pytest.mark.parametrize("view", VIEWS)
def test_presentation_mode_fills_the_screen(page: Page, server: str, view: str, width: int,
                                             height: int) -> None:
    _present(page, server, VIEWS[view], width, height)
    sidebar = page.locator(".lab > .sidebar")
    expect(sidebar).to_be_hidden()  # folded away: the stage has the width
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{view}-{width}x{height}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.keyboard.press("e")
    expect(sidebar).to_be_visible()
    page.keyboard.press("Escape")
    expect(sidebar).to_be_hidden()


def test_the_lab_scales_with_the_projector_and_keeps_its_formula_in_view(page: Page,
                                                                         server: str) -> None:
    sizes = {}
    for width, height in SIZES:
        _present(page, server, "/", width, height)
        # The formula itself (its title and its line of numbers) without scrolling.
        formula = page.locator('[data-stage="formula"] [data-f="lines"] .eq').first.bounding_box()
        assert formula is not None and formula["y"] + formula["height"] <= height, formula
        cell = page.locator('[data-stage="output"] .grid .cell').first.bounding_box()
        assert cell is not None
        sizes[width] = cell["width"]
        if width == 1920:
            labels = page.locator('[data-stage="input"] .cell.tap .k')
            expect(labels.first).to_have_text("×1")
            size = labels.first.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= 24, size
            digits = page.locator('[data-stage="output"] .cell .v').first.evaluate(
                "(e) => parseFloat(getComputedStyle(e).fontSize)")
            assert digits >= 30, digits
    assert sizes[1920] > sizes[1280] * 1.2, sizes


def test_a_large_heatmap_takes_the_free_stage(page: Page, server: str) -> None:
    _present(page, server, "/", 1920, 1080)
    page.keyboard.press("e")
    paste_input(page, "\n".join(" ".join(str((r + c) % 5) for c in range(32)) for r in range(32)))
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 2, "y": 2})
    page.keyboard.press("Escape")
    plot = page.locator('[data-stage="input"] .heatmap').first
    expect(plot.locator(".main-svg").first).to_be_visible()
    page.wait_for_timeout(500)  # Plotly's responsive resize
    page.screenshot(path=str(SHOTS / "lab-heatmap-1920x1080.png"))
    box = plot.bounding_box()
    assert box is not None and box["height"] >= 420, box
    # Small integers are a lecture's, not a picture's: input and output stay diverging.
    scales = page.evaluate("""() => ['input', 'output'].map((k) => document.querySelector(
      `[data-stage="${k}"] .heatmap`).data[0].colorscale.length)""")
    assert scales == [9, 9], scales  # the diverging scale's stops (gray has 2)
