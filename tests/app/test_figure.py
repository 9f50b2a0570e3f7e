"""POST /api/figure: every view in every format renders a deck example, checked by real
parsers (ElementTree, Pillow, pdflatex and pdftotext), against the numbers of the
view's own endpoint, and refused clearly when it is asked too much."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops, ImageStat

from app.figure import style
from app.paths import STATIC

A6 = [[3, 2, 7, 1, 6, 3], [4, 1, 1, 0, 9, 8], [8, 2, 0, 1, 2, 4], [5, 6, 0, 7, 1, 4],
      [0, 5, 4, 9, 6, 0], [4, 6, 2, 4, 0, 5]]
K3 = [[1, 2, 2], [2, 1, 2], [2, 2, 1]]
STRIDE3 = {"input": A6, "kernel": K3, "stride": 3}
SVG = "{http://www.w3.org/2000/svg}"

# A deck example per view (seeds/README.md), its endpoint and the steps it has.
EXAMPLES: dict[str, tuple[dict[str, Any], int]] = {
    "conv2d": (STRIDE3, 4),
    "conv2d/matrix": (STRIDE3, 4),
    "conv_transpose2d": ({"input": [[1, 3, 2], [2, 5, 6], [7, 1, 3]],
                          "kernel": [[0, 1], [3, 2]], "stride": 2}, 9),
    "pool2d": ({"input": [[9, -9, 7], [2, 5, 6], [-7, 9, -10]], "mode": "max",
                "kernel_size": 2, "stride": 1}, 4),
    "max_unpool2d": ({"input": [[9, 7], [9, 9]], "indices": [[0, 2], [7, 7]],
                      "kernel_size": 2, "stride": 1, "output_size": [3, 3]}, 4),
    "conv2d/backward": ({"input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                         "kernel": [[1, 2], [3, 4]], "grad_output": [[1, 1], [1, 1]],
                         "flip_kernel": True}, 8),  # ΔX's 4 steps, then ΔW's 4
    "network": ({"preset": "lenet5"}, 12),
    "conv1d": ({"input": [1, 2, 3, 4, 5, 6, 7], "kernel": [1, 0, -1], "padding": "causal"}, 7),
    "conv3d": ({"input": [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]] * 3,
                "kernel": [[[1, 0], [0, 1]]] * 2}, 8),
    "pipeline": ({"input": [[0, 0, 255, 255]] * 6, "stages": [
        {"op": "conv2d", "kernel": "sobel-x", "padding": 1}, {"op": "relu"},
        {"op": "max_pool2d", "kernel_size": 2}]}, 3),
}


def figure(client: TestClient, view: str, fmt: str, step: int = 0, **kw: Any) -> Any:
    body = {"view": view, "request": EXAMPLES[view][0], "step": step, "format": fmt, **kw}
    return client.post("/api/figure", json=body)


def texts(svg: bytes, role: str | None = None) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text")
            if role is None or t.get("class") == role]


def numbers(nested: Any) -> list[str]:
    if isinstance(nested, list):
        return [n for v in nested for n in numbers(v)]
    return [f"{nested:g}".replace("-", "\u2212")]


def endpoint_output(client: TestClient, view: str) -> Any:
    answer = client.post(f"/api/{view}", json=EXAMPLES[view][0]).json()
    if view == "network":
        return [f"{layer['params']:,}" for layer in answer["layers"]]
    if view == "pipeline":
        return answer["stages"][0]["output"]
    if view == "conv2d/backward":  # the last step is ΔW's last
        return answer["grad_kernel"]
    return answer["output"]


@pytest.mark.parametrize("view", list(EXAMPLES))
def test_svg_is_xml_with_the_output_numbers(client: TestClient, view: str) -> None:
    last = EXAMPLES[view][1] - 1
    response = figure(client, view, "svg", step=last)  # the last step: the output complete
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg" and float(root.get("width") or 0) > 100
    drawn = texts(response.content)
    want = endpoint_output(client, view)
    if view == "network":
        assert all(w in drawn for w in want)
    else:
        assert sorted(numbers(want)) == sorted(n for n in numbers(want) if n in drawn)
    assert f"step {last + 1} of" in " ".join(drawn) or f"layer {last + 1} of" in " ".join(drawn) \
        or f"stage {last + 1} of" in " ".join(drawn)


def test_stride_3_step_1_in_every_format(client: TestClient, tmp_path: Path) -> None:
    """The stride-3 example's step 1 (step 0 of the trace): the window on the top-left
    3×3 block and h₁₁ = 3·1 + 2·2 + … = 52, in SVG, PNG, GIF and TikZ alike."""
    svg = figure(client, "conv2d", "svg").content
    formula = texts(svg, "formula")
    assert formula == ["h₁₁ = 3·1 + 2·2 + 7·2 + 4·2 + 1·1 + 1·2 + 8·2 + 2·2 + 0·1 = 52"]
    assert "Convolution, step 1 of 4: h₁₁ · stride 3 · padding 0 · dilation 1" in texts(svg)
    # the window's nine cells carry their weights, in the kernel's order
    assert texts(svg, "weight") == [f"×{w}" for row in K3 for w in row]
    frames = [r for r in ET.fromstring(svg).iter(f"{SVG}rect")
              if r.get("fill") == "none" and r.get("stroke-width") == "3"]
    assert len(frames) == 9 + 1  # the window and the current output cell

    png = Image.open(io.BytesIO(figure(client, "conv2d", "png", scale=1).content))
    assert png.format == "PNG"
    # the PNG draws the window where the SVG frames it: the frame's left edge is ink
    ink = style.THEMES["light"].frame
    for r in frames[:9]:
        x, y, h = float(r.get("x") or 0), float(r.get("y") or 0), float(r.get("height") or 0)
        assert png.convert("RGB").getpixel((round(x), round(y + h / 2))) == tuple(
            int(ink[i:i + 2], 16) for i in (1, 3, 5))
    png2 = Image.open(io.BytesIO(figure(client, "conv2d", "png", step=1, scale=1).content))
    assert png.size == png2.size and ImageChops.difference(
        png.convert("RGB"), png2.convert("RGB")).getbbox() is not None  # the window moved
    gif = Image.open(io.BytesIO(figure(client, "conv2d", "gif", scale=1).content))
    assert gif.format == "GIF" and gif.n_frames == 4
    gif.seek(0)
    first = gif.convert("RGB")
    diff = ImageStat.Stat(ImageChops.difference(first, png.convert("RGB"))).mean
    assert max(diff) < 2  # frame 1 of the gif is the png of step 1 (up to its palette)
    gif.seek(3)
    last = Image.open(io.BytesIO(figure(client, "conv2d", "png", step=3, scale=1).content))
    diff = ImageStat.Stat(ImageChops.difference(gif.convert("RGB"), last.convert("RGB"))).mean
    assert max(diff) < 2  # and the last frame the last step's

    tex = figure(client, "conv2d", "tikz").content.decode()
    assert tex.isascii() and "U+" not in tex
    pdf_text = compile_tex(tmp_path, {"stride3": tex})["stride3"]
    assert "h11 = 3·1 + 2·2 + 7·2 + 4·2 + 1·1 + 1·2 + 8·2 + 2·2 + 0·1 = 52" in \
        re.sub(r"\s*·\s*", "·", pdf_text.replace("\n", " "))


def compile_tex(tmp: Path, documents: dict[str, str]) -> dict[str, str]:
    """Compile each document with pdflatex (at once, in threads) and give back the text
    pdftotext reads from its PDF; each must be one page."""
    assert shutil.which("pdflatex") and shutil.which("pdftotext"), \
        "pdflatex and pdftotext: scripts/test installs them from Debian's packages"

    def build(name: str) -> str:
        (tmp / f"{name}.tex").write_text(documents[name])
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                              f"{name}.tex"], cwd=tmp, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stdout[-2000:]
        info = subprocess.run(["pdfinfo", f"{name}.pdf"], cwd=tmp, capture_output=True,
                              text=True, check=True).stdout
        assert re.search(r"Pages:\s+1\b", info), info
        return subprocess.run(["pdftotext", "-layout", f"{name}.pdf", "-"], cwd=tmp,
                              capture_output=True, text=True, check=True).stdout

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(documents, pool.map(build, documents), strict=True))


def test_tikz_of_every_view_compiles_with_pdflatex(client: TestClient, tmp_path: Path) -> None:
    documents = {}
    for view in EXAMPLES:
        response = figure(client, view, "tikz", step=1)
        assert response.status_code == 200, response.text
        tex = response.content.decode()
        assert tex.isascii() and "U+" not in tex, view  # every symbol has its LaTeX
        documents[view.replace("/", "-")] = tex
    text = compile_tex(tmp_path, documents)
    assert "Transposed convolution, step 2 of 9" in text["conv_transpose2d"]
    assert "61,706 parameters" in text["network"]
    assert "max(" in text["pool2d"] and "= 7" in text["pool2d"]
    assert "∂" not in text["conv2d-backward"] and "δ" in text["conv2d-backward"]


@pytest.mark.parametrize("view", list(EXAMPLES))
def test_png_and_gif_decode_with_a_frame_per_step(client: TestClient, view: str) -> None:
    png = figure(client, view, "png", step=1, scale=2)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    image.verify()
    one = Image.open(io.BytesIO(figure(client, view, "png", step=1, scale=1).content))
    assert image.size == (2 * one.width, 2 * one.height)
    gif = figure(client, view, "gif", scale=0.5, frame_ms=300)
    assert gif.status_code == 200 and gif.headers["content-type"] == "image/gif"
    frames = Image.open(io.BytesIO(gif.content))
    assert frames.n_frames == EXAMPLES[view][1]
    assert frames.info["duration"] == 300 and frames.info.get("loop") == 0


def test_signal_and_volume_figures_show_the_step_torch_computes(client: TestClient) -> None:
    """1-D: causal padding puts both zeros on the left, so y(1) reads 0, 1, 2; 3-D: the
    window is lit in the two depth slices it reads and the sum is torch's output."""
    import torch
    import torch.nn.functional as F

    svg = figure(client, "conv1d", "svg", step=1).content
    assert texts(svg, "formula") == ["y(1) = 0·1 + 1·0 + 2·(−1) = −2"]
    assert texts(svg, "pad") == ["0", "0"]  # both padding cells, on the left
    volume = {**EXAMPLES["conv3d"][0], "padding": 1}
    x = torch.tensor(volume["input"], dtype=torch.float64)[None, None]
    w = torch.tensor(volume["kernel"], dtype=torch.float64)[None, None]
    y = F.conv3d(x, w, padding=1)[0, 0]
    step = 9  # depth 1, row 3, column 2
    svg = client.post("/api/figure", json={"view": "conv3d", "request": volume,
                                           "step": step}).content
    (formula,) = texts(svg, "formula")
    assert formula.startswith("h₁₃₂ = ") and formula.endswith(f"= {y[0, 2, 1].item():g}")
    captions = texts(svg, "caption")
    assert captions[:5] == [f"depth {d}" for d in range(1, 6)]
    lit = [t for t in texts(svg, "weight")]
    assert len(lit) == 8  # the 2×2×2 window, over two slices


