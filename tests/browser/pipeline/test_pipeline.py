"""The /pipeline page as a user drives it, in a real Chromium: a preset's maps drawn on
canvases (checked pixel by pixel against torch), each display mode, the dependency
outline on hover, a stage stepped cell by cell, a PNG opened and one pasted, a digit
drawn, a bad stage marked in place, and a map carried into the lab."""

from __future__ import annotations

import base64
import io
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot

SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
PRESENTATION = Path(__file__).resolve().parents[3] / "artifacts" / "presentation"
STRIP = '.pipe-strip[data-level="{}"]'


@pytest.fixture
def pipe(page: Page, server: str) -> Iterator[Page]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 900})
    yield page
    assert errors == [], errors

# The gradients fill in one stage every 220 ms after the first Plotly plot of the page
# (about 2 s of script on an idle machine): 4.5 s from load there, more on a busy CI.
REVEAL_MS = 20_000


def revealed(pipe: Page) -> None:
    """Wait until every gradient map of the backward mode has filled in."""
    expect(pipe.locator('[data-pipe="strips"]')).to_have_attribute(
        "data-revealed", "all", timeout=REVEAL_MS)


def open_preset(page: Page, server: str, name: str, stages: int) -> None:
    page.goto(f"{server}/pipeline?p={name}")
    expect(page.locator(".pipe-strip")).to_have_count(stages + 1)


def pixels(page: Page, selector: str, index: int = 0) -> np.ndarray:
    """The RGBA pixels of a canvas, (H, W, 4)."""
    data = page.evaluate("""([sel, i]) => {
        const c = document.querySelectorAll(sel)[i];
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        return {w: c.width, h: c.height, px: Array.from(d.data)};
    }""", [selector, index])
    return np.asarray(data["px"], dtype=np.uint8).reshape(data["h"], data["w"], 4)


def camera(server: str, size: int) -> np.ndarray:
    import httpx
    body = httpx.get(f"{server}/api/images/camera", params={"size": size}).json()
    return np.asarray(body["input"], dtype=np.float64)


def torch_chain(picture: np.ndarray) -> list[np.ndarray]:
    x = torch.tensor(picture)[None]
    conv = F.conv2d(x, torch.tensor([[SOBEL_X]], dtype=torch.float64), padding=1)
    return [conv[0].numpy(), F.relu(conv)[0].numpy(), F.max_pool2d(F.relu(conv), 2)[0].numpy()]


def test_a_preset_draws_every_stage_and_each_display_mode(pipe: Page, server: str) -> None:
    open_preset(pipe, server, "sobel-relu-pool", 3)
    want = torch_chain(camera(server, 128))
    expect(pipe.locator(f"{STRIP.format(0)} .pipe-strip-info")).to_have_text(
        f"1 × 128 × 128, values {want[0].min():.0f} to {want[0].max():.0f}".replace("-", "−"))
    expect(pipe.locator(f"{STRIP.format(2)} .pipe-strip-info")).to_contain_text("1 × 64 × 64")
    picture = pixels(pipe, f"{STRIP.format(-1)} .pipe-pix")
    np.testing.assert_array_equal(picture[..., 0], camera(server, 128)[0])
    conv = want[0][0]
    m = np.abs(conv).max()
    checks = {  # mode → (caption, the gray a cell must be drawn in)
        "abs": (f"|x|, 0 black to {m:.0f} white", np.rint(np.abs(conv) / m * 255)),
        "stretch": (None, np.rint((conv - conv.min()) / (conv.max() - conv.min()) * 255)),
        "clamp": ("clamped to 0–255 (negatives black)", np.clip(np.rint(conv), 0, 255)),
    }
    scale = pipe.locator(f"{STRIP.format(0)} .pipe-scale")
    expect(scale).to_have_text(f"diverging, ±{m:.0f} (0 grey)")
    drawn = pixels(pipe, f"{STRIP.format(0)} .pipe-pix")
    assert (drawn[conv == 0][:, :3] == 235).all()  # zero is the neutral grey
    assert (drawn[conv < -m / 2][:, 2] > drawn[conv < -m / 2][:, 0]).all()  # negatives blue
    for mode, (caption, gray) in checks.items():
        pipe.locator(f'[data-pipe="look"][value="{mode}"]').check()
        if caption:
            expect(scale).to_have_text(caption)
        else:
            expect(scale).to_contain_text("min–max")
        drawn = pixels(pipe, f"{STRIP.format(0)} .pipe-pix")
        assert np.abs(drawn[..., 0].astype(int) - gray).max() <= 1, mode
    assert "look=clamp" in pipe.evaluate("() => location.href")
    shot(pipe, "pipeline-preset")


