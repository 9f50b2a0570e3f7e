// The pooling page's stage: the padded input with the window and its winner,
// the pooled output, the remembered positions and the unpooling; the formula
// ("max(3, 2, 4, 1) = 4", "(3 + 2 + 4 + 1) / 4 = 2.5"). Reads only the server's
// trace; grids are built per shape (heatmaps when large) and patched every frame.

import { boxOf, focusAtOf, linkCells } from '../../core/grid.js';
import { HeatGrid, isLarge, makeGrids } from '../../core/heat-grid.js';
import { maxAbs, scaleFor } from '../../core/colors.js';
import { fmt } from '../../core/numbers.js';
import { cellName } from '../../core/names.js';
import { renderArithmetic } from '../../core/arithmetic.js';

const sizeClass = (n) => (n <= 7 ? 'size-l' : n <= 11 ? 'size-m' : 'size-s');
const as3 = (shape, a) => (shape.length === 2 ? [a] : a);
const dims = (a) => `${a.length > 1 ? `${a.length} × ` : ''}${a[0].length} × ${a[0][0].length}`;

const large = (a) => isLarge(a[0].length, a[0][0].length);

function span(cls, text) {
  const el = document.createElement('span');
  el.className = cls;
  el.textContent = text;
  return el;
}

export class PoolStage {
  constructor(root, onFocus, onPick) {
    this.root = root;
    this.slot = (n) => root.querySelector(`[data-p="${n}"]`);
    const pf = (n) => this.slot('formula').querySelector(`[data-pf="${n}"]`);
    this.pf = { title: pf('title'), where: pf('where'), lines: pf('lines') };
    this.link = { focusOf: (...a) => this.focusOf(...a), onFocus, onPick };
    linkCells(root, focusAtOf(this.link.focusOf), onFocus, onPick);
  }

  focusOf(kind, ch, r, c) {
    if (kind === 'input') return { kind: 'in', at: [ch, r, c] };
    if (['output', 'indices', 'u-input'].includes(kind)) return { kind: 'out', at: [ch, r, c] };
    return null;
  }

  grids(name, arrays, kind, heat, reuse) {
    return makeGrids(this.slot(name), arrays, kind, { heat, link: this.link,
      sizeClass: sizeClass(Math.max(arrays[0].length, arrays[0][0].length)), reuse });
  }