def test_the_backward_figure_steps_through_dx_then_dw_as_autograd(client: TestClient) -> None:
    """Deck 001's backward pass with true convolution: steps 0–3 scatter ΔY onto ΔX,
    steps 4–7 sum each weight's δy·x; every sum is autograd's."""
    import torch
    import torch.nn.functional as F

    body = EXAMPLES["conv2d/backward"][0]
    x = torch.tensor(body["input"], dtype=torch.float64)[None, None]
    w = torch.tensor(body["kernel"], dtype=torch.float64)[None, None].requires_grad_(True)
    x.requires_grad_(True)
    y = F.conv2d(x, w.flip(-1, -2))  # true convolution: the kernel rotated
    (y * torch.tensor(body["grad_output"], dtype=torch.float64)).sum().backward()
    assert w.grad is not None and x.grad is not None
    last = texts(figure(client, "conv2d/backward", "svg", step=3).content)
    dx = [float(v.replace("−", "-")) for v in last if re.fullmatch(r"−?\d+", v)]
    assert all(float(g) in dx for g in x.grad.flatten().tolist())
    for k in range(4):
        (formula,) = texts(figure(client, "conv2d/backward", "svg", step=4 + k).content,
                           "formula")
        found = re.match(r"δw(\d)(\d) = Σ δy·x = .* = (\S+)$", formula.translate(
            str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")))
        assert found, formula
        r, c = int(found.group(1)) - 1, int(found.group(2)) - 1
        assert float(found.group(3).replace("−", "-")) == w.grad[0, 0, r, c].item()


def test_edge_cases_draw(client: TestClient) -> None:
    """True convolution's rotated kernel in TikZ (° as LaTeX), and the backward pass with
    padding, whose taps on the padding hand their gradient to no input cell."""
    tex = client.post("/api/figure", json={"view": "conv2d", "format": "tikz", "request": {
        **STRIDE3, "flip_kernel": True}}).content
    assert tex.isascii() and b"U+" not in tex and b"180$^{\\circ}$" in tex
    padded = {"input": [[1, 8, 7], [-5, 5, 5], [-1, -1, -3]], "kernel": [[7, 1], [2, 3]],
              "padding": 1}
    for step in range(16 + 4):  # ΔX's 16 steps (a 4×4 ΔY), then ΔW's 4
        drawn = client.post("/api/figure", json={"view": "conv2d/backward", "step": step,
                                                 "request": padded})
        assert drawn.status_code == 200, (step, drawn.text[:300])


@pytest.mark.parametrize("theme", ["light", "dark", "print"])
def test_themes(client: TestClient, theme: str) -> None:
    svg = figure(client, "conv2d", "svg", theme=theme).content
    root = ET.fromstring(svg)
    rects = list(root.iter(f"{SVG}rect"))
    assert rects[0].get("fill") == style.THEMES[theme].paper
    fills = {r.get("fill") for r in rects} - {"none"}
    if theme == "print":  # black on white: no data colour at all
        assert fills <= {"#ffffff", style.THEMES["print"].pad}
    else:
        assert style.Scale(9).fill(9) in fills  # the input's 9 in the darkest red
    png = Image.open(io.BytesIO(figure(client, "conv2d", "png", theme=theme, scale=1).content))
    paper = style.THEMES[theme].paper
    assert png.convert("RGB").getpixel((2, 2)) == tuple(int(paper[i:i + 2], 16)
                                                        for i in (1, 3, 5))


def test_colour_stops_are_the_pages() -> None:
    """The figures' data scale is core/colors.js's, read from that file."""
    source = (STATIC / "js" / "core" / "colors.js").read_text()
    for name, stops in (("NEG", style.NEG), ("POS", style.POS)):
        found = re.search(rf"const {name} = (\[\[.*?\]\]);", source)
        assert found, name
        assert [tuple(s) for s in eval(found.group(1))] == list(stops)
    assert style.Scale(0.0, gray=True).fill(255) == "#ffffff"
    assert style.Scale(10).fill(-10) == "#053061" and style.Scale(10).fill(0) == "#ebebeb"


def test_bad_figure_requests_are_named(client: TestClient) -> None:
    def post(**body: Any) -> Any:
        return client.post("/api/figure", json={"view": "conv2d", "request": STRIDE3,
                                                "format": "svg", **body})

    bad = post(view="conv9d")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "view"]
    bad = post(format="jpeg")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "format"]
    bad = post(step=4)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "step"
    assert "outside the 4 steps" in bad.json()["detail"][0]["msg"]
    bad = client.post("/api/figure", json={"view": "network", "request": {"preset": "lenet5"},
                                           "step": 12})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "step"
    bad = post(request={**STRIDE3, "stride": 0})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][:3] == ["body", "request", "stride"]
    bad = post(request={"input": A6})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == \
        ["body", "request", "kernel"]
    bad = client.post("/api/figure", json={"view": "conv2d/backward", "step": 8,
                                           "request": EXAMPLES["conv2d/backward"][0]})
    assert bad.status_code == 422 and "ΔX's 4, then ΔW's 4" in bad.json()["detail"][0]["msg"]
    bad = post(scale=9)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "scale"]


