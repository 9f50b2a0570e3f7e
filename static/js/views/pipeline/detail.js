// One stage, cell by cell: its steps come from POST /api/pipeline with trace
// {stage, start, limit} a page at a time; the current cell is framed on its map and what
// it reads on the maps before it; the formula has the numbers.

import * as api from '../../core/api.js';

const PAGE = 256;
const SPEED_MS = 250;

export class Detail {
  /**
   * @param el            the detail panel
   * @param hooks.body    () => the request body of the chain shown
   * @param hooks.mark    (k, at) => outline the cell and its dependencies
   * @param hooks.moved   (step) => the state's step changed
   * @param hooks.links   (k) => [{href, text, title}] into the views that animate the stage
   */
  constructor(el, hooks) {
    this.el = el;
    this.hooks = hooks;
    this.k = null;
    this.step = 0;
    this.total = 0;
    this.timer = null;
    this.store = null;
    const q = (n) => el.querySelector(`[data-pipe="${n}"]`);
    this.q = q;
    q('first').addEventListener('click', () => this.go(0));
    q('prev').addEventListener('click', () => this.go(this.step - 1));
    q('next').addEventListener('click', () => this.go(this.step + 1));
    q('last').addEventListener('click', () => this.go(this.total - 1));
    q('play').addEventListener('click', () => this.toggle());
  }

  get open() { return this.k !== null; }

  /** Show stage k (of `resp`) at `step`. */
  show(resp, k, step) {
    this.stop();
    this.k = k;
    const s = resp.stages[k];
    this.stage = s;
    this.total = s.output_shape.reduce((a, b) => a * b, 1);
    this.pages = new Map(); // start → a promise of that page's steps
    this.el.hidden = false;
    this.q('detail-title').textContent = `Stage ${k + 1}: ${s.op}, cell by cell`;
    this.q('links').replaceChildren(...this.hooks.links(k).map((l) => {
      const a = document.createElement('a');
      a.href = l.href;
      a.textContent = l.text;
      a.title = l.title;
      return a;
    }));
    this.go(Math.min(Math.max(0, step), this.total - 1));
  }

  hide() {
    this.stop();
    this.k = null;
    this.el.hidden = true;
  }

  async go(step) {
    if (this.k === null) return;
    this.step = Math.min(Math.max(0, step), this.total - 1);
    this.hooks.moved(this.step);
    const at = unravel(this.step, this.stage.output_shape);
    this.hooks.mark(this.k, at);
    this.q('where').textContent = `cell ${(this.step + 1).toLocaleString('en-US')} of ${this.total.toLocaleString('en-US')}`;
    const k = this.k;
    const want = this.step;
    const found = await this.load(want);
    if (k !== this.k || want !== this.step || !found) return;
    this.q('formula').textContent = found.formula;
    this.q('note').textContent = found.note || '';
  }

  async load(step) {
    const start = Math.floor(step / PAGE) * PAGE;
    const k = this.k;
    if (!this.pages.has(start)) {
      const body = { ...this.hooks.body(), outputs: false, reads: false,
        trace: { stage: k, start, limit: PAGE } };
      this.pages.set(start, api.pipeline(body).then((answer) => answer.stages[k].steps));
    }
    try {
      const steps = await this.pages.get(start);
      return steps[step - start] || null;
    } catch (err) {
      this.pages.delete(start);
      this.q('formula').textContent = `Could not load the steps: ${err.message}`;
      return null;
    }
  }

  toggle() {
    if (this.timer) { this.stop(); return; }
    this.q('play').textContent = '⏸';
    this.q('play').setAttribute('aria-label', 'pause');
    this.timer = setInterval(() => {
      if (this.step >= this.total - 1) { this.stop(); return; }
      this.go(this.step + 1);
    }, SPEED_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.q('play').textContent = '▶';
    this.q('play').setAttribute('aria-label', 'play');
  }
}

export function unravel(index, shape) {
  const at = [];
  let rest = index;
  for (let i = shape.length - 1; i >= 0; i -= 1) {
    at.unshift(rest % shape[i]);
    rest = Math.floor(rest / shape[i]);
  }
  return at;
}
