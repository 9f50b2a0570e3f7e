"""A scene as pixels with Pillow: PNG at a scale, and GIF, one frame per scene.

The text is drawn with the DejaVu Sans shipped in app/figure/fonts (every glyph the
figures use: subscripts, ·, −, ⌊ ⌋), so a PNG looks the same on every machine.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.figure.scene import Line, Rect, Scene, Text, hex_rgb

_FONTS = Path(__file__).resolve().parent / "fonts"


@lru_cache(maxsize=64)
def font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(_FONTS / name), size)


def _dashed(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float],
            colour: tuple[int, int, int], width: int, dash: float) -> None:
    x0, y0, x1, y1 = box
    for (a, b) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)),
                   ((x0, y1), (x0, y0))):
        length = max(abs(b[0] - a[0]), abs(b[1] - a[1]))
        steps = max(1, int(length // (2 * dash)))
        for i in range(steps):
            t0, t1 = (2 * i) / (2 * steps), (2 * i + 1) / (2 * steps)
            draw.line([(a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0),
                       (a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1)],
                      fill=colour, width=width)


def image(scene: Scene, scale: float = 1.0) -> Image.Image:
    """The scene drawn at ``scale`` pixels per scene unit (RGB)."""
    w, h = max(1, round(scene.width * scale)), max(1, round(scene.height * scale))
    img = Image.new("RGB", (w, h), hex_rgb(scene.paper))
    draw = ImageDraw.Draw(img)
    for item in scene.items:
        if isinstance(item, Rect):
            x0, y0 = item.x * scale, item.y * scale
            box = (x0, y0, max(x0, (item.x + item.w) * scale - 1),
                   max(y0, (item.y + item.h) * scale - 1))
            if item.fill:
                draw.rectangle(box, fill=hex_rgb(item.fill))
            if item.stroke:
                width = max(1, round(item.width * scale))
                if item.dashed:
                    _dashed(draw, box, hex_rgb(item.stroke), width, 3 * scale)
                else:
                    draw.rectangle(box, outline=hex_rgb(item.stroke), width=width)
        elif isinstance(item, Line):
            draw.line([(item.x1 * scale, item.y1 * scale), (item.x2 * scale, item.y2 * scale)],
                      fill=hex_rgb(item.stroke), width=max(1, round(item.width * scale)))
        elif isinstance(item, Text):
            anchor = {"start": "lm", "middle": "mm", "end": "rm"}[item.anchor]
            draw.text((item.x * scale, item.y * scale), item.text, fill=hex_rgb(item.fill),
                      font=font(max(6, round(item.size * scale)), item.bold), anchor=anchor)
    return img


def png(scene: Scene, scale: float = 1.0) -> bytes:
    out = io.BytesIO()
    image(scene, scale).save(out, format="PNG", optimize=True)
    return out.getvalue()


def gif(scenes: list[Scene], scale: float = 1.0, frame_ms: int = 800) -> bytes:
    """One frame per scene, looping; frames of another size are padded to the first's."""
    w = max(round(s.width * scale) for s in scenes)
    h = max(round(s.height * scale) for s in scenes)
    def frame(s: Scene) -> Image.Image:
        f = image(s, scale)
        if f.size != (w, h):
            canvas = Image.new("RGB", (w, h), hex_rgb(s.paper))
            canvas.paste(f, (0, 0))
            f = canvas
        return f

    # The steps share their colours: one palette, from the first and the last frame
    # (the output faded, then filled in), each frame mapped onto it. One RGB frame is
    # alive at a time; the GIF keeps a byte per pixel.
    both = Image.new("RGB", (w, 2 * h))
    both.paste(frame(scenes[0]), (0, 0))
    both.paste(frame(scenes[-1]), (0, h))
    palette = both.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    del both
    fitted = [frame(s).quantize(palette=palette, dither=Image.Dither.NONE) for s in scenes]
    out = io.BytesIO()
    # disposal 1 and no frame optimisation: every frame is whole, so a decoder (or a
    # test counting frames) sees each step as drawn
    fitted[0].save(out, format="GIF", save_all=True, append_images=fitted[1:],
                   duration=frame_ms, loop=0, disposal=1, optimize=False)
    return out.getvalue()