def test_hovering_a_pooled_cell_outlines_what_it_depends_on(pipe: Page, server: str) -> None:
    open_preset(pipe, server, "sobel-relu-pool", 3)
    over = pipe.locator(f"{STRIP.format(2)} .pipe-over")
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    assert box is not None
    # cell (row 10, column 20) of the 64 × 64 pooled map, counting from 0
    over.hover(position={"x": (20 + 0.5) / 64 * box["width"], "y": (10 + 0.5) / 64 * box["height"]})
    readout = pipe.locator('[data-pipe="readout"]')
    want = torch_chain(camera(server, 128))[2][0, 10, 20]
    expect(readout).to_contain_text(f"stage 3, map 1, row 11, column 21 (counting from 1): "
                                    f"{want:g}")
    # 2 × 2 pooling of a 3 × 3 convolution: rows 19–22 and columns 39–42 of the picture
    expect(readout).to_contain_text("it depends on 16 cells in 1 map of the picture")
    picture = pipe.locator(f"{STRIP.format(-1)} .pipe-over")
    expect(picture).to_have_attribute("data-rows", "19-22")
    expect(picture).to_have_attribute("data-cols", "39-42")
    conv = pipe.locator(f"{STRIP.format(0)} .pipe-over")  # the pool's window
    expect(conv).to_have_attribute("data-rows", "20-21")
    expect(conv).to_have_attribute("data-cols", "40-41")
    lit = pixels(pipe, f"{STRIP.format(-1)} .pipe-over")[..., 3] > 0
    h, w = lit.shape
    rows, cols = np.nonzero(lit)  # drawn there, give or take the outline's stroke
    assert abs(rows.mean() / h * 128 - 21) < 0.5 and abs(cols.mean() / w * 128 - 41) < 0.5
    assert (rows.max() - rows.min()) / h * 128 < 5.5
    over.hover(position={"x": 2, "y": 2})
    expect(readout).to_contain_text("row 1, column 1")


def test_a_stage_stepped_cell_by_cell(pipe: Page, server: str) -> None:
    open_preset(pipe, server, "sobel-relu-pool", 3)
    pipe.locator(f"{STRIP.format(0)} .pipe-strip-title").click()
    formula = pipe.locator('[data-pipe="formula"]')
    expect(formula).to_contain_text("Σ w·x + b = 1·0 + 0·0 + (−1)·0")
    conv = torch_chain(camera(server, 128))[0][0]
    pipe.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(130):  # row 2, column 3 (counting from 1)
        pipe.keyboard.press("ArrowRight")
    expect(pipe.locator('[data-pipe="where"]')).to_have_text("cell 131 of 16,384")
    expect(formula).to_contain_text(f"= {conv[1, 2]:g}".replace("-", "−"))
    pipe.locator('[data-pipe="last"]').click()
    expect(formula).to_contain_text(f"= {conv[127, 127]:g}".replace("-", "−"))
    pipe.wait_for_function("() => location.href.includes('st=0&k=16383')")
    pipe.reload()
    expect(pipe.locator('[data-pipe="where"]')).to_have_text("cell 16,384 of 16,384")
    link = pipe.locator('[data-pipe="links"] a')
    expect(link).to_have_text("Step through it in the lab")
    # the pooling stage opens in /pool
    pipe.locator(f"{STRIP.format(2)} .pipe-strip-title").click()
    expect(formula).to_contain_text("max(")
    expect(link).to_have_text("Step through it in /pool")


