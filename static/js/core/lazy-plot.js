// Plots drawn only on screen: a map below the fold (or in a closed panel) is drawn
// when it scrolls within 300 px of the window, so a parameter change pays only for
// what a user can see. One IntersectionObserver for every plot.

let observer = null;
const plots = new WeakMap();

export class LazyPlot {
  /** @param el the plot's element */
  constructor(el) {
    this.el = el;
    this.onScreen = false;
    this.pending = null;
    this.drawing = Promise.resolve();
    this.seen = new Promise((resolve) => { this.markSeen = resolve; });
    if (!observer) {
      observer = new IntersectionObserver((entries) => {
        for (const e of entries) plots.get(e.target)?.setOnScreen(e.isIntersecting);
      }, { rootMargin: '300px' });
    }
    plots.set(el, this);
    observer.observe(el);
  }

  setOnScreen(on) {
    this.onScreen = on;
    this.markSeen();
    if (on) this.run();
  }

  /** Run `draw` (returning a promise) now if the plot is on screen, else once it comes
   * into view; a newer request replaces one still waiting. Settles when drawn, or at once
   * for a plot off screen. */
  request(draw) {
    this.pending = draw;
    return this.seen.then(() => (this.onScreen ? this.run() : undefined));
  }

  run() {
    const draw = this.pending;
    if (!draw) return this.drawing;
    this.pending = null;
    this.drawing = this.drawing.then(draw);
    return this.drawing;
  }
}

/** Stop watching the plots under `root` (about to be removed). */
export function forgetPlots(root) {
  if (!observer) return;
  root.querySelectorAll('.heatmap').forEach((el) => observer.unobserve(el));
}
