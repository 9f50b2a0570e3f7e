"""Every page on a phone and on a lecture-hall laptop: nothing wider than the screen.

A grid with more columns than fit shrinks its cells rather than being cut off; the top
bar's long example list shrinks rather than widening the page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

PAGES = ["/", "/transposed", "/pool", "/matrix", "/backward", "/practice"]

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