def png(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


def test_a_png_opened_and_one_pasted(pipe: Page, server: str, tmp_path: Path) -> None:
    open_preset(pipe, server, "sobel-relu-pool", 3)
    rng = np.random.default_rng(4)
    art = np.zeros((40, 40, 3), dtype=np.uint8)
    art[:, 20:] = [200, 100, 50]  # an edge down the middle
    art[5:10, 5:10] = rng.integers(0, 255, size=(5, 5, 3))
    file = tmp_path / "edge.png"
    file.write_bytes(png(art))
    pipe.locator('[data-pipe="size"]').fill("40")
    pipe.locator('[data-pipe="file"]').set_input_files(str(file))
    expect(pipe.locator('[data-pipe="picture-shape"]')).to_have_text("1 × 40 × 40")
    luma = np.rint(art @ np.array([0.299, 0.587, 0.114]))
    drawn = pixels(pipe, f"{STRIP.format(-1)} .pipe-pix")[..., 0].astype(int)
    assert np.abs(drawn - luma).max() <= 1
    expect(pipe.locator(f"{STRIP.format(0)} .pipe-strip-info")).to_contain_text("1 × 40 × 40")
    # pasted: a 2 × 2 checkerboard, in colour
    pipe.locator('[data-pipe="mode"][value="rgb"]').check()
    expect(pipe.locator('[data-pipe="picture-shape"]')).to_have_text("3 × 40 × 40")
    board = np.kron([[0, 255], [255, 0]], np.ones((16, 16))).astype(np.uint8)
    data = base64.b64encode(png(np.stack([board] * 3, axis=-1))).decode()
    pipe.evaluate("""async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'board.png', { type: 'image/png' }));
        const paste = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true });
        document.body.dispatchEvent(paste);
    }""", data)
    expect(pipe.locator('[data-pipe="source"] option:checked')).to_have_text(
        "your picture: board.png")
    pipe.wait_for_function("""() => {
        const c = document.querySelectorAll('.pipe-strip[data-level="-1"] .pipe-pix')[1];
        return c && c.getContext('2d').getImageData(5, 5, 1, 1).data[0] < 30;
    }""")
    red = pixels(pipe, f"{STRIP.format(-1)} .pipe-pix", 1)[..., 0].astype(int)  # after colour
    assert red[5, 5] < 30 and red[5, 35] > 225  # black top-left, white top-right
    expect(pipe.locator(f"{STRIP.format(-1)} .pipe-map-name")).to_have_text(
        ["colour", "red", "green", "blue"])
    shot(pipe, "pipeline-pasted")


def test_a_digit_drawn_through_a_lenet_like_layer(pipe: Page, server: str) -> None:
    open_preset(pipe, server, "lenet-digit", 3)
    expect(pipe.locator('[data-pipe="picture-shape"]')).to_have_text("1 × 28 × 28")
    expect(pipe.locator(f"{STRIP.format(0)} .pipe-map")).to_have_count(6)
    expect(pipe.locator(f"{STRIP.format(2)} .pipe-strip-info")).to_contain_text("6 × 14 × 14")
    before = pixels(pipe, f"{STRIP.format(-1)} .pipe-pix")[..., 0].copy()
    pad = pipe.locator('[data-pipe="draw"]')
    box = pad.bounding_box()
    assert box is not None
    pipe.mouse.move(box["x"] + 10, box["y"] + box["height"] - 10)
    pipe.mouse.down()
    pipe.mouse.move(box["x"] + box["width"] - 10, box["y"] + box["height"] - 10, steps=8)
    pipe.mouse.up()
    pipe.wait_for_function("""(n) => {
        const c = document.querySelector('.pipe-strip[data-level="-1"] .pipe-pix');
        const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
        let lit = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 128) lit += 1;
        return lit > n;
    }""", arg=int((before > 128).sum()) + 20)
    after = pixels(pipe, f"{STRIP.format(-1)} .pipe-pix")[..., 0]
    assert (after[-4:] > 128).sum() > 20  # the stroke along the bottom
    # the layer's output follows the drawing: torch on the drawn picture
    stages = pipe.evaluate("() => JSON.parse(document.querySelector('[data-pipe=\"json\"]').value)")
    x = torch.tensor(after.astype(np.float64))[None, None]
    w = torch.tensor(stages[0]["kernel"], dtype=torch.float64)
    want = torch.tanh(F.conv2d(x, w, padding=2))
    # the drawing as the page keeps it (4 bits a pixel) is what the server received
    drawn = pixels(pipe, f"{STRIP.format(1)} .pipe-pix")
    assert drawn.shape[:2] == (28, 28) and want.shape[-2:] == (28, 28)
    pipe.wait_for_function("() => /digit=[0-9a-f]{784}/.test(location.href)")  # kept in the URL


def test_a_bad_stage_is_marked_in_place_and_the_maps_stay(pipe: Page, server: str) -> None:
    open_preset(pipe, server, "sobel-relu-pool", 3)
    json_box = pipe.locator('[data-pipe="json"]')
    json_box.fill('[{"op": "conv2d", "kernel": "sobel-x", "padding": 1}, {"op": "relu"}, '
                  '{"op": "max_pool2d", "kernel_size": 0}]')
    error = pipe.locator('.pipe-stages li[data-index="2"] .field-error')
    expect(error).to_contain_text("stages → 2 → kernel_size")
    expect(pipe.locator(".pipe-strip")).to_have_count(4)  # the last good result stays
    expect(pipe.locator("[data-status]")).to_contain_text("The server refused these settings")
    json_box.fill('[{"op": "relu"')
    expect(pipe.locator('[data-error-for="stages"]')).to_contain_text("not valid JSON")
    pipe.wait_for_function("() => location.href.endsWith('chain=%5B%7B%22op%22%3A%20%22relu%22')")
    pipe.reload()
    expect(json_box).to_have_value('[{"op": "relu"')  # what was typed survives a reload


def test_a_map_opens_in_the_lab(pipe: Page, server: str) -> None:
    import httpx
    open_preset(pipe, server, "edge-bank", 3)
    link = pipe.locator(f"{STRIP.format(1)} .pipe-open").nth(1)  # the ReLU's map 2
    href = link.get_attribute("href")
    assert href is not None and href.startswith("/#z=")  # long: deflated into the fragment
    packed = href[len("/#z="):]
    query = zlib.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)), -15)
    fields = dict(part.split("=", 1) for part in query.decode().lstrip("?").split("&"))
    carried = np.asarray([[float(unquote(v)) for v in row.split(",")]
                          for row in fields["input"].split(";")])
    picture = httpx.get(f"{server}/api/images/pattern", params={"size": 96}).json()["input"]
    horizontal = [[[[1, 1, 1], [0, 0, 0], [-1, -1, -1]]]]
    want = F.relu(F.conv2d(torch.tensor(picture, dtype=torch.float64)[None],
                           torch.tensor(horizontal, dtype=torch.float64), padding=1))[0, 0]
    np.testing.assert_allclose(carried, want.numpy())
    pipe.goto(server + href)
    pipe.wait_for_function(
        "() => document.querySelector('[data-player=\"counter\"]').textContent.startsWith('Step')")
    expect(pipe.locator("[data-status]")).not_to_contain_text("fix")


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_presenting_gives_the_maps_the_stage(pipe: Page, server: str, width: int,
                                             height: int) -> None:
    pipe.set_viewport_size({"width": width, "height": height})
    open_preset(pipe, server, "edge-bank", 3)
    before = pipe.locator(".pipe-box").first.bounding_box()
    pipe.locator("body").click(position={"x": 2, "y": 2})
    pipe.keyboard.press("p")
    expect(pipe.locator("body")).to_have_class("present")
    expect(pipe.locator(".lab > .sidebar")).to_be_hidden()
    pipe.wait_for_timeout(300)
    after = pipe.locator(".pipe-box").first.bounding_box()
    assert before is not None and after is not None and after["width"] > before["width"]
    four = pipe.locator(f"{STRIP.format(0)} .pipe-box")
    tops = {round(b["y"]) for b in (four.nth(i).bounding_box() or {} for i in range(4))}
    assert len(tops) == 1  # the four maps of a stage side by side
    assert pipe.evaluate("document.documentElement.scrollWidth") <= width
    PRESENTATION.mkdir(parents=True, exist_ok=True)
    pipe.screenshot(path=str(PRESENTATION / f"pipeline-{width}x{height}.png"))


