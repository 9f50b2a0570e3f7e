"""The dark theme in a real Chromium: it follows the system's setting, the top bar's
switch overrides it and is remembered, and on every page, light and dark, plain and
presenting, every piece of text has a contrast of at least 4.5:1 (WCAG AA) against
what is behind it, measured from the computed colours."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

PAGES = ["/", "/transposed", "/pool", "/matrix", "/backward", "/signal", "/volume",
         "/network", "/pipeline", "/practice"]

# For every visible element holding text of its own: its colour, blended at the opacity
# it is drawn with over the colour behind it (the first opaque background up its
# ancestors, or a gradient's first colour), and the WCAG contrast ratio of the two.
CONTRAST = r"""() => {
  const parse = (c) => {
    const m = c.match(/[\d.]+/g);
    if (!m) return null;
    const k = c.startsWith('color(') ? 255 : 1;  // color(srgb 0.5 0.5 0.5 / 1), color-mix's
    return { r: m[0] * k, g: m[1] * k, b: m[2] * k, a: m.length > 3 ? +m[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  // Each element's opacity fades it and everything inside it: a background laid by an
  // element is faded by the opacities of it and its ancestors, and so is the text.
  const fade = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= +getComputedStyle(e).opacity;
    return o;
  };
  const behind = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      const image = s.backgroundImage;
      let c = null;
      if (image && image !== 'none' && /gradient/.test(image)) {
        const first = image.match(/(rgba?|color)\([^)]*\)/);
        if (first) c = { ...parse(first[0]), a: 1 };
      }
      if (!c) c = parse(s.backgroundColor);
      if (c && c.a > 0) {
        const a = c.a * fade(e);
        layers.push({ ...c, a });
        if (a >= 1) break;
      }
    }
    let colour = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i -= 1) colour = over(layers[i], colour);
    return colour;
  };
  const opacity = fade;
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE', 'OPTION', 'TEXTAREA', 'svg'].includes(el.tagName)) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const field = (el.tagName === 'INPUT' && el.type !== 'checkbox' && el.type !== 'range'
      && el.value) || (el.tagName === 'SELECT');
    if (!own && !field) continue;
    if (el.disabled) continue;  // WCAG exempts inactive controls
    const rect = el.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;  // screen-reader-only text
    const s = getComputedStyle(el);
    if (s.visibility !== 'visible' || s.display === 'none') continue;
    if (el.closest('[hidden], details:not([open]) > :not(summary)')) continue;
    const ink = parse(el instanceof SVGElement ? s.fill : s.color);
    if (!ink || ink.a === 0) continue;  // transparent on purpose (a quiz's hidden value)
    const alpha = ink.a * opacity(el);
    if (alpha < 0.05) continue;
    const bg = behind(el);
    const text = over({ ...ink, a: alpha }, bg);
    const [hi, lo] = [lum(text), lum(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    if (ratio < 4.5) {
      found.push({ ratio: Math.round(ratio * 100) / 100,
        text: (el.textContent || el.value || '').trim().slice(0, 40),
        where: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
          ? '.' + el.className.trim().split(/\s+/).join('.') : ''),
        ink: s.color, bg: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})` });
    }
  }
  return found;
}"""


def low_contrast(page: Page) -> list[dict[str, Any]]:
    failures: list[dict[str, Any]] = page.evaluate(CONTRAST)
    return failures


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_has_contrast_in_both_themes(browser: Browser, server: str,
                                                scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    bad: dict[str, list[dict[str, Any]]] = {}
    try:
        for path in PAGES:
            page.goto(server + path)
            page.wait_for_load_state("networkidle")
            dark = page.evaluate("() => getComputedStyle(document.body).colorScheme")
            assert dark == scheme, (path, dark)
            for mode in ("plain", "present"):
                if mode == "present":
                    page.keyboard.press("p")
                    page.wait_for_timeout(150)
                found = low_contrast(page)
                if found:
                    bad[f"{path} {mode}"] = found[:6]
    finally:
        context.close()
    assert not bad, "\n".join(f"{k}: {v}" for k, v in bad.items())


def test_the_switch_overrides_the_system_and_is_remembered(browser: Browser,
                                                            server: str) -> None:
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    try:
        page.goto(server + "/")
        switch = page.locator("[data-theme-switch]")
        expect(switch).to_have_attribute("data-choice", "system")
        paper = "() => getComputedStyle(document.body).getPropertyValue('--paper').trim()"
        assert page.evaluate(paper) == "#ffffff"
        switch.click()  # light
        expect(switch).to_have_attribute("data-choice", "light")
        switch.click()  # dark
        expect(switch).to_have_attribute("data-choice", "dark")
        assert page.evaluate(paper) == "#1f2937"
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        page.emulate_media(color_scheme="dark")  # a chosen theme ignores the system's
        assert page.evaluate(paper) == "#1f2937"
        page.emulate_media(color_scheme="light")
        page.goto(server + "/pool")  # another page, the same choice
        assert page.evaluate(paper) == "#1f2937"
        expect(page.locator("[data-theme-switch]")).to_have_attribute("aria-label",
                                                                      "Theme: dark (switch)")
        page.locator("[data-theme-switch]").press("Enter")  # the keyboard too: back to system
        expect(page.locator("[data-theme-switch]")).to_have_attribute("data-choice", "system")
        assert page.evaluate(paper) == "#ffffff"
        page.emulate_media(color_scheme="dark")  # "system" follows the system's change
        page.wait_for_function(f"() => ({paper})() === '#1f2937'")
        page.emulate_media(color_scheme="light")
        page.goto(server + "/?embed=1&theme=dark")  # an embed's link picks the theme
        assert page.evaluate(paper) == "#1f2937"
    finally:
        context.close()
