"""The signal page (1-D convolution) as a user drives it, in a real Chromium: a preset
stepped, causal padding, the kernel reversed, the WaveNet stack's traced receptive field,
and a typo that is shown beside its field and kept. Expected numbers are worked here by
hand (moving averages, x(t) − x(t − 1)), not read from the engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, wait_ready

LINES = '[data-s="lines"] .line'
OUT = '.strip-output .sig-cell'


@pytest.fixture
def spage(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/signal?preset=moving-average")
    wait_ready(page)
    yield page
    assert errors == [], errors


def lit_samples(page: Page) -> list[str]:
    """The titles of the input cells the current output reads: "x(t) = v" or padding."""
    cells = page.locator(".strip-input .sig-cell.tap").all()
    return [c.get_attribute("title") or "" for c in cells]


def test_the_moving_average_steps_sample_by_sample(spage: Page) -> None:
    x = [0, 0, 3, 6, 3, 0, 0, 9, 9, 9]
    expect(spage.locator('[data-player="counter"]')).to_have_text("Step 1 of 10")
    for t in range(4):
        # causal: y(t) = (x(t − 2) + x(t − 1) + x(t)) / 3, padding reading 0
        want = sum(x[a] for a in range(t - 2, t + 1) if a >= 0) / 3
        value = float(spage.locator(LINES).nth(2).get_attribute("data-value") or "nan")
        assert value == pytest.approx(want)
        assert len(lit_samples(spage)) == 3
        cells = spage.locator(OUT)
        assert cells.nth(t).get_attribute("class") is not None
        assert "current" in (cells.nth(t).get_attribute("class") or "")
        assert all(cells.nth(u).inner_text() == "" for u in range(t + 1, 10))  # still to come
        spage.keyboard.press("ArrowRight")
    expect(spage.locator('[data-player="counter"]')).to_have_text("Step 5 of 10")
    shot(spage, "signal-moving-average")


def test_causal_padding_reads_only_the_present_and_the_past(spage: Page) -> None:
    spage.locator('[data-param="dilation"]').fill("2")
    expect(spage.locator(".strip-input .sig-cell.pad")).to_have_count(4)  # (k − 1)·d on the left
    for t in range(6):
        titles = lit_samples(spage)
        read = [int(s[2:s.index(")")]) for s in titles if s.startswith("x(")]
        assert max(read) == t and all(t - a in (0, 2, 4) for a in read), titles
        spage.locator('[data-action="next"]').click()  # the focus is in a field: a button
    arithmetic = spage.locator('.axis[data-axis="length"] .axis-size')
    expect(arithmetic).to_have_text("10")  # causal keeps the length


def test_the_definition_reverses_the_kernel(page: Page, server: str) -> None:
    page.goto(server + "/signal?preset=difference")
    wait_ready(page)
    x = [0, 1, 3, 6, 10, 10, 10, 7, 3]
    for t in range(3):
        value = float(page.locator(LINES).nth(2).get_attribute("data-value") or "nan")
        assert value == x[t + 1] - x[t]  # s(t) = Σ x(a)·w(t − a) with w = [1, −1]
        page.keyboard.press("ArrowRight")
    expect(page.locator('[data-s="definition"]')).to_contain_text("w(t − a)")
    page.locator('[data-flip="0"]').check()  # cross-correlation: the kernel as typed
    page.wait_for_function("() => document.querySelector('[data-s=\"definition\"]')"
                           ".textContent.startsWith('cross')")
    page.keyboard.press("Home")
    value = float(page.locator(LINES).nth(2).get_attribute("data-value") or "nan")
    assert value == x[0] - x[1]


def test_the_wavenet_stack_traces_its_receptive_field(spage: Page) -> None:
    count = spage.locator('[data-stack="count"]')
    expect(count).to_have_attribute("data-traced", "16")  # dilations 1, 2, 4, 8 with k = 2
    assert count.get_attribute("data-formula") == "16"
    lit = spage.locator('[data-stack="figure"] circle.node.lit')
    expect(lit).to_have_count(1 + 2 + 4 + 8 + 16)  # the cone: 1, 2, 4, 8 nodes, 16 inputs
    spage.locator('[data-stack="figure"] circle.top[data-t="3"]').click()
    expect(count).to_have_attribute("data-traced", "4")  # early outputs see x(0) … x(3)
    shot(spage, "signal-wavenet")
    spage.locator('[data-stack="dilations"]').fill("1, 2, 4, 8, 16, 32, 64, 128, 256, 512")
    expect(count).to_have_attribute("data-traced", "1024", timeout=20_000)  # not 1,025
    assert count.get_attribute("data-formula") == "1024"


def test_a_typo_is_named_beside_its_field_and_kept(spage: Page, server: str) -> None:
    spage.locator('[data-param="kernel"]').fill("1/3, x, 1/3")
    error = spage.locator('[data-error-for="kernel"]')
    expect(error).to_contain_text("number 2")
    spage.wait_for_timeout(400)  # the draft is written at most every 250 ms
    spage.reload()
    expect(spage.locator('[data-param="kernel"]')).to_have_value("1/3, x, 1/3")
    spage.locator('[data-param="kernel"]').fill("1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1")
    spage.locator('[data-param="pad"]').select_option("valid")
    expect(spage.locator('[data-error-for="kernel"]')).to_contain_text("padded input")


def test_a_stack_too_deep_to_trace_says_so(spage: Page) -> None:
    spage.locator('[data-stack="dilations"]').fill(", ".join(["1024"] * 9))
    expect(spage.locator('[data-stack="error"]')).to_contain_text("9,217 samples")
    expect(spage.locator('[data-stack="error"]')).to_be_visible()


def test_the_keyboard_panel_lists_only_what_this_page_does(spage: Page, server: str) -> None:
    expect(spage.locator(".keys dt", has_text="Space")).to_be_visible()
    expect(spage.locator(".keys .pin-key").first).to_be_hidden()  # no linked cells here
    spage.goto(server + "/pool")
    expect(spage.locator(".keys .pin-key").first).to_be_visible()