Activation = Callable[[torch.Tensor], torch.Tensor]


def deep_chain(picture: np.ndarray, act: Activation) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The deep presets by torch: four 3 × 3 blurs (the first also scaling 0–255 to
    0–1, with bias −0.5), each through `act`; the picture's gradient of L = Σ y."""
    gauss = torch.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=torch.float64) / 16
    x = torch.tensor(picture, requires_grad=True)
    y, outs = x[None], []
    for i in range(4):
        k = gauss / 255 if i == 0 else gauss
        y = act(F.conv2d(y, k[None, None], torch.tensor([-0.5 if i == 0 else 0.0],
                                                           dtype=torch.float64), padding=1))
        y.retain_grad()
        outs.append(y)
    y.sum().backward()
    assert x.grad is not None
    return x.grad, outs


def js_number(v: float) -> str:
    """A number as the page writes it: 6 significant digits, or 4 in exponent form below
    0.001 (JavaScript's toExponential, trailing zeros dropped)."""
    if abs(v) < 1e-3 or abs(v) >= 1e6:
        mantissa, exponent = f"{v:.3e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    else:
        text = f"{float(f'{v:.6g}')}".removesuffix(".0")
    return text.replace("-", "−")


def pattern(server: str, size: int) -> np.ndarray:
    import httpx
    return np.asarray(httpx.get(f"{server}/api/images/pattern", params={"size": size}
                                ).json()["input"], dtype=np.float64)