def test_oversized_figures_are_refused_with_the_limit_named(client: TestClient) -> None:
    big = [[1] * 12 for _ in range(12)]  # 144 steps: more frames than a gif may have
    over = client.post("/api/figure", json={"view": "conv2d", "format": "gif", "request": {
        "input": big, "kernel": [[1]]}})
    assert over.status_code == 413 and "max_figure_frames" in over.json()["detail"][0]["msg"]
    huge = [[1] * 200 for _ in range(200)]  # 40,000 input cells on one frame
    over = client.post("/api/figure", json={"view": "conv2d", "request": {
        "input": huge, "kernel": [[1]], "stride": 8}})
    assert over.status_code == 413 and "max_figure_cells" in over.json()["detail"][0]["msg"]
    limits = client.get("/api/limits").json()
    assert limits["max_figure_frames"] == 120 and limits["max_figure_cells"] == 24_000
    # a GIF of the 8×8 lab's 36 steps fits at scale 1 (its default), not at scale 4
    lab = {"input": [[(r * 8 + c) % 7 for c in range(8)] for r in range(8)], "kernel": K3}
    fits = client.post("/api/figure", json={"view": "conv2d", "format": "gif", "request": lab})
    assert fits.status_code == 200 and Image.open(io.BytesIO(fits.content)).n_frames == 36
    over = client.post("/api/figure", json={"view": "conv2d", "format": "gif", "scale": 4,
                                            "request": lab})
    assert over.status_code == 413 and "max_figure_pixels" in over.json()["detail"][0]["msg"]
    assert over.json()["detail"][0]["loc"] == ["body", "scale"]


