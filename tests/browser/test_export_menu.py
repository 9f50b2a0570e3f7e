"""The Export panel in a real Chromium: the lab's current step downloads as the figure
POST /api/figure draws (SVG with the step's formula, a GIF of every step, TikZ), the
theme follows the choice, and an over-limit GIF says which limit instead of failing."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

SVG = "{http://www.w3.org/2000/svg}"


def download(page: Page) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.locator('[data-export="download"]').click()
    d = info.value
    path = d.path()
    assert path is not None
    return d.suggested_filename, path.read_bytes()


def test_the_labs_step_downloads_as_svg_gif_and_tikz(lab: Page) -> None:
    lab.keyboard.press("ArrowRight")  # step 2: h₁₂ = … = 54
    expect(lab.locator('[data-player="counter"]')).to_contain_text("Step 2 of 4")
    lab.locator(".export-panel summary").click()
    expect(lab.locator('[data-export="step-note"]')).to_contain_text("Step 2 of this state")
    expect(lab.locator('[data-export="curl"]')).to_contain_text('"view":"conv2d"')
    name, svg = download(lab)
    assert name == "convviz-conv2d-step2.svg"
    formula = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")
               if t.get("class") == "formula"]
    assert formula == ["h₁₂ = 1·1 + 6·2 + 3·2 + 0·2 + 9·1 + 8·2 + 1·2 + 2·2 + 4·1 = 54"]
    expect(lab.locator('[data-export="status"]')).to_contain_text("convviz-conv2d-step2.svg")

    lab.locator('[data-export="format"]').select_option("gif")
    expect(lab.locator('[data-export="scale-box"]')).to_be_visible()
    lab.locator('[data-export="scale"]').select_option("1")
    name, gif = download(lab)
    frames = Image.open(io.BytesIO(gif))
    assert name == "convviz-conv2d.gif" and frames.n_frames == 4

    lab.locator('[data-export="format"]').select_option("tikz")
    lab.locator('[data-export="theme"]').select_option("print")
    name, tex = download(lab)
    assert name.endswith(".tex") and b"\\begin{tikzpicture}" in tex
    assert b"h$_{12}$ = 1$\\cdot $1" in tex
    assert b"{HTML}{FFFFFF}" in tex  # print: white paper


@pytest.mark.parametrize(("path", "view"), [("/transposed", "conv_transpose2d"),
                                            ("/pool", "pool2d"), ("/matrix", "conv2d/matrix"),
                                            ("/backward", "conv2d/backward"),
                                            ("/network", "network"), ("/pipeline", "pipeline"),
                                            ("/signal", "conv1d"), ("/volume", "conv3d")])
def test_every_figure_view_exports_its_state(page: Page, server: str, path: str,
                                             view: str) -> None:
    page.goto(server + path)
    page.wait_for_load_state("networkidle")  # the page's first answer is in
    page.locator(".export-panel summary").click()
    expect(page.locator('[data-export="curl"]')).to_contain_text("/api/figure")
    page.locator('[data-export="format"]').select_option("png")
    name, png = download(page)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 300
    assert name == f"convviz-{view.replace('/', '-')}-step1.png"


def test_an_over_limit_gif_names_the_limit(lab: Page) -> None:
    """A 12×12 input under a 1×1 kernel has 144 steps, more than a GIF's 120 frames: the
    panel says so (the other formats still draw the step)."""
    for _ in range(6):
        lab.locator('[data-editor="input"] [data-edit="add-row"]').click()
        lab.locator('[data-editor="input"] [data-edit="add-col"]').click()
    for _ in range(2):
        lab.locator('[data-editor="kernel"] [data-edit="del-row"]').click()
        lab.locator('[data-editor="kernel"] [data-edit="del-col"]').click()
    lab.locator('[data-param="stride.h"]').fill("1")
    lab.locator('[data-param="stride.w"]').fill("1")
    expect(lab.locator('[data-player="counter"]')).to_contain_text("of 144")
    lab.locator(".export-panel summary").click()
    lab.locator('[data-export="format"]').select_option("gif")
    lab.locator('[data-export="download"]').click()
    expect(lab.locator('[data-export="status"]')).to_contain_text("max_figure_frames")
    lab.locator('[data-export="format"]').select_option("svg")
    name, svg = download(lab)
    assert name == "convviz-conv2d-step1.svg"
    assert "h₁₁ = " in svg.decode()
