"""Large inputs in every view (issue 17, item 2), in a real Chromium.

Above 16 cells on a side, /pool (pooling and unpooling maps), /transposed (scatter,
overlap, equivalent convolution) and /matrix (the input and output grids; C, vec(x),
vec(y) and X_conv already were) draw heatmaps; no page grows wider than the window, at
1280×720 and on a 390×844 phone; each heatmap is large enough to read; hovering a cell
reads its value counting from 1; stepping moves the marks. Values are checked against
NumPy arithmetic written here (a naive scatter), not against the page's own numbers.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, wait_ready
from tests.browser.lab.test_lab import paste_input

VIEWPORTS = [(1280, 720), (1920, 1080), (390, 844)]
# view → (path, the slots that must hold heatmaps at 64 × 64)
VIEWS = {
    "pool": ("/pool", ['[data-p="input"]', '[data-p="output"]', '[data-p="indices"]',
                       '[data-p="u-input"]', '[data-p="u-output"]']),
    "transposed": ("/transposed", ['[data-t="input"]', '[data-t="output"]', '[data-t="eq-input"]',
                                   '[data-t="eq-output"]', '[data-t="coverage"]']),
    "matrix": ("/matrix", ['[data-view="input"]', '[data-view="output"]', '[data-view="vecx"]',
                           '[data-view="vecy"]', '[data-view="xconv"]']),
}


def signed(n: int) -> np.ndarray:
    """An n × n matrix of small signed integers: (7r + 3c) mod 10 − 4."""
    r, c = np.indices((n, n))
    return (7 * r + 3 * c) % 10 - 4


def as_text(a: np.ndarray) -> str:
    return "\n".join(" ".join(str(int(v)) for v in row) for row in a)


def open_large(page: Page, server: str, path: str, n: int) -> None:
    page.goto(server + path)
    wait_ready(page)
    paste_input(page, as_text(signed(n)))
    expect(page.locator('[data-player="counter"]')).to_contain_text(
        "of", timeout=30_000)


def set_stride(page: Page, stride: int) -> None:
    for axis in ("h", "w"):
        page.locator(f'[data-param="stride.{axis}"]').fill(str(stride))
    page.locator('[data-param="stride.w"]').press("Tab")


def drawn(page: Page, slot: str) -> None:
    """Scroll the slot's first heatmap into view (off-screen maps draw when seen) and
    wait until Plotly has drawn it."""
    plot = page.locator(f"{slot} .heatmap").first
    plot.scroll_into_view_if_needed()
    expect(plot.locator(".main-svg").first).to_be_visible(timeout=30_000)


def shown(v: float) -> str:
    """A whole number as the page writes it (a true minus sign)."""
    return str(int(v)).replace("-", "−")


def page_width(page: Page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
@pytest.mark.parametrize("view", list(VIEWS))
def test_a_64_by_64_input_draws_readable_heatmaps_no_wider_than_the_window(
        page: Page, server: str, view: str, viewport: tuple[int, int]) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    path, slots = VIEWS[view]
    open_large(page, server, path, 64)
    for slot in slots:
        drawn(page, slot)
        box = page.locator(f"{slot} .heatmap").first.bounding_box()
        assert box is not None
        # Readable: not a strip. On the phone a map takes most of the width.
        least = 200 if viewport[0] > 400 else 150
        assert box["width"] >= least and box["height"] >= 60, (slot, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport[0] + 1, (slot, box)
    scroll, window = page_width(page)
    assert scroll <= window, f"{view} is {scroll} px wide in a {window} px window"
    shot(page, f"large-{view}-{viewport[0]}")
    assert errors == [], errors


def test_transposed_at_20_by_20_is_no_wider_than_the_window(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_large(page, server, "/transposed", 20)
    drawn(page, '[data-t="output"]')
    scroll, window = page_width(page)
    assert scroll <= window, (scroll, window)


def hover_cell(page: Page, slot: str, r: int, c: int, rows: int, cols: int) -> None:
    """Move the mouse over cell (r, c), 0-based, of the slot's first heatmap (scrolled
    into view first: the mouse only hovers what is on screen)."""
    drawn(page, slot)
    target = page.locator(f"{slot} .heatmap .nsewdrag").first
    target.scroll_into_view_if_needed()
    page.wait_for_timeout(100)  # the scroll's layout, before the box is read
    area = target.bounding_box()
    assert area is not None
    x = area["x"] + area["width"] * (c + 0.5) / cols
    y = area["y"] + area["height"] * (r + 0.5) / rows
    # Two moves inside the cell (a cell is over 3 px wide): Plotly throttles hover
    # events, and the second one lands after the first one's outlines are drawn.
    page.mouse.move(x + 1, y)
    page.wait_for_timeout(50)
    page.mouse.move(x, y)


def test_pool_heatmap_hover_reads_the_cell_counting_from_1(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_large(page, server, "/pool", 64)
    set_stride(page, 2)
    expect(page.locator('[data-p="output-size"]')).to_have_text("32 × 32")
    x = signed(64)
    hover_cell(page, '[data-p="input"]', 9, 20, 64, 64)
    expect(page.locator('[data-readout="input"]').first).to_have_text(
        f"row 10, column 21 (counting from 1): {shown(x[9, 20])}")
    # The pooled output (2×2 windows, stride 2): hovering its cell shows that window's max.
    hover_cell(page, '[data-p="output"]', 3, 5, 32, 32)
    want = x[6:8, 10:12].max()
    expect(page.locator('[data-readout="output"]').first).to_have_text(
        f"row 4, column 6 (counting from 1): {shown(want)}")
    expect(page.locator('[data-p="formula"] [data-pf="lines"] .eq')).to_contain_text(
        f"= {shown(want)}")


def scatter_running_sum(x: np.ndarray, k: np.ndarray, steps: int) -> np.ndarray:
    """The transposed convolution's output after the first `steps` input cells (row-major)
    have each placed x[i, j]·K at (i, j): stride 1, no padding."""
    out = np.zeros((x.shape[0] + k.shape[0] - 1, x.shape[1] + k.shape[1] - 1))
    for s in range(steps):
        i, j = divmod(s, x.shape[1])
        out[i:i + k.shape[0], j:j + k.shape[1]] += x[i, j] * k
    return out


def test_transposed_running_sum_is_right_at_every_step_it_shows(page: Page, server: str) -> None:
    """Stepping repaints only the changed cells of a large running sum (heat-grid.js);
    the values shown must still be the sum after that many copies."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_large(page, server, "/transposed", 40)
    x = signed(40)
    kernel = np.array([[0, 1], [3, 2]])  # the page's default kernel
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Home")
    for step in range(2, 72):  # past the point where the painted-over cells are redrawn
        page.keyboard.press("ArrowRight")
        expect(page.locator('[data-player="counter"]')).to_contain_text(f"Step {step} of")
    want = scatter_running_sum(x, kernel, 71)
    readout = page.locator('[data-readout="output"]').first
    for r, c in [(1, 30), (1, 31), (2, 5), (0, 0), (3, 3)]:
        where = f"row {r + 1}, column {c + 1} (counting from 1): "
        for _ in range(10):  # Plotly throttles hover events: move again until it names the cell
            hover_cell(page, '[data-t="output"]', r, c, 41, 41)
            page.wait_for_timeout(150)
            if (readout.text_content() or "").startswith(where):
                break
        expect(readout).to_have_text(where + shown(want[r, c]))
        page.mouse.move(0, 0)


