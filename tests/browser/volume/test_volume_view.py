"""The volume page (3-D convolution) as a user drives it, in a real Chromium.

What the page shows is read from its cells and compared with POST /api/conv3d asked the
same body: the lit window against `step.window`, the formula's value and the output cells
against `step.value` and `output`. The input below is 4 × 4 × 4 and the kernel 2 × 2 × 2,
so the output is 3 × 3 × 3, 27 steps, and every window spans two depth slices.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, wait_ready

INPUT = [[[1, 2, 0, 3], [4, 1, 2, 0], [0, 3, 1, 2], [2, 0, 4, 1]],
         [[3, 0, 1, 2], [1, 4, 0, 3], [2, 1, 3, 0], [0, 2, 1, 4]],
         [[0, 1, 3, 1], [2, 0, 1, 4], [3, 2, 0, 1], [1, 3, 2, 0]],
         [[2, 3, 1, 0], [0, 1, 4, 2], [1, 0, 2, 3], [4, 2, 0, 1]]]
KERNEL = [[[1, -2], [0, 1]], [[-1, 0], [3, 2]]]
BIAS = -1
BODY: dict[str, Any] = {"input": INPUT, "kernel": KERNEL, "bias": BIAS, "stride": 1,
                        "padding": 0, "dilation": 1, "padding_mode": "zeros",
                        "flip_kernel": False, "trace": True}
COUNTER = "[data-player=counter]"
VALUE = '[data-v="formula"] [data-vf="value"]'


def volume_query(volume: list[list[list[int]]]) -> str:
    """The URL form of a volume: rows by ";", cells by ",", depth slices by "_"."""
    return "_".join(";".join(",".join(str(v) for v in row) for row in s) for s in volume)


def text_of(v: float) -> str:
    """A number as the page writes it (a real minus sign)."""
    return str(int(v)).replace("-", "\u2212") if v == int(v) else str(v)


def conv3d(page: Page, server: str, **change: Any) -> dict[str, Any]:
    response = page.request.post(server + "/api/conv3d", data={**BODY, **change})
    assert response.ok, response.text()
    answer: dict[str, Any] = response.json()
    return answer


def lit(page: Page) -> set[tuple[int, int, int]]:
    """(padded depth, row, col) of every input cell the window reads now."""
    cells = set()
    for z, figure in enumerate(page.locator('[data-v="input"] .grid-figure').all()):
        for cell in figure.locator(".cell.tap").all():
            cells.add((z, int(cell.get_attribute("data-r") or -1),
                       int(cell.get_attribute("data-c") or -1)))
    return cells


@pytest.fixture
def vpage(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/volume?input={volume_query(INPUT)}&kernel={volume_query(KERNEL)}"
              f"&bias={BIAS}")
    wait_ready(page)
    yield page
    assert errors == [], errors


def test_the_first_load_shows_a_volume_its_kernel_and_the_first_step(page: Page,
                                                                      server: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/volume")
    wait_ready(page)
    expect(page.locator(COUNTER)).to_have_text("Step 1 of 27")
    expect(page.locator('[data-v="input"] figcaption')).to_have_text(
        ["depth 1", "depth 2", "depth 3", "depth 4"])
    expect(page.locator('[data-v="kernel"] figcaption')).to_have_text(
        ["kernel slice 1", "kernel slice 2"])
    expect(page.locator('[data-v="output"] figcaption')).to_have_text(
        ["depth 1", "depth 2", "depth 3"])
    expect(page.locator('[data-v="output-size"]')).to_have_text("3 × 3 × 3")
    expect(page.locator("[data-status]")).to_contain_text("4×4×4 volume")
    shot(page, "volume-default")
    assert errors == [], errors


def test_the_window_is_lit_in_both_depth_slices_it_reads(vpage: Page, server: str) -> None:
    steps = conv3d(vpage, server)["steps"]
    assert lit(vpage) == {tuple(p) for p in steps[0]["window"]}
    vpage.get_by_role("button", name="next step").click()
    expect(vpage.locator(COUNTER)).to_have_text("Step 2 of 27")
    vpage.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(3):
        vpage.keyboard.press("ArrowRight")
    expect(vpage.locator(COUNTER)).to_have_text("Step 5 of 27")
    window = steps[4]["window"]  # output (depth 1, row 2, col 2)
    cells = lit(vpage)
    assert len(cells) == 2 * 2 * 2 == len(window)
    assert cells == {tuple(p) for p in window}
    assert {z for z, _, _ in cells} == {0, 1}  # both input slices, four cells in each
    # Each lit cell names the kernel slice that reads it: taps 0–3 slice 1, 4–7 slice 2.
    for t, (z, r, c) in enumerate(window):
        cell = vpage.locator('[data-v="input"] .grid-figure').nth(z).locator(
            f'.cell[data-r="{r}"][data-c="{c}"]')
        expect(cell.locator(".k")).to_have_text(f"k{t // 4 + 1}")
        expect(cell).to_have_class(re.compile(rf"\btap ks-{t // 4}\b"))
    expect(vpage.locator('[data-v="kernel"] .ks-reads')).to_have_text(
        ["reads depth 1", "reads depth 2"])
    shot(vpage, "volume-step-5")
    # The link keeps the step.
    vpage.wait_for_function("() => window.location.search.includes('step=4')")
    fresh = vpage.context.new_page()
    fresh.goto(vpage.url)
    wait_ready(fresh)
    expect(fresh.locator(COUNTER)).to_have_text("Step 5 of 27")
    assert lit(fresh) == {tuple(p) for p in window}


def test_the_value_shown_is_the_apis_and_the_output_fills_slice_by_slice(
        vpage: Page, server: str) -> None:
    answer = conv3d(vpage, server)
    vpage.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(13):
        vpage.keyboard.press("ArrowRight")
    expect(vpage.locator(COUNTER)).to_have_text("Step 14 of 27")
    step = answer["steps"][13]
    assert step["out"] == [0, 1, 1, 1]  # the centre of output slice 2
    expect(vpage.locator(VALUE)).to_have_text(text_of(step["value"]))
    expect(vpage.locator('[data-vf="title"]')).to_have_text("h₂₂₂")
    # The kernel slices' lines, then Σ products + b: partial sum + bias = value.
    total = vpage.locator('[data-v="formula"] .eq-total')
    expect(total).to_have_text(f"Σ products + b: {text_of(step['partial_sums'][0])} + "
                               f"({text_of(BIAS)}) = {text_of(step['value'])}")
    first = vpage.locator('[data-v="formula"] .ks-line').first
    expect(first).to_contain_text("k1 on depth 2:")
    # Slice 1 complete, slice 2 up to its centre, slice 3 blank.
    output = [v for s in answer["output"] for row in s for v in row]
    values = vpage.locator('[data-v="output"] .cell .v')
    cells = vpage.locator('[data-v="output"] .cell')
    for i in range(27):
        if i <= 13:
            expect(values.nth(i)).to_have_text(text_of(output[i]))
            expect(values.nth(i)).to_be_visible()
        else:
            expect(cells.nth(i)).to_have_class(re.compile(r"\btodo\b"))
            expect(values.nth(i)).to_be_hidden()
    expect(cells.nth(13)).to_have_class(re.compile(r"\bcurrent\b"))
    vpage.keyboard.press("End")
    expect(vpage.locator(VALUE)).to_have_text(text_of(answer["steps"][26]["value"]))
    expect(vpage.locator('[data-v="output"] .cell.todo')).to_have_count(0)


def test_a_depth_stride_changes_the_depth_arithmetic(vpage: Page, server: str) -> None:
    depth = vpage.locator('[data-axis="depth"] .axis-size')
    expect(depth).to_have_text("3")
    vpage.locator('[data-param="stride.d"]').fill("2")
    expect(depth).to_have_text("2")  # ⌊(4 − 2) / 2⌋ + 1
    expect(vpage.locator('[data-axis="height"] .axis-size')).to_have_text("3")
    expect(vpage.locator('[data-axis="depth"] .axis-sub')).to_contain_text("/ 2⌋ + 1 = 2")
    expect(vpage.locator(COUNTER)).to_have_text("Step 1 of 18")
    expect(vpage.locator('[data-v="output"] figcaption')).to_have_text(["depth 1", "depth 2"])
    # The second output slice reads input slices 3 and 4.
    answer = conv3d(vpage, server, stride=[2, 1, 1])
    vpage.locator("body").click(position={"x": 5, "y": 5})
    vpage.keyboard.press("End")
    assert lit(vpage) == {tuple(p) for p in answer["steps"][17]["window"]}
    assert {z for z, _, _ in lit(vpage)} == {2, 3}
    expect(vpage.locator(VALUE)).to_have_text(text_of(answer["steps"][17]["value"]))


def test_padding_shows_padding_slices_and_their_reads(vpage: Page, server: str) -> None:
    vpage.locator('[data-param="padding.d"]').fill("1")
    expect(vpage.locator('[data-v="input"] figcaption')).to_have_text(
        ["padding", "depth 1", "depth 2", "depth 3", "depth 4", "padding"])
    expect(vpage.locator('[data-v="input-size"]')).to_have_text("4 × 4 × 4, padded to 6 × 4 × 4")
    expect(vpage.locator('[data-v="kernel"] .ks-reads')).to_have_text(
        ["reads padding", "reads depth 1"])
    first = vpage.locator('[data-v="input"] .grid-figure').first
    expect(first.locator(".cell.pad")).to_have_count(16)
    expect(vpage.locator('[data-v="formula"] .ks-line').first.locator(".term.pad")).to_have_count(4)


def test_an_invalid_value_is_named_beside_its_field_and_kept(vpage: Page) -> None:
    # Dilation 5 in depth: the 2-slice kernel spans 6 slices, more than the 4 there are.
    dilation = vpage.locator('[data-param="dilation.d"]')
    dilation.fill("5")
    errors = vpage.locator('[data-editor="kernel"] [data-error-for="kernel"]')
    expect(errors).to_contain_text("spans 6")
    expect(errors).to_contain_text("more than the padded input")
    expect(vpage.locator("[data-status]")).to_contain_text("refused")
    expect(dilation).to_have_value("5")
    shot(vpage, "volume-error")
    vpage.wait_for_function("() => window.location.search.includes('dilation=5')")
    vpage.reload()  # the refused state comes back as typed, with its message
    expect(errors).to_contain_text("spans 6")
    expect(vpage.locator('[data-param="dilation.d"]')).to_have_value("5")
    vpage.locator('[data-param="dilation.d"]').fill("1")
    expect(errors).to_be_empty()
    # A cell that is not a number: marked where it is, named by its depth, kept.
    cell = vpage.locator('[data-editor="input"] input[data-s="2"][data-r="1"][data-c="3"]')
    cell.fill("four")
    expect(cell).to_have_class(re.compile(r"\binvalid\b"))
    expect(vpage.locator('[data-error-for="input"]')).to_contain_text(
        "depth 3, row 2, column 4")
    expect(cell).to_have_value("four")
    vpage.locator('[data-param="stride.h"]').fill("")
    expect(vpage.locator('[data-error-for="stride"]')).to_contain_text("stride (height)")


def test_the_examples_and_a_phone_and_a_projector(page: Page, server: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/volume")
    wait_ready(page)
    page.select_option("[data-preset]", "video")
    expect(page.locator(COUNTER)).to_have_text("Step 1 of 32")
    expect(page.locator('[data-v="kernel-size"]')).to_have_text("3 × 1 × 1")
    expect(page.locator("[data-status]")).to_contain_text("motion blur")
    # The dot at frame 1, (1, 1): the mean over frames 1–3 at (1, 1) is 9 / 3.
    page.select_option("[data-preset]", "stride-pad")
    expect(page.locator(COUNTER)).to_have_text("Step 1 of 8")
    expect(page.locator('[data-v="formula"] .ks-line')).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "volume-phone")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.locator("body").click(position={"x": 2, "y": 2})
    page.keyboard.press("p")
    expect(page.locator("body")).to_have_class("present")
    page.wait_for_timeout(250)  # the drawer's transition
    expect(page.locator(".lab > .sidebar")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shot(page, "volume-present")
    assert errors == [], errors


def test_the_code_and_json_panels_hold_this_volume(vpage: Page, server: str) -> None:
    vpage.locator(".code-panel summary").click()
    expect(vpage.locator('[data-code="pytorch"]')).to_contain_text("F.conv3d")
    numpy = vpage.locator('[data-code="numpy"]')
    expect(numpy).not_to_have_text("Writing the code…")
    done = subprocess.run([sys.executable, "-c", numpy.text_content() or ""],
                          capture_output=True, text=True, timeout=60,
                          env={"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    # The snippet keeps the output-channel axis: one filter, so one (D, H, W) volume.
    assert json.loads(done.stdout) == [conv3d(vpage, server)["output"]]
    vpage.locator(".twin summary").click()
    expect(vpage.locator('[data-twin="body"]')).to_contain_text('"input"')  # filled on open
    body = json.loads(vpage.locator('[data-twin="body"]').text_content() or "{}")
    assert body["input"] == INPUT and body["kernel"] == KERNEL and body["bias"] == BIAS
