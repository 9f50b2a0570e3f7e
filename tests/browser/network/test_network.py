"""The /network page as a user drives it, in a real Chromium: a preset's table, a formula
opened, a layer edited (and a bad one marked in place), the receptive field painted for
a picked cell, the switches, and the link into the lab. Expected figures are the
architectures' published ones and hand arithmetic, not the page's own."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot

TABLE = '[data-net="table"]'


def row(page: Page, path: str) -> str:
    return f'{TABLE} tr[data-path="{path}"]'


@pytest.fixture
def net(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server + "/network?preset=resnet18")
    expect(page.locator('[data-total="parameters"]')).to_have_text("11,689,512")
    yield page
    assert errors == [], errors


def test_a_presets_table_with_formulas(net: Page) -> None:
    expect(net.locator(f"{TABLE} tr[data-path]")).to_have_count(69)  # 62 layers, 8 additions
    expect(net.locator('[data-total="MACs"]')).to_have_text("1,814,073,344")
    expect(net.locator('[data-net="reference"]')).to_contain_text("He, Zhang, Ren & Sun")
    first = net.locator(row(net, "0"))
    expect(first.locator('td[data-col="output_shape"]')).to_have_text("64 × 112 × 112")
    first.locator('button[data-col="params"]').click()
    expect(net.locator(f'{TABLE} td[data-formula="params"]')).to_have_text(
        "params = C_out·(C_in/groups·k_h·k_w + bias) = 64·(3·7·7 + 0) = 9,408")
    first.locator('button[data-col="receptive_field"]').click()
    expect(net.locator(f'{TABLE} td[data-formula="receptive_field"]')).to_contain_text(
        "r = r_in + (k − 1)·j_in = 1 + (7 − 1)·1 = 7")
    # FLOPs are 2 × MACs; bias additions count only when asked (ResNet's fc has the only bias).
    net.locator('[data-net="ops"][value="flops"]').check()
    expect(net.locator('[data-total="FLOPs"]')).to_have_text("3,628,146,688")
    net.locator('[data-net="bias"]').check()
    expect(net.locator('[data-total="FLOPs + bias adds"]')).to_have_text("3,628,147,688")
    assert net.evaluate("() => document.documentElement.scrollWidth") <= 1280
    shot(net, "network-resnet18")


def test_editing_a_layer_recounts_and_a_bad_one_is_marked_in_place(net: Page) -> None:
    args = net.locator('[data-net="stack"] li[data-loc="layers.0"] .net-args')
    args.fill("out_channels=64 kernel_size=3 stride=2 padding=1 bias=false")
    args.press("Enter")
    # 64·(3·3·3 + 0) = 1,728; the output stays 112 × 112: ⌊(224 + 2 − 3) / 2⌋ + 1.
    expect(net.locator(row(net, "0")).locator('td[data-col="params"]')).to_have_text("1,728")
    expect(net.locator('[data-total="parameters"]')).to_have_text("11,681,832")  # − 9,408 + 1,728
    expect(net.locator(row(net, "0")).locator('td[data-col="output_shape"]')).to_have_text(
        "64 × 112 × 112")
    # 32 filters: the first block's body then gives 64 channels, its identity shortcut 32.
    args = net.locator('[data-net="stack"] li[data-loc="layers.0"] .net-args')
    args.fill("out_channels=32 kernel_size=7 stride=2 padding=3 bias=false")
    args.press("Enter")
    expect(net.locator('[data-net="stack"] li[data-loc="layers.4"]')).to_have_class(
        re.compile(r"\binvalid\b"))
    reason = net.locator('[data-net="stack"] li[data-loc="layers.4"] > .field-error')
    expect(reason).to_contain_text(
        "residual adds its body's output (64, 56, 56) to its shortcut's (32, 56, 56)")
    expect(net.locator('[data-status]')).to_contain_text("refused")
    args = net.locator('[data-net="stack"] li[data-loc="layers.0"] .net-args')
    args.fill("out_channels=64 kernel_size=7 stride=2 padding=3 bias=false")
    args.press("Enter")
    expect(net.locator('[data-total="parameters"]')).to_have_text("11,689,512")
    expect(net.locator('[data-net="title"]')).to_contain_text("edited from ResNet-18")
    # The URL holds the edited stack (written at most every 250 ms): a reload restores it.
    net.wait_for_timeout(400)
    assert net.evaluate("() => location.hash").startswith("#z=")  # a long state, packed
    net.reload()
    expect(net.locator('[data-total="parameters"]')).to_have_text("11,689,512")
    expect(net.locator('[data-net="title"]')).to_contain_text("edited from ResNet-18")


def test_the_receptive_field_of_a_picked_cell_is_painted(net: Page) -> None:
    net.locator(row(net, "4.body.0")).locator('td[data-col="type"]').click()
    text = net.locator('[data-net="rf-text"]')
    # Middle cell (29, 29) of 56 × 56: field 19, stride 4, padding 9 →
    # rows (29 − 1)·4 − 9 + 1 = 104 to 122.
    expect(text).to_contain_text("Output cell (29, 29) of layer 4.body.0 sees input rows "
                                 "104–122, columns 104–122 (counting from 1)")
    expect(text).to_contain_text("Field 19 × 19, effective stride 4 × 4, effective padding 9 × 9")
    out = net.locator('[data-net="rf-output"]')
    out.scroll_into_view_if_needed()
    box = out.bounding_box()
    assert box is not None
    net.mouse.click(box["x"] + 0.5 * box["width"] / 56, box["y"] + 0.5 * box["height"] / 56)
    expect(text).to_contain_text("Output cell (1, 1) of layer 4.body.0 sees input rows 1–10")
    expect(text).to_contain_text("the rest of its field lies in the padding")
    rf = net.locator('[data-net="rf-input"]').get_attribute("data-rf")
    assert rf == '{"rows":[-9,9],"cols":[-9,9]}'
    shot(net, "network-receptive-field")


def test_a_layer_opens_in_the_lab_with_its_geometry(net: Page) -> None:
    link = net.locator(row(net, "0")).locator("a[data-open]")
    expect(link).to_have_attribute("title", re.compile(r"224 × 224: cut to 64 × 64"))
    link.click()
    expect(net).to_have_url(re.compile(r"/(\?input=|#z=)"))  # a long state is packed
    # 7×7 at stride 2 with padding 3 on 64 × 64: ⌊(64 + 6 − 7) / 2⌋ + 1 = 32.
    expect(net.locator('[data-stage="output-size"]')).to_have_text("32 × 32")
    expect(net.locator('[data-param="stride.h"]')).to_have_value("2")


def test_the_page_fits_a_phone(page: Page, server: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/network?preset=mobilenet-v1")
    expect(page.locator('[data-total="parameters"]')).to_have_text("4,231,976")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_a_network_exercise_opens_its_stack_in_the_network_page(page: Page, server: str) -> None:
    page.goto(server + "/practice?id=network-shape.2.7.v1")
    expect(page.locator('[data-pick="id"]')).to_have_text("network-shape.2.7.v1")
    page.click('[data-action="solution"]')
    expect(page.locator('[data-s="steps"] li').first).to_contain_text("Layer 1 (conv2d)")
    page.click('[data-s="links"] a[data-watch="0"]')
    expect(page).to_have_url(re.compile(r"/network\?net=&shape="))
    # The key is [10, 2, 2] (tests/engine/test_exercises_oracles.py checks it with torch).
    expect(page.locator('[data-total="output"]')).to_have_text("10 × 2 × 2")
    expect(page.locator('[data-net="title"]')).to_have_text("Custom network")