def test_transposed_loads_the_whole_direct_convolution_in_pages(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_large(page, server, "/transposed", 64)
    set_stride(page, 2)
    # 129 × 129 = 16,641 gather steps, in pages of 1,024: each page checked as it comes.
    expect(page.locator('[data-t="agree"]')).to_have_text(
        "Cell for cell the same as the scatter’s output.", timeout=60_000)
    drawn(page, '[data-t="eq-output"]')


def test_stepping_a_large_pool_moves_the_window_and_the_veil(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_large(page, server, "/pool", 64)
    set_stride(page, 2)
    expect(page.locator('[data-p="output-size"]')).to_have_text("32 × 32")
    drawn(page, '[data-p="output"]')
    shapes = """(sel) => (document.querySelector(sel + ' .heatmap').layout.shapes || [])
      .map((s) => [s.x0, s.y0, s.x1, s.y1].join(',')).join(';')"""
    page.locator("body").click(position={"x": 5, "y": 5})  # keys to the page, not a field
    page.keyboard.press("Home")
    expect(page.locator('[data-player="counter"]')).to_contain_text("Step 1 of 1024")
    page.wait_for_timeout(100)
    before = page.evaluate(shapes, '[data-p="input"]'), page.evaluate(shapes, '[data-p="output"]')
    page.keyboard.press("PageDown")  # a whole output row: 32 steps
    expect(page.locator('[data-player="counter"]')).to_contain_text("Step 33 of 1024")
    page.wait_for_timeout(100)
    after = page.evaluate(shapes, '[data-p="input"]'), page.evaluate(shapes, '[data-p="output"]')
    assert before[0] != after[0] and before[1] != after[1]
    # The window of step 33 is rows 3–4, columns 1–2 (counting from 1): its frame, in the
    # heatmap's 1-based coordinates.
    assert re.search(r"(^|;)0\.5,2\.5,2\.5,4\.5(;|$)", after[0]), after[0]


def test_a_large_pool_loads_the_trace_pages_it_steps_to(page: Page, server: str) -> None:
    """100 × 100 at stride 1 is 9,801 steps, in pages of 4,096: the last step's window is
    fetched when the player gets there, and its formula is that window's maximum."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_large(page, server, "/pool", 100)
    expect(page.locator('[data-player="counter"]')).to_have_text("Step 1 of 9801")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("End")
    expect(page.locator('[data-player="counter"]')).to_have_text("Step 9801 of 9801")
    x = signed(100)
    expect(page.locator('[data-p="formula"] [data-pf="title"]')).to_have_text("h₉₉,₉₉")
    expect(page.locator('[data-p="formula"] [data-pf="lines"] .eq')).to_contain_text(
        f"= {shown(x[98:, 98:].max())}")
