"""A state of any size the limits allow survives a reload and a shared link: long
states are deflated into the URL's #fragment (never sent to the server); plain query
links still open; a state too large even so stays in the draft and the page says so."""

from __future__ import annotations

import base64
import zlib

import numpy as np
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_ready
from tests.browser.lab.test_lab import paste_input

# Above 16 rows the editor is a text box: its text, cell by cell.
READ_CELLS = """() => document.querySelector('[data-editor="input"] textarea[data-edit="text"]')
  .value.trim().split(/[\\s,;]+/)"""


def _matrix_text(n: int) -> tuple[str, list[str]]:
    rng = np.random.default_rng(256)
    values = [f"{v:.4f}" for v in rng.uniform(-10, 10, size=n * n)]
    rows = "\n".join(" ".join(values[r * n:(r + 1) * n]) for r in range(n))
    return rows, values


def test_a_256_by_256_matrix_of_floats_opens_from_a_copied_link(lab: Page, server: str) -> None:
    rows, values = _matrix_text(256)
    paste_input(lab, rows)
    lab.locator('[data-param="stride.h"]').fill("1")
    lab.locator('[data-param="stride.w"]').fill("1")
    expect(lab.locator('[data-stage="output-size"]')).to_have_text("254 × 254", timeout=30_000)
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 1 of 64516")
    lab.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(4):
        lab.keyboard.press("ArrowRight")
    expect(lab.locator("[data-player=counter]")).to_have_text("Step 5 of 64516")
    # (wait_for_function takes a returned promise for "true": the module is loaded first)
    lab.evaluate("async () => { window.urlState = await import('/static/js/core/url-state.js'); }")
    lab.wait_for_function("""() => location.search === ''
      && (window.urlState.unpack(location.hash) || '').includes('step=4')""")
    link = lab.evaluate("() => location.href")  # page.url may lag a replaceState
    assert len(link) < 2_000_000
    fresh = lab.context.browser.new_context()  # type: ignore[union-attr]
    try:
        other = fresh.new_page()
        other.goto(link)
        wait_ready(other)
        expect(other.locator("[data-player=counter]")).to_have_text("Step 5 of 64516")
        assert other.evaluate(READ_CELLS) == values
        other.reload()  # and again from its own URL, which it rewrote the same way
        wait_ready(other)
        assert other.evaluate(READ_CELLS) == values
    finally:
        fresh.close()


def test_a_packed_link_made_elsewhere_opens_and_old_query_links_still_do(
        page: Page, server: str) -> None:
    query = "input=1,2,3;4,5,6;7,8,9&kernel=1,0;0,-1&stride=1,1&step=3"
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as the page's
    packed = packer.compress(f"?{query}".encode()) + packer.flush()
    fragment = base64.urlsafe_b64encode(packed).decode().rstrip("=")
    for url in (f"{server}/#z={fragment}", f"{server}/?{query}"):
        page.goto(url)
        wait_ready(page)
        expect(page.locator('[data-stage="output"] .grid .cell .v')).to_have_text(
            ["−4", "−4", "−4", "−4"])
        expect(page.locator("[data-player=counter]")).to_have_text("Step 4 of 4")


def test_a_state_too_large_even_packed_is_kept_and_said(lab: Page) -> None:
    kept = lab.evaluate("""async () => {
      const { UrlState, codecs } = await import('/static/js/core/url-state.js');
      const state = new UrlState([{ key: 'blob', url: 'blob', codec: codecs.text, def: '' }],
                                 'convviz.test-too-large', ['blob']);
      let said = null;
      state.onTooLarge = (on) => { said = on; };
      const random = Array.from({ length: 3_000_000 },
                                () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]);
      const before = location.href;
      state.save({ blob: random.join('') });
      state.flush();
      const draft = localStorage.getItem('convviz.test-too-large') || '';
      localStorage.removeItem('convviz.test-too-large');
      return { said, unchanged: location.href === before, flag: state.tooLarge,
               draft: draft.startsWith('#z=') && draft.length > 2_000_000 };
    }""")
    assert kept == {"said": True, "unchanged": True, "flag": True, "draft": True}