def test_the_backward_mode_fills_in_from_the_loss(pipe: Page, server: str) -> None:
    pipe.goto(f"{server}/pipeline?p=deep-sigmoid")
    expect(pipe.locator(".pipe-strip")).to_have_count(9)
    pipe.locator("body").click(position={"x": 2, "y": 2})
    pipe.keyboard.press("b")
    revealed(pipe)
    grad, _ = deep_chain(pattern(server, 32), torch.sigmoid)
    info = pipe.locator(f"{STRIP.format(-1)} .pipe-strip-info")
    lo, hi = (js_number(v) for v in (grad.min().item(), grad.max().item()))
    expect(info).to_have_text(f"1 × 32 × 32, gradients {lo} to {hi}")
    expect(pipe.locator('[data-pipe="loss-line"]')).to_contain_text("L = Σ y")
    # The gradient's size per stage: each sigmoid shrinks it by at most 0.25.
    rms = pipe.evaluate("() => document.querySelector('[data-pipe=\"gradplot\"]').data[0].y")
    assert len(rms) == 9 and all(a < b for a, b in zip(rms[0:8:2], rms[2:9:2]))
    sigmoid_drop = rms[-1] / rms[0]
    pipe.goto(f"{server}/pipeline?p=deep-relu&back=1")
    revealed(pipe)
    relu = pipe.evaluate("() => document.querySelector('[data-pipe=\"gradplot\"]').data[0].y")
    assert sigmoid_drop > 50 * relu[-1] / relu[0]  # 0.25⁴ against ReLU's 1
    shot(pipe, "pipeline-backward")


def test_a_cells_chain_rule_and_one_path(pipe: Page, server: str) -> None:
    pipe.goto(f"{server}/pipeline?p=deep-sigmoid&back=1")
    revealed(pipe)
    grad, _ = deep_chain(pattern(server, 32), torch.sigmoid)
    picture = pipe.locator(f"{STRIP.format(-1)} .pipe-over")
    box = picture.bounding_box()
    assert box is not None
    picture.click(position={"x": 7.5 / 32 * box["width"], "y": 5.5 / 32 * box["height"]})
    formula = pipe.locator('[data-pipe="formula"]')
    expect(formula).to_contain_text("∂L/∂x = Σ ∂L/∂y·∂y/∂x")
    want = grad[0, 5, 7].item()
    expect(formula).to_contain_text(f"= {float(f'{want:.6g}'):g}".replace("-", "−").replace(
        "e-", "e−"))
    expect(pipe.locator('[data-pipe="where"]')).to_have_text("cell 168 of 1,024")
    rows = pipe.locator('[data-pipe="terms"] tr')
    expect(rows).to_have_count(11)  # a header, 9 taps, the sum
    # the 9 outputs of stage 1 it feeds are framed on stage 1's map
    cells = pipe.locator(f"{STRIP.format(0)} .pipe-over").get_attribute("data-cells") or ""
    assert sorted(cells.split(",")) == sorted(f"{r}:{c}" for r in (4, 5, 6) for c in (6, 7, 8))
    pipe.locator('[data-pipe="path"]').click()
    picture.click(position={"x": 7.5 / 32 * box["width"], "y": 5.5 / 32 * box["height"]})
    total = pipe.locator('[data-pipe="path-total"]')
    expect(total).to_contain_text("all paths together give ∂L/∂x")
    expect(pipe.locator('[data-pipe="path-steps"] li')).to_have_count(10)  # picture, 8, loss
    text = total.text_content() or ""
    factors = text.split(": ", 1)[1].split(" = ")[0].replace("(", "").replace(")", "")
    product = np.prod([float(f.replace("−", "-")) for f in factors.split(" × ")])
    share = float(text.split(" = ")[1].split(";")[0].replace("−", "-"))
    assert product == pytest.approx(share, rel=1e-4)
    assert 0 < share < abs(want)  # one path's share of the sum over all of them


