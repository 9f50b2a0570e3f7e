"""Every page on a phone and on a lecture-hall laptop: nothing wider than the screen.

A grid with more columns than fit shrinks its cells rather than being cut off; the top
bar's long example list shrinks rather than widening the page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

PAGES = ["/", "/transposed", "/pool", "/matrix", "/backward", "/signal", "/volume", "/practice"]

CUT_OFF = """() => [...document.querySelectorAll('.map .grid')].filter(g => {
  const panel = g.closest('.map').getBoundingClientRect();
  return g.getBoundingClientRect().right > panel.right + 0.5;
}).length"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", PAGES)
def test_no_page_is_wider_than_the_screen(page: Page, server: str, path: str,
                                          width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(CUT_OFF) == 0


def test_a_table_that_scrolls_sideways_shows_that_it_does(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/matrix?input=" + ";".join(",".join("1" for _ in range(7))
                                                   for _ in range(7)) + "&kernel=1,2;3,4")
    page.wait_for_load_state("networkidle")
    box = page.locator(".mx-c").first
    sizes = box.evaluate("(e) => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1], sizes  # C (36 × 49) is wider than a phone
    shadows = box.evaluate("(e) => getComputedStyle(e).backgroundImage")
    assert shadows.count("radial-gradient") == 2 and shadows.count("linear-gradient") == 2
    attachment = box.evaluate("(e) => getComputedStyle(e).backgroundAttachment")
    assert attachment.replace(" ", "") == "local,local,scroll,scroll"