  /** A new answer; `store` holds its trace steps (core/trace.js TraceStore: pages of a
   * large trace arrive later). */
  setData(resp, unpool, store) {
    this.resp = resp;
    this.store = store;
    this.unpool = unpool && !unpool.error ? unpool : null;
    const out = as3(resp.output_shape, resp.output);
    const idx = resp.indices ? as3(resp.output_shape, resp.indices) : out.map((ch) => ch.map((row) => row.map(() => '–')));
    const uout = this.unpool ? as3(this.unpool.output_shape, this.unpool.output) : null;
    const [[pt, pb], [pl, pr]] = resp.padding;
    const [hp, wp] = [resp.padded_input[0].length, resp.padded_input[0][0].length];
    const heatIn = isLarge(hp - pt - pb, wp - pl - pr, hp, wp);
    this.root.classList.toggle('large', heatIn);
    // Each slot keeps its grids while their shape stays.
    this.inputs = this.grids('input', resp.padded_input, 'input', heatIn, this.inputs);
    this.outputs = this.grids('output', out, 'output', large(out), this.outputs);
    this.indices = this.grids('indices', out, 'indices', large(out), this.indices);
    this.uInputs = uout ? this.grids('u-input', out, 'u-input', large(out), this.uInputs) : [];
    this.uOutputs = uout ? this.grids('u-output', uout, 'u-output', large(uout), this.uOutputs) : [];
    if (!uout) { this.slot('u-input').replaceChildren(); this.slot('u-output').replaceChildren(); }
    // A picture (0–255) is drawn in gray, and so is what pooling makes of it (same units).
    const scale = scaleFor(resp.padded_input);
    const [[top, bottom], [left, right]] = resp.padding;
    const pads = [];
    resp.padded_input[0].forEach((row, r) => row.forEach((_, c) => {
      if (r < top || r >= resp.padded_input[0].length - bottom || c < left || c >= row.length - right) pads.push([r, c]);
    }));
    this.inputs.forEach((g, i) => { g.setValues(resp.padded_input[i], scale); g.mark('pad', pads); });
    this.outputs.forEach((g, i) => g.setValues(out[i], scale));
    this.indices.forEach((g, i) => g.setValues(idx[i], g instanceof HeatGrid ? maxAbs(idx) : 0));
    this.uInputs.forEach((g, i) => g.setValues(out[i], scale));
    this.uOutputs.forEach((g, i) => g.setValues(uout[i], scale));
    this.uTargets = this.unpool ? new Map(this.unpool.steps.map((s) => [s.source.join(','), s])) : new Map();
    this.slot('indices-note').textContent = resp.indices
      ? `Flat index row · ${resp.padded_input[0][0].length - left - right} + col of each ${resp.mode === 'max' ? 'maximum' : 'minimum'}, per channel (0-based), as PyTorch's return_indices.`
      : 'Average pooling remembers no position: every cell of the window shares the result.';
    this.slot('unpool-note').textContent = this.unpool ? this.unpool.explanation
      : unpool && unpool.error ? `Unpooling refused: ${unpool.error}`
        : 'Unpooling needs remembered positions: choose max (or min) pooling.';
    // The frame holds the padding and, in ceil mode, the cells a last window hangs past.
    const frame = [hp, wp];
    const chans = resp.padded_input.length > 1 ? `${resp.padded_input.length} × ` : '';
    this.slot('input-size').textContent = `${chans}${frame[0] - pt - pb} × ${frame[1] - pl - pr}`
      + (pt + pb + pl + pr ? `, framed to ${frame[0]} × ${frame[1]}` : '');
    this.slot('output-size').textContent = dims(out);
    this.slot('u-size').textContent = uout ? dims(uout) : '';
    renderArithmetic(this.slot('arithmetic'), resp);
    return Promise.all([this.inputs, this.outputs, this.indices, this.uInputs, this.uOutputs]
      .flat().map((g) => g.ready));
  }

  show(index, focus) {
    const resp = this.resp;
    let step = this.store.get(index);
    const linked = [];
    if (focus && focus.kind === 'out') step = this.store.get(this.indexOf(focus.at)) || step;
    if (focus && focus.kind === 'in') {
      const key = focus.at.slice(1).join(',');
      for (const s of this.store.all()) {  // the loaded steps
        if (s.out[0] === focus.at[0] && s.window.some((p) => p.join(',') === key)) linked.push(s.out);
      }
    }
    const cur = step ? step.out : null;
    const here = (cells, ch) => cells.filter((s) => s[0] === ch).map((s) => [s[1], s[2]]);
    const showWindow = step && !(focus && focus.kind === 'in');
    this.inputs.forEach((g, ch) => {
      const on = showWindow && cur[0] === ch;
      g.mark('tap', on ? step.window : []);
      g.frame(on ? boxOf(step.window) : null);
      g.mark('win', on && step.winner !== null ? [step.window[step.winner]] : []);
      g.mark('focus', focus && focus.kind === 'in' && focus.at[0] === ch ? [focus.at.slice(1)] : []);
    });
    // Steps go channel by channel, row-major within a channel (the server's order).
    const per = this.outputs.length ? this.outputs[0].rows * this.outputs[0].cols : 0;
    const progress = (grids, atStep) => grids.forEach((g, ch) => {
      g.progress(atStep === null ? null : atStep - ch * per);
      g.mark('linked', here(linked, ch));
    });
    const at = step ? step.index : null;
    progress(this.outputs, at);
    progress(this.indices, at);
    progress(this.uInputs, at);
    this.showUnpool(at);
    this.renderFormula(step);
  }