def test_a_kernel_taps_gradient_sums_every_position(pipe: Page, server: str) -> None:
    pipe.goto(f"{server}/pipeline?p=deep-relu&back=1")
    revealed(pipe)
    pipe.locator(f"{STRIP.format(0)} .pipe-strip-title").click()
    pipe.locator('[data-pipe="of"]').select_option("grad_kernel")
    formula = pipe.locator('[data-pipe="formula"]')
    expect(formula).to_contain_text("∂L/∂w[1, 1, 1, 1] = Σ over the 961 positions")
    expect(pipe.locator('[data-pipe="note"]')).to_contain_text("weight sharing")
    expect(pipe.locator('[data-pipe="where"]')).to_have_text("entry 1 of 9")
    # ∂L/∂w of the first blur's top-left tap, by autograd
    gauss = torch.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=torch.float64) / 16
    k0 = (gauss / 255)[None, None].clone().requires_grad_(True)
    y = F.relu(F.conv2d(torch.tensor(pattern(server, 32))[None], k0,
                        torch.tensor([-0.5], dtype=torch.float64), padding=1))
    for _ in range(3):
        y = F.relu(F.conv2d(y, gauss[None, None], padding=1))
    y.sum().backward()
    assert k0.grad is not None
    want = f"{k0.grad[0, 0, 0, 0].item():.6g}".replace("-", "−").replace("e+", "e")
    expect(formula).to_contain_text(f"= {want}")
    link = pipe.locator('[data-pipe="links"] a')
    expect(link).to_have_text("Step through ΔX and ΔW in /backward")
    link.click()
    pipe.wait_for_url("**/backward**")
    pipe.wait_for_function(
        "() => document.querySelector('[data-player=\"counter\"]').textContent.startsWith('Step')")
    expect(pipe.locator("[data-status]")).not_to_contain_text("fix")


def test_a_late_page_of_another_gradient_never_overwrites_the_chosen_one(
        pipe: Page, server: str) -> None:
    """The input's gradient page answers after the kernel's was asked for (held back
    here on purpose, as a busy server may): the panel keeps the kernel's formula."""
    held: list[Any] = []

    def hold(route: Any) -> None:
        body = (route.request.post_data or "").replace(" ", "")
        if '"of":"grad_input"' in body and '"trace"' in body:
            held.append(route)  # answered below, once the kernel's page is in
        else:
            route.continue_()

    pipe.goto(f"{server}/pipeline?p=deep-relu&back=1")
    revealed(pipe)
    pipe.route("**/api/pipeline/backward", hold)
    pipe.locator(f"{STRIP.format(0)} .pipe-strip-title").click()
    pipe.locator('[data-pipe="of"]').select_option("grad_kernel")
    formula = pipe.locator('[data-pipe="formula"]')
    expect(formula).to_contain_text("∂L/∂w[1, 1, 1, 1] = Σ over the 961 positions")
    assert held, "the input's gradient page was asked for first"
    for route in held:
        route.continue_()
    pipe.wait_for_timeout(1500)  # the late page of ∂L/∂x has arrived by now
    expect(formula).to_contain_text("∂L/∂w[1, 1, 1, 1]")
    expect(pipe.locator('[data-pipe="where"]')).to_have_text("entry 1 of 9")
