"""The Code panel in a real Chromium: the stride-3 example's PyTorch and NumPy snippets,
copied out of the page and run, print the output the lab shows; every view that has a
snippet shows one for its state."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_ready


def run(source: str) -> object:
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                          timeout=120, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_labs_snippets_print_what_the_lab_shows(lab: Page) -> None:
    lab.locator(".code-panel summary").click()
    pytorch = lab.locator('[data-code="pytorch"]')
    expect(pytorch).to_contain_text("F.conv2d(x, w, b, stride=[3, 3]")
    numpy = lab.locator('[data-code="numpy"]')
    expect(numpy).to_contain_text("for o in range(c_out):")
    assert run(pytorch.text_content() or "") == [[[52.0, 54.0], [52.0, 54.0]]]
    assert run(numpy.text_content() or "") == [[[52.0, 54.0], [52.0, 54.0]]]


@pytest.mark.parametrize(("path", "call"), [("/pool", "F.max_pool2d"),
                                            ("/transposed", "F.conv_transpose2d"),
                                            ("/backward", "y.backward(dy)"),
                                            ("/pipeline", "F.conv2d(y")])
def test_each_view_shows_its_code(page: Page, server: str, path: str, call: str) -> None:
    page.goto(server + path)
    if path == "/pipeline":
        expect(page.locator(".pipe-strip")).to_have_count(4)
    else:
        wait_ready(page)
    page.locator(".code-panel summary").click()
    expect(page.locator('[data-code="pytorch"]')).to_contain_text(call)


def test_the_network_view_shows_its_stack_in_torch_nn(page: Page, server: str) -> None:
    """The printed parameter count is the table's total (run here, as a user would)."""
    page.goto(server + "/network")
    expect(page.locator(".code-panel")).to_be_visible()
    page.locator(".code-panel summary").click()
    pytorch = page.locator('[data-code="pytorch"]')
    expect(pytorch).to_contain_text("nn.LazyConv2d(")
    expect(page.locator('[data-code="numpy"]')).to_be_hidden()
    printed = run(pytorch.text_content() or "")
    page.locator(".twin summary").click()  # the JSON twin: the body the table came from
    twin = page.locator('[data-twin="body"]')
    expect(twin).to_contain_text("{")
    table = httpx.post(server + "/api/network", json=json.loads(twin.text_content() or "")
                       ).json()
    assert printed == {"output_shape": table["output_shape"],
                       "params": table["total"]["params"]}
