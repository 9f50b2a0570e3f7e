"""Repaint figures of every view, measured in a real Chromium with the Performance API.

For each view (the lab, /transposed, /pool with its unpooling, /matrix, /backward) and
each input size (8×8, 64×64, 200×200; pooling with unpooling and transposed also at
512×512), the input pasted as a user pastes it (Text…, Apply text):

1. Parameter change → repaint: from the stride field's ``change`` event (stride 2,
   then 1, alternately: each a new request) to the first animation frame after the
   page's ``convviz:painted`` mark (set once the answer is drawn, heatmaps included),
   the server round trip included; a PerformanceObserver watches for the mark, so the
   measuring takes nothing from the page. Target at 64×64: median ≤ 150 ms.
2. One step (→ key) → the next painted frame. Target at 64×64: median ≤ 16 ms.

Baseline, in the same page and run: one empty animation frame (the display's own frame
time in headless Chromium), so each figure reads as a ratio too. These machines are
shared and noisy: medians and ratios, not single times.

    .venv/bin/python benchmarks/bench_lab.py            # every view and size
    .venv/bin/python benchmarks/bench_lab.py pool 64    # one view, one size
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from tests.server import running_server

VIEWS = {"lab": "/", "transposed": "/transposed", "pool": "/pool", "matrix": "/matrix",
         "backward": "/backward"}
SIZES = (8, 64, 200)
LARGEST = {"pool": 512, "transposed": 512}  # their largest benchmarked input
TARGET_STEP_MS, TARGET_CHANGE_MS = 16.0, 150.0

# Resolves on the first animation frame after the page's next "painted" mark: watched by
# a PerformanceObserver, so the wait itself takes no time from the page.
CHANGE_TO_REPAINT = """(value) => new Promise((resolve) => {
  const field = document.querySelector('[data-param="stride.h"]');
  const t0 = performance.now();
  const watch = new PerformanceObserver((list) => {
    if (!list.getEntries().some((e) => e.name === 'convviz:painted' && e.startTime > t0)) return;
    watch.disconnect();
    requestAnimationFrame(() => resolve(performance.now() - t0));
  });
  watch.observe({ type: 'mark' });
  field.value = value;
  field.dispatchEvent(new Event('change', { bubbles: true }));
})"""

PAINTED_AFTER = """(t0) => {
  const mark = performance.getEntriesByName('convviz:painted')[0];
  return Boolean(mark && mark.startTime > t0);
}"""

STEP = """async () => {
  const t0 = performance.now();
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
  return await new Promise((resolve) => requestAnimationFrame(
    () => resolve(performance.now() - t0)));
}"""

EMPTY_FRAME = """() => new Promise((resolve) => {
  requestAnimationFrame(() => { const t0 = performance.now();
    requestAnimationFrame(() => resolve(performance.now() - t0)); });
})"""


def matrix_text(n: int) -> str:
    """An n × n matrix of small signed integers, as a user would paste it."""
    return "\n".join(" ".join(str((r * 7 + c * 3) % 10 - 4) for c in range(n)) for r in range(n))


def load(page: Page, base: str, path: str, n: int) -> None:
    """Open the view, paste an n × n input, and wait until it is drawn."""
    page.goto(base + path)
    page.wait_for_function("() => performance.getEntriesByName('convviz:painted').length",
                           timeout=60_000)
    t0 = page.evaluate("() => performance.now()")
    editor = page.locator('[data-editor="input"]')
    editor.locator('button[data-edit="text"]').click()
    editor.locator('textarea[data-edit="text"]').fill(matrix_text(n))
    editor.locator('button[data-edit="apply"]').click()
    page.wait_for_function(PAINTED_AFTER, arg=t0, polling=20, timeout=300_000)


def measure(page: Page, repeat: int) -> dict[str, list[float]]:
    changes = []
    for i in range(repeat):
        changes.append(page.evaluate(CHANGE_TO_REPAINT, str(2 - i % 2)))
        page.wait_for_timeout(300)  # quiet trace pages fetched after the repaint
    page.keyboard.press("Home")
    page.evaluate(EMPTY_FRAME)
    steps = [page.evaluate(STEP) for _ in range(repeat)]
    frames = [page.evaluate(EMPTY_FRAME) for _ in range(repeat)]
    return {"change": changes, "step": steps, "frame": frames}


def report(view: str, n: int, figures: dict[str, list[float]], width: int) -> None:
    med = {k: statistics.median(v) for k, v in figures.items()}
    frame = max(med["frame"], 1e-9)
    verdict = ""
    if n == 64:
        ok = med["step"] <= TARGET_STEP_MS and med["change"] <= TARGET_CHANGE_MS
        verdict = "  targets ok" if ok else "  MISSED a target"
    print(f"{view:11s} {n:4d}×{n:<4d} frame {med['frame']:6.1f}  "
          f"step {med['step']:7.1f} ({med['step'] / frame:5.2f}×)  "
          f"change {med['change']:8.1f} ({med['change'] / frame:6.1f}×)  "
          f"page width {width} px{verdict}", flush=True)


def cases(argv: list[str]) -> list[tuple[str, int]]:
    if argv:
        return [(argv[0], int(size)) for size in argv[1:] or SIZES]
    out = [(view, n) for view in VIEWS for n in SIZES]
    return out + [(view, n) for view, n in LARGEST.items()]


def main() -> None:
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--disable-gpu", "--disable-quic"])
        print("median ms (× an empty frame), window 1280×720; targets at 64×64: "
              f"step ≤ {TARGET_STEP_MS:.0f} ms, change ≤ {TARGET_CHANGE_MS:.0f} ms")
        for view, n in cases(sys.argv[1:]):
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            load(page, base.url, VIEWS[view], n)
            figures = measure(page, 20 if n <= 64 else 8)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            report(view, n, figures, width)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
