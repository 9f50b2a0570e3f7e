"""The transposed-convolution page as a user drives it, in a real Chromium.

Every number is read from the page's cells; the expected values are deck
002's transposed examples (seeds/README.md, example 5) or their first copies
(A1 = 1·K, A2 = 3·K) placed by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, wait_ready

OUT = '[data-t="output"] .grid .cell .v'
EQ_OUT = '[data-t="eq-output"] .grid .cell .v'
STRIDE_1 = [[0, 1, 3, 2], [3, 13, 17, 10], [6, 26, 29, 15], [21, 17, 11, 6]]
STRIDE_2 = [[0, 1, 0, 3, 0, 2], [3, 2, 9, 6, 6, 4], [0, 2, 0, 5, 0, 6],
            [6, 4, 15, 10, 18, 12], [0, 7, 0, 1, 0, 3], [21, 14, 3, 2, 9, 6]]


def flat(m: list[list[int]]) -> list[str]:
    return [str(v) for row in m for v in row]


@pytest.fixture
def tpage(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/transposed?preset=transposed-stride-1")
    wait_ready(page)
    yield page
    assert errors == [], errors


def cells(page: Page, kind: str, cls: str) -> set[tuple[int, int]]:
    return {(int(c.get_attribute("data-r") or -1), int(c.get_attribute("data-c") or -1))
            for c in page.locator(f'[data-t="{kind}"] .cell.{cls}').all()}


def test_stride_1_scatter_steps_to_deck_002s_output(tpage: Page) -> None:
    expect(tpage.locator("[data-player=counter]")).to_have_text("Step 1 of 9")
    # Step 1: x₁₁ = 1 places 1·K at the top-left: the running sum is A1 alone.
    expect(tpage.locator(OUT)).to_have_text(flat([[0, 1, 0, 0], [3, 2, 0, 0], [0] * 4, [0] * 4]))
    assert cells(tpage, "input", "tap") == {(0, 0)}
    assert cells(tpage, "output", "tap") == {(0, 0), (0, 1), (1, 0), (1, 1)}
    expect(tpage.locator('[data-t="formula"] [data-tf="title"]')).to_have_text("Step 1: x₁₁ = 1")
    tpage.locator("body").click(position={"x": 5, "y": 5})
    tpage.keyboard.press("ArrowRight")
    # Step 2: x₁₂ = 3 adds 3·K one column to the right: A1 + A2.
    expect(tpage.locator("[data-player=counter]")).to_have_text("Step 2 of 9")
    assert cells(tpage, "input", "tap") == {(0, 1)}
    expect(tpage.locator(OUT)).to_have_text(flat([[0, 1, 3, 0], [3, 11, 6, 0], [0] * 4, [0] * 4]))
    expect(tpage.locator('[data-t="output"] .cell.tap .k')).to_have_text(["+0", "+3", "+9", "+6"])
    expect(tpage.locator('[data-t="formula"] [data-tf="lines"] .eq-adds')).to_have_text(
        "h₁₂ += 3·0 = 0,  h₁₃ += 3·1 = 3,  h₂₂ += 3·3 = 9,  h₂₃ += 3·2 = 6")
    shot(tpage, "transposed-step-2")
    tpage.keyboard.press("End")
    expect(tpage.locator("[data-player=counter]")).to_have_text("Step 9 of 9")
    expect(tpage.locator(OUT)).to_have_text(flat(STRIDE_1))
    # The direct convolution over the padded input with the flipped kernel agrees.
    expect(tpage.locator(EQ_OUT)).to_have_text(flat(STRIDE_1))
    expect(tpage.locator('[data-t="eq-kernel"] .cell .v')).to_have_text(["2", "3", "1", "0"])
    expect(tpage.locator('[data-t="agree"]')).to_have_text(
        "Cell for cell the same as the scatter’s output.")
    expect(tpage.locator('[data-t="coverage"] .cell .v')).to_have_text(
        flat([[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]))
    expect(tpage.locator('[data-t="arithmetic"] .axis-sub').first).to_have_text(
        "o′ = 1(3 − 1) + 0 + 2 − 2·0 = 4")


def test_stride_2_from_the_preset_list(tpage: Page) -> None:
    tpage.select_option("[data-preset]", "transposed-stride-2")
    expect(tpage.locator('[data-t="output-size"]')).to_have_text("6 × 6")
    expect(tpage.locator(EQ_OUT)).to_have_text(flat(STRIDE_2))
    tpage.locator("body").click(position={"x": 5, "y": 5})
    tpage.keyboard.press("End")
    expect(tpage.locator(OUT)).to_have_text(flat(STRIDE_2))
    # The equivalent input has one zero inserted between cells and a 1-cell frame: 7 × 7.
    expect(tpage.locator('[data-t="eq-input-size"]')).to_have_text("7 × 7")
    expect(tpage.locator('[data-t="eq-input"] .cell .v').nth(8)).to_have_text("1")
    shot(tpage, "transposed-stride-2")


GRIDS_PAST_THEIR_PANEL = """() => [...document.querySelectorAll('.map .grid')].filter(g => {
  const panel = g.closest('.map').getBoundingClientRect();
  return g.getBoundingClientRect().right > panel.right + 0.5;
}).map(g => g.closest('[data-t]').dataset.t)"""


def test_a_6x6_output_fits_its_panel_on_a_1280_screen(tpage: Page) -> None:
    tpage.set_viewport_size({"width": 1280, "height": 800})
    tpage.select_option("[data-preset]", "transposed-stride-2")
    expect(tpage.locator('[data-t="output-size"]')).to_have_text("6 × 6")
    tpage.wait_for_function(f"({GRIDS_PAST_THEIR_PANEL})().length === 0")
    size = tpage.locator('[data-t="output"] .cell').first.bounding_box()
    assert size is not None and size["width"] >= 24  # shrunk to fit, still readable


def test_hovering_an_output_links_its_sources_and_its_window(tpage: Page) -> None:
    # h₂₂ = x₁₁·k₂₂ + x₁₂·k₂₁ + x₂₁·k₁₂ + x₂₂·k₁₁ = 1·2 + 3·3 + 2·1 + 5·0 = 13.
    tpage.locator('[data-t="output"] .cell[data-r="1"][data-c="1"]').hover()
    assert cells(tpage, "input", "linked") == {(0, 0), (0, 1), (1, 0), (1, 1)}
    expect(tpage.locator('[data-t="formula"] .eq-total')).to_have_text("1·2 + 3·3 + 2·1 + 5·0 = 13")
    assert cells(tpage, "eq-input", "tap") == {(1, 1), (1, 2), (2, 1), (2, 2)}
    expect(tpage.locator('[data-t="eq-formula"] [data-f="lines"]')).to_have_text(
        "1·2 + 3·3 + 2·1 + 5·0 = 13")
    tpage.locator('[data-t="output"] .cell[data-r="1"][data-c="1"]').click()
    tpage.mouse.move(2, 2)
    expect(tpage.locator('[data-t="formula"] [data-tf="title"]')).to_have_text("h₂₂")
    shot(tpage, "transposed-hover")
    tpage.keyboard.press("Escape")
    expect(tpage.locator('[data-t="formula"] [data-tf="title"]')).to_have_text("Step 1: x₁₁ = 1")


def test_a_shared_link_restores_the_demo(tpage: Page, page: Page) -> None:
    tpage.locator('[data-param="stride.h"]').fill("2")
    tpage.locator('[data-param="stride.w"]').fill("2")
    expect(tpage.locator('[data-t="output-size"]')).to_have_text("6 × 6")
    tpage.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(4):
        tpage.keyboard.press("ArrowRight")
    expect(tpage.locator("[data-player=counter]")).to_have_text("Step 5 of 9")
    tpage.wait_for_function("() => window.location.search.includes('step=4')")
    link = tpage.url
    fresh = tpage.context.new_page()
    fresh.goto(link)
    wait_ready(fresh)
    expect(fresh.locator("[data-player=counter]")).to_have_text("Step 5 of 9")
    expect(fresh.locator('[data-param="stride.h"]')).to_have_value("2")
    assert cells(fresh, "input", "tap") == {(1, 1)}
    expect(fresh.locator(EQ_OUT)).to_have_text(flat(STRIDE_2))


def test_bad_values_are_named_next_to_their_field(tpage: Page) -> None:
    tpage.locator('[data-param="dilation.h"]').fill("")
    expect(tpage.locator('[data-error-for="dilation"]')).to_contain_text("whole number")
    tpage.locator('[data-param="dilation.h"]').fill("0")
    expect(tpage.locator('[data-error-for="dilation"]')).to_be_visible()
    tpage.locator('[data-param="dilation.h"]').fill("1")
    expect(tpage.locator('[data-error-for="dilation"]')).to_be_hidden()
    # The server's rule: output padding must be below the stride or the dilation.
    tpage.locator('[data-param="output_padding.h"]').fill("1")
    expect(tpage.locator('[data-error-for="output_padding"]')).to_be_visible()
    expect(tpage.locator('[data-status]')).to_contain_text("refused")
    shot(tpage, "transposed-error")
    tpage.locator('[data-editor="input"] input[data-r="0"][data-c="0"]').fill("a")
    expect(tpage.locator('[data-error-for="input"]')).to_contain_text("not a number")


def test_two_channels_with_stride_padding_and_output_padding_match_torch(page: Page,
                                                                          server: str) -> None:
    """Every output cell on the page, scatter and equivalent convolution alike, equals
    torch.nn.functional.conv_transpose2d for 2 → 2 channels, stride 2, padding 1,
    output padding 1 and a bias per output channel."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    x = np.array([[[1, -2, 0], [3, 1, 2]], [[0, 2, -1], [1, 0, 4]]])          # (2, 2, 3)
    w = np.array([[[[1, 0], [2, -1]], [[0, 1], [1, 1]]],
                  [[[-1, 2], [0, 1]], [[3, 0], [-2, 1]]]])                    # (2, 2, 2, 2)
    bias = [1, -2]
    expected = F.conv_transpose2d(torch.tensor(x, dtype=torch.float64)[None],
                                  torch.tensor(w, dtype=torch.float64),
                                  torch.tensor(bias, dtype=torch.float64), stride=2, padding=1,
                                  output_padding=1)[0].numpy()

    def enc3(a: Any) -> str:
        return "_".join(";".join(",".join(str(v) for v in row) for row in ch) for ch in a)

    query = (f"input={enc3(x)}&kernel={'~'.join(enc3(f) for f in w)}&bias=1,-2"
             f"&stride=2,2&padding=1,1&outpad=1,1")
    page.goto(f"{server}/transposed?{query}")
    wait_ready(page)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("End")
    want = [str(int(v)).replace("-", "−") for v in expected.ravel()]
    expect(page.locator(OUT)).to_have_text(want)
    expect(page.locator(EQ_OUT)).to_have_text(want)
    # (2 − 1)·2 − 2·1 + 2 + 1 = 3 rows, (3 − 1)·2 − 2·1 + 2 + 1 = 5 columns.
    expect(page.locator('[data-t="output-size"]')).to_have_text("2 × 3 × 5")


def test_the_bias_fields_are_one_per_output_channel(page: Page, server: str) -> None:
    """Two input channels in two groups, one filter each: two output channels, two bias
    fields (not one per input channel block), each reaching its own output channel."""
    query = ("input=1,2;3,4_0,1;1,0&kernel=1,0;0,1~2,0;0,2&groups=2&bias=10,-10")
    page.goto(f"{server}/transposed?{query}")
    wait_ready(page)
    fields = page.locator('[data-editor="kernel"] input[data-bias]')
    expect(fields).to_have_count(2)
    expect(fields.nth(1)).to_have_attribute("aria-label", "bias of output channel 2")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("End")
    # Channel 1: x₁ scattered by [[1,0],[0,1]] plus 10; channel 2: 2·x₂ minus 10.
    expect(page.locator(OUT).first).to_have_text("11")
    fields.nth(1).fill("5")
    expect(page.locator('[data-t="output"] .grid').nth(1).locator(".cell .v").first).to_have_text(
        "5")