  /** The step of output cell [ch, r, c]: channels, then rows, then columns. */
  indexOf([ch, r, c]) {
    const [, ho, wo] = [0, this.outputs[0].rows, this.outputs[0].cols];
    return (ch * ho + r) * wo + c;
  }

  showUnpool(at) {
    if (!this.unpool) { this.slot('u-step').textContent = ''; return; }
    this.uOutputs.forEach((g, ch) => {
      if (g instanceof HeatGrid) {  // a heatmap outlines this step's target only
        const s = this.unpool.steps[at];
        g.mark('current', s && s.target[0] === ch ? [s.target.slice(1)] : []);
        return;
      }
      const placed = [];
      const later = [];
      const now = [];
      for (const s of this.unpool.steps) {
        if (s.target[0] !== ch) continue;
        const cell = s.target.slice(1);
        (s.index < at ? placed : s.index === at ? now : later).push(cell);
      }
      g.mark('placed', placed);
      g.mark('current', now);
      // A cell another pooled value already reached (or reaches now) is not "to do".
      const reached = new Set([...placed, ...now].map(([r, c]) => r * 1e6 + c));
      g.mark('todo', later.filter(([r, c]) => !reached.has(r * 1e6 + c)));
    });
    const s = this.unpool.steps[at];
    this.slot('u-step').textContent = s ? `pooled ${cellName(s.source[1], s.source[2])} = ${fmt(s.value)} → `
      + `output row ${s.target[1] + 1}, column ${s.target[2] + 1}${s.overwritten ? ' (a later value overwrites it)' : ''}` : '';
  }

  renderFormula(step) {
    const { title, where, lines } = this.pf;
    if (!step) { title.textContent = '…'; where.textContent = ''; lines.replaceChildren(); return; }
    const [, r, c] = step.out;
    title.textContent = cellName(r, c);
    where.textContent = `row ${r + 1}, column ${c + 1} (counting from 1), window ${step.window.length} cells`;
    const line = document.createElement('p');
    line.className = 'eq';
    const mode = this.resp.mode;
    const taps = step.values.map((v, t) => ({ v, t })).filter(({ t }) => mode === 'avg' || !step.padding[t]);
    const body = [];
    taps.forEach(({ v, t }, k) => {
      if (k) body.push(span('op', mode === 'avg' ? ' + ' : ', '));
      const term = span(`term${t === step.winner ? ' win' : ''}${step.padding[t] ? ' pad' : ''}`, fmt(v));
      body.push(term);
    });
    if (mode === 'avg') line.append(span('op', '('), ...body, span('op', ') / '), span('w', fmt(step.divisor)));
    else line.append(span('op', `${mode}(`), ...body, span('op', ')'));
    line.append(span('op', ' = '), span('eq-sum', fmt(step.value)));
    const note = document.createElement('p');
    note.className = 'eq-label';
    const pads = step.padding.filter(Boolean).length;
    note.textContent = mode === 'avg'
      ? `sum ${fmt(step.sum)}, divided by ${fmt(step.divisor)}${divisorNote(step, pads, this.resp.ceil_mode)}`
      : `the winner is the first ${mode === 'max' ? 'largest' : 'smallest'} value in row-major order${pads ? `; ${pads} ${this.resp.ceil_mode ? 'padding or overhang' : 'padding'} cell(s) never win` : ''}`;
    lines.replaceChildren(line, note);
  }
}

/** Which of a window's padding cells the average's divisor counts: count_include_pad counts
 * the padding, never the cells a ceil-mode window reaches past it (PyTorch's rule). */
function divisorNote(step, pads, ceil) {
  if (!pads) return '';
  const counted = Math.max(0, step.divisor - (step.padding.length - pads));
  const parts = [];
  if (counted) parts.push(`${counted} padding cell(s) counted`);
  if (pads > counted) {
    parts.push(`${pads - counted} ${ceil ? 'padding or overhang' : 'padding'} cell(s) not counted`);
  }
  return ` (${parts.join(', ')})`;
}
