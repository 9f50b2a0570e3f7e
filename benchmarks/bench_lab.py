"""Lab repaint figures (issue 3), measured in a real Chromium with the Performance API.

1. Parameter change → repaint on a 16×16 input with a 3×3 kernel: from the
   parameter's ``change`` event to the first animation frame after the lab's
   render mark (``convviz:render``), the server round trip included.
   Target: median under 100 ms.
2. One animation step (→ key) → painted frame on the same input. Target: median
   under 16 ms.
Baseline, in the same page and run: one empty animation frame (the display's own
frame time in headless Chromium), so the step figure reads as a ratio too.

    .venv/bin/python benchmarks/bench_lab.py
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from tests.server import running_server

REPEAT = 30

CHANGE_PARAM = """(value) => {
  const field = document.querySelector('[data-param="stride.h"]');
  const t0 = performance.now();
  field.value = value;
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return t0;
}"""

RENDERED_AFTER = """(t0) => {
  const mark = performance.getEntriesByName('convviz:render')[0];
  return mark && mark.startTime > t0;
}"""

NEXT_FRAME = """(t0) => new Promise((resolve) => requestAnimationFrame(
  () => resolve(performance.now() - t0)))"""

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


def sixteen_by_sixteen_url(base: str) -> str:
    rows = ";".join(",".join(str((r * 7 + c * 3) % 10 - 4) for c in range(16)) for r in range(16))
    return f"{base}/?input={rows}&kernel=1,2,1;0,0,0;-1,-2,-1"


def measure(page: Page) -> dict[str, list[float]]:
    changes = []
    for i in range(REPEAT):
        # Alternate stride 2 and 1: each change is a new request (an unchanged one is not sent).
        t0 = page.evaluate(CHANGE_PARAM, str(2 - i % 2))
        page.wait_for_function(RENDERED_AFTER, arg=t0, polling=1, timeout=10_000)
        changes.append(page.evaluate(NEXT_FRAME, t0))
    page.keyboard.press("Home")
    steps = [page.evaluate(STEP) for _ in range(REPEAT)]
    frames = [page.evaluate(EMPTY_FRAME) for _ in range(REPEAT)]
    return {"change": changes, "step": steps, "frame": frames}


def main() -> None:
    with running_server() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--disable-gpu", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(sixteen_by_sixteen_url(base.url))
        page.wait_for_function("() => performance.getEntriesByName('convviz:render').length")
        figures = measure(page)
        browser.close()
    med = {k: statistics.median(v) for k, v in figures.items()}
    p90 = {k: sorted(v)[int(0.9 * (len(v) - 1))] for k, v in figures.items()}
    print(f"lab, 16×16 input, 3×3 kernel, {REPEAT} runs each (ms: median, p90)")
    print(f"  empty frame (baseline)        {med['frame']:7.2f} {p90['frame']:7.2f}")
    print(f"  parameter change → repaint    {med['change']:7.2f} {p90['change']:7.2f}"
          f"   target < 100 ms  {'ok' if med['change'] < 100 else 'MISSED'}")
    print(f"  step → painted frame          {med['step']:7.2f} {p90['step']:7.2f}"
          f"   target < 16 ms   {'ok' if med['step'] < 16 else 'MISSED'}"
          f"   ({med['step'] / max(med['frame'], 1e-9):.2f}× an empty frame)")


if __name__ == "__main__":
    main()
