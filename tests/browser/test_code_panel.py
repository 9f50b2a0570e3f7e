"""The Code panel in a real Chromium: the stride-3 example's PyTorch and NumPy snippets,
copied out of the page and run, print the output the lab shows; every view that has a
snippet shows both for its state (the network's is torch.nn only)."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.app.test_code import PIPELINE_PRESETS
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
    expect(page.locator('[data-code-head="numpy"]')).to_be_visible()
    expect(page.locator('[data-code="numpy"]')).to_contain_text("print(json.dumps(")


def test_the_pipelines_numpy_snippet_prints_every_stage(page: Page, server: str) -> None:
    """The page's presets are tests/app/test_code.py's copy (which runs every one); the
    first, as the page opens, copied out of its Code panel and run, prints every stage's
    output as POST /api/pipeline answers it."""
    page.goto(server + "/pipeline")
    expect(page.locator(".pipe-strip")).to_have_count(4)
    presets = page.evaluate("async () => (await import("
                            "'/static/js/views/pipeline/presets.js')).PRESETS")
    assert {p["name"]: {"source": p["source"], "size": p["size"], "stages": p["stages"]}
            for p in presets} == PIPELINE_PRESETS
    page.locator(".code-panel summary").click()
    numpy = page.locator('[data-code="numpy"]')
    expect(numpy).to_contain_text("def max_pool2d(")
    printed = run(numpy.text_content() or "")
    picture = httpx.get(server + "/api/images/camera", params={"size": 128}).json()["input"]
    answer = httpx.post(server + "/api/pipeline", json={
        "input": picture, "stages": PIPELINE_PRESETS["sobel-relu-pool"]["stages"]}).json()
    assert printed == [stage["output"] for stage in answer["stages"]]


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