def test_a_large_picture_is_drawn_as_block_averages(client: TestClient) -> None:
    picture = [[(r * 7 + c * 3) % 256 for c in range(96)] for r in range(96)]
    response = client.post("/api/figure", json={"view": "pipeline", "step": 0, "request": {
        "input": picture, "stages": [{"op": "avg_pool2d", "kernel_size": 2}]}})
    assert response.status_code == 200, response.text
    notes = texts(response.content, "note")
    assert "1 × 96 × 96, drawn as 2 × 2 averages" in notes and "1 × 48 × 48" in notes


def test_worksheets_carry_figures_of_their_given_matrices(client: TestClient,
                                                          tmp_path: Path) -> None:
    """figures=true: the Markdown sheet draws each exercise's given matrices in TikZ and
    still builds with pandoc's default engine, no wider than the page; Moodle embeds a
    PNG in each question as Moodle's own exports do. The answer is never drawn."""
    sheet = client.get("/api/exercises/export", params={
        "format": "markdown", "difficulty": 3, "count": 12, "seed": 5, "figures": True})
    assert sheet.status_code == 200
    text = sheet.text
    assert text.count("\\begin{tikzpicture}") >= 6 and "\\usepackage{tikz}" in text
    (tmp_path / "sheet.md").write_text(text)
    made = subprocess.run(["pandoc", "sheet.md", "-s", "-o", "sheet.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr[-2000:]
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                          "sheet.tex"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=180)
    assert run.returncode == 0, run.stdout[-2000:]
    log = (tmp_path / "sheet.log").read_text(encoding="latin-1")
    wide = [float(pt) for pt in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide", log)]
    assert max(wide, default=0.0) <= 2.0, sorted(wide)[-5:]
    extracted = subprocess.run(["pdftotext", "-layout", "sheet.pdf", "-"], cwd=tmp_path,
                               capture_output=True, text=True, check=True).stdout
    assert "channel 1" in extracted and "channel 2" in extracted

    xml = client.get("/api/exercises/export", params={
        "format": "moodle", "type": "conv-output", "difficulty": 1, "count": 3,
        "figures": True})
    root = ET.fromstring(xml.content)
    questions = [q for q in root.iter("question") if q.get("type") != "category"]
    assert len(questions) == 3
    for q in questions:
        qtext = q.find("questiontext")
        assert qtext is not None
        files = qtext.findall("file")
        assert len(files) == 1 and files[0].get("encoding") == "base64"
        name = files[0].get("name")
        assert f'src="@@PLUGINFILE@@/{name}"' in (qtext.findtext("text") or "")
        png = Image.open(io.BytesIO(base64.b64decode(files[0].text or "")))
        assert png.format == "PNG" and png.width > 100
    plain = client.get("/api/exercises/export", params={
        "format": "moodle", "type": "conv-output", "difficulty": 1, "count": 3})
    assert b"<file " not in plain.content  # figures only when asked


def test_max_pooling_leaves_the_padding_out_of_its_formula(client: TestClient) -> None:
    body = {"input": [[9, -9, 7], [2, 5, 6], [-7, 9, -10]], "mode": "max", "kernel_size": 2,
            "stride": 1, "padding": 1}
    svg = client.post("/api/figure", json={"view": "pool2d", "request": body}).content
    assert texts(svg, "formula") == ["h₁₁ = max(9) = 9"]  # three of its four taps pad
    avg = client.post("/api/figure", json={"view": "pool2d", "request": {
        **body, "mode": "avg"}}).content
    assert texts(avg, "formula") == ["h₁₁ = (0 + 0 + 0 + 9) / 4 = 9 / 4 = 2.25"]


def test_random_requests_of_every_view_draw_or_are_refused(client: TestClient) -> None:
    """Random shapes and parameters (channels, groups, padding of every kind, dilation,
    true convolution) in every format: a figure or a 4xx naming the field, never a 500,
    and TikZ always plain ASCII."""
    import random

    rng = random.Random(7)

    def m(*shape: int) -> Any:
        if len(shape) == 1:
            return [rng.randint(-5, 9) for _ in range(shape[0])]
        return [m(*shape[1:]) for _ in range(shape[0])]

    for _ in range(12):
        c = rng.choice([1, 2, 3])
        g = rng.choice([1, c])
        co = rng.choice([1, 2]) * g
        h, w, k = rng.randint(2, 6), rng.randint(2, 6), rng.randint(1, 3)
        pad = rng.choice([0, 1, "same", "full"])
        bodies = {
            "conv2d": {"input": m(c, h, w), "kernel": m(co, c // g, k, k), "groups": g,
                       "stride": rng.randint(1, 3), "padding": pad, "dilation": rng.randint(1, 2),
                       "padding_mode": rng.choice(["zeros", "reflect", "circular"]),
                       "flip_kernel": rng.random() < 0.5, "bias": m(co)},
            "conv_transpose2d": {"input": m(c, h, w), "kernel": m(c, co // g, k, k), "groups": g,
                                 "stride": rng.randint(1, 3)},
            "pool2d": {"input": m(c, h, w), "mode": rng.choice(["max", "avg", "min"]),
                       "kernel_size": rng.randint(1, 2), "ceil_mode": rng.random() < 0.5},
            "conv2d/matrix": {"input": m(c, h, w), "kernel": m(co, c // g, k, k), "groups": g},
            "conv2d/backward": {"input": m(c, h, w), "kernel": m(co, c // g, k, k), "groups": g,
                                "padding": rng.randint(0, 1), "stride": rng.randint(1, 2)},
            "conv1d": {"input": m(c, h + w), "kernel": m(co, c // g, k), "groups": g,
                       "padding": rng.choice([0, "causal", "same"])},
            "conv3d": {"input": m(c, 3, h, w), "kernel": m(co, c // g, 2, k, k), "groups": g},
        }
        for view, body in bodies.items():
            fmt = rng.choice(["svg", "tikz", "png"])  # gif: the same scenes, framed
            drawn = client.post("/api/figure", json={
                "view": view, "request": body, "format": fmt, "step": rng.randint(0, 3),
                "theme": rng.choice(["light", "dark", "print"]), "scale": 0.5})
            assert drawn.status_code in (200, 413, 422), (view, body, drawn.text[:300])
            if drawn.status_code != 200:
                assert drawn.json()["detail"][0]["loc"][0] == "body"
            elif fmt == "tikz":
                assert drawn.content.isascii() and b"U+" not in drawn.content, (view, body)


def test_figure_themes_are_the_pages_palettes() -> None:
    """The light and dark figures use base.css's own variables: paper, panel, ink."""
    css = (STATIC / "css" / "base.css").read_text()

    def block(selector: str) -> dict[str, str]:
        body = css[css.index(selector + " {"):]
        body = body[:body.index("}")]
        return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", body))

    for name, selector in (("light", ":root"), ("dark", ':root[data-theme="dark"]')):
        found, theme = block(selector), style.THEMES[name]
        assert (theme.paper, theme.panel, theme.ink) == (found["bg"], found["paper"],
                                                         found["ink"]), name
        assert theme.soft == found["ink-soft"] and theme.line == found["line"], name
