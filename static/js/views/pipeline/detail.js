// One stage, cell by cell. Forward: each output cell with its formula. Backward: each
// cell of the stage's input with the chain rule (every output reading it: upstream
// gradient × local derivative = product, then the sum), or each kernel tap, weight or
// bias with its sum. Steps come a page at a time (trace {stage, of, start, limit}); the
// current cell is framed on its map and what it reads, or feeds, on the maps beside.

import * as api from '../../core/api.js';
import { significant as fmt } from './maps.js';

const PAGE = 256;
const SPEED_MS = 250;

export function unravel(index, shape) {
  const at = [];
  let rest = index;
  for (let i = shape.length - 1; i >= 0; i -= 1) {
    at.unshift(rest % shape[i]);
    rest = Math.floor(rest / shape[i]);
  }
  return at;
}

const size = (shape) => shape.reduce((a, b) => a * b, 1);

export class Detail {
  /**
   * @param el            the detail panel
   * @param hooks.body    () => the request body of the chain shown
   * @param hooks.mark    (k, at, step, mode) => outline the cell (mode: forward, grad_input, …)
   * @param hooks.moved   (step, of) => the state's step changed
   * @param hooks.links   (k) => [{href, text, title}] into the views that animate the stage
   */
  constructor(el, hooks) {
    this.el = el;
    this.hooks = hooks;
    this.k = null;
    this.step = 0;
    this.total = 0;
    this.timer = null;
    this.of = 'forward';
    const q = (n) => el.querySelector(`[data-pipe="${n}"]`);
    this.q = q;
    q('first').addEventListener('click', () => this.go(0));
    q('prev').addEventListener('click', () => this.go(this.step - 1));
    q('next').addEventListener('click', () => this.go(this.step + 1));
    q('last').addEventListener('click', () => this.go(this.total - 1));
    q('play').addEventListener('click', () => this.toggle());
    q('of').addEventListener('change', () => {
      this.of = q('of').value;
      this.start(0);
    });
  }

  get open() { return this.k !== null; }

  /** Show stage k of `resp` at `step`; `back`: the gradients (`of` names which). */
  show(resp, k, step, back = false, of = 'grad_input') {
    this.stop();
    this.k = k;
    this.resp = resp;
    this.back = back;
    const s = resp.stages[k];
    this.stage = s;
    const options = back ? ['grad_input', ...['grad_kernel', 'grad_weight', 'grad_bias'].filter((n) => n in s)] : [];
    this.of = back ? (options.includes(of) ? of : 'grad_input') : 'forward';
    const select = this.q('of');
    select.replaceChildren(...options.map((n) => new Option({
      grad_input: 'its input, cell by cell', grad_kernel: 'its kernel, tap by tap',
      grad_weight: s.op === 'linear' ? 'its weights' : 'its γ (weight)', grad_bias: 'its bias',
    }[n], n)));
    select.value = this.of;
    this.q('of-box').hidden = !back;
    this.el.hidden = false;
    this.q('detail-title').textContent = back
      ? `Stage ${k + 1}: ${s.op}, the chain rule` : `Stage ${k + 1}: ${s.op}, cell by cell`;
    this.q('links').replaceChildren(...this.hooks.links(k).map((l) => {
      const a = document.createElement('a');
      a.href = l.href;
      a.textContent = l.text;
      a.title = l.title;
      return a;
    }));
    this.start(step);
  }

  start(step) {
    const s = this.stage;
    this.shape = this.of === 'forward' ? s.output_shape
      : this.of === 'grad_input' ? s.input_shape : shapeOf(s[this.of]);
    this.total = size(this.shape);
    this.pages = new Map(); // start → a promise of that page's steps
    this.view = (this.view || 0) + 1; // a page of an earlier stage or gradient never writes
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
    this.hooks.moved(this.step, this.of);
    const at = unravel(this.step, this.shape);
    this.q('where').textContent = `${this.of === 'forward' || this.of === 'grad_input' ? 'cell' : 'entry'} ${(this.step + 1).toLocaleString('en-US')} of ${this.total.toLocaleString('en-US')}`;
    const k = this.k;
    const want = this.step;
    const view = this.view;
    if (this.of === 'forward' || this.of === 'grad_input') this.hooks.mark(k, at, null, this.of);
    const found = await this.load(want);
    if (view !== this.view || k !== this.k || want !== this.step || !found) return;
    this.q('formula').textContent = found.formula;
    this.q('note').textContent = found.note || '';
    this.showTerms(found);
    if (this.of === 'grad_input') this.hooks.mark(k, at, found, this.of);
  }

  showTerms(step) {
    const table = this.q('terms');
    if (!step.terms || !step.terms.length) { table.hidden = true; return; }
    const head = document.createElement('tr');
    for (const t of ['from', '∂L/∂y (upstream)', '∂y/∂x (local)', 'product']) {
      const th = document.createElement('th');
      th.textContent = t;
      head.append(th);
    }
    const rows = step.terms.map((t) => {
      const tr = document.createElement('tr');
      for (const v of [t.from.map((i) => i + 1).join(', '), fmt(t.upstream), fmt(t.local), fmt(t.product)]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    });
    const sum = document.createElement('tr');
    sum.className = 'pipe-terms-sum';
    const more = step.term_count > step.terms.length ? ` (the first ${step.terms.length} of ${step.term_count} shown)` : '';
    for (const v of [`sum of ${step.term_count}${more}`, '', '', fmt(step.grad)]) {
      const td = document.createElement('td');
      td.textContent = v;
      sum.append(td);
    }
    table.replaceChildren(head, ...rows, sum);
    table.hidden = false;
  }

  /** The step `index` of the current stage and gradient, fetched a page at a time. */
  async load(index) {
    const start = Math.floor(index / PAGE) * PAGE;
    const k = this.k;
    const of = this.of;
    const { pages } = this;
    if (!pages.has(start)) {
      const base = this.hooks.body();
      const promise = of === 'forward'
        ? api.pipeline({ input: base.input, stages: base.stages, outputs: false, reads: false,
          trace: { stage: k, start, limit: PAGE } })
        : api.pipelineBackward({ ...base, outputs: false, reads: false,
          trace: { stage: k, of, start, limit: PAGE } });
      pages.set(start, promise.then((answer) => answer.stages[k].steps));
    }
    try {
      const steps = await pages.get(start);
      return steps[index - start] || null;
    } catch (err) {
      if (pages !== this.pages) return null; // an earlier stage's or gradient's page
      pages.delete(start);
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

function shapeOf(nested) {
  const shape = [];
  let v = nested;
  while (Array.isArray(v)) { shape.push(v.length); [v] = v; }
  return shape;
}
