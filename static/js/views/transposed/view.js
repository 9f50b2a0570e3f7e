// The transposed page's stage: the scatter (input, kernel, running sum), the
// equivalent direct convolution, the overlap map and the shape arithmetic.
// Grids are built per shape (heatmaps when large); each frame patches marks,
// labels and values.

import { boxOf, focusAtOf, linkCells } from '../../core/grid.js';
import { HeatGrid, isLarge, makeGrids } from '../../core/heat-grid.js';
import { maxAbs, scaleFor } from '../../core/colors.js';
import { fmt, fmtFactor } from '../../core/numbers.js';
import { FormulaPanel } from '../../core/formula.js';
import { cellName } from '../../core/names.js';
import { channelsOf, formulaOf } from '../../core/trace.js';
import { renderArithmetic } from '../../core/arithmetic.js';
import { addStepsByOut, as3, sceneOf, sourceIndex } from './scene.js';

const sizeClass = (n) => (n <= 7 ? 'size-l' : n <= 11 ? 'size-m' : 'size-s');
const name = (letter, r, c) => cellName(r, c).replace('h', letter);
const dims = (a) => `${a.length > 1 ? `${a.length} × ` : ''}${a[0].length} × ${a[0][0].length}`;

const large = (a) => isLarge(a[0].length, a[0][0].length);

export class TransposedStage {
  constructor(root, onFocus, onPick) {
    this.root = root;
    this.slot = (n) => root.querySelector(`[data-t="${n}"]`);
    this.eqFormula = new FormulaPanel(this.slot('eq-formula'));
    const tf = (n) => this.slot('formula').querySelector(`[data-tf="${n}"]`);
    this.tf = { title: tf('title'), where: tf('where'), lines: tf('lines') };
    this.link = { focusOf: (...a) => this.focusOf(...a), onFocus, onPick };
    linkCells(root, focusAtOf(this.link.focusOf), onFocus, onPick);
  }

  focusOf(kind, ch, r, c) {
    if (kind === 'input') return { kind: 'in', ch, r, c };
    if (kind === 'output' || kind === 'eq-output') return { kind: 'out', out: [ch, r, c] };
    return null;
  }

  /** Grids for `arrays` in slot `name`: heatmaps when they are large. */
  grids(name, arrays, kind, caption, reuse) {
    return makeGrids(this.slot(name), arrays, kind, { caption, heat: large(arrays), link: this.link,
      sizeClass: sizeClass(Math.max(arrays[0].length, arrays[0][0].length)), reuse });
  }

  indexOf(focus) { return sourceIndex(this.resp, [focus.ch, focus.r, focus.c]); }

  setData(resp) {
    this.resp = resp;
    const eq = resp.equivalent;
    const out = as3(resp, resp.output);
    this.eqSteps = addStepsByOut(new Map(), eq.steps);
    this.eqResp = { padded_input: eq.padded_input, kernel: eq.kernel, groups: resp.groups };
    const big = large(resp.input) || large(out) || large(eq.padded_input);
    this.root.classList.toggle('large', big);
    // Each slot keeps its grids while their shape stays (a stride change leaves x and K).
    this.inputs = this.grids('input', resp.input, 'input', 'channel', this.inputs);
    this.kernels = this.grids('kernel', resp.kernel[0], 'kernel', 'to output channel', this.kernels);
    this.outputs = this.grids('output', out, 'output', 'output channel', this.outputs);
    this.eqInputs = this.grids('eq-input', eq.padded_input, 'eq-input', 'channel', this.eqInputs);
    this.eqKernels = this.grids('eq-kernel', eq.kernel[0], 'kernel', 'from input channel', this.eqKernels);
    this.eqOutputs = this.grids('eq-output', out, 'eq-output', 'output channel', this.eqOutputs);
    this.coverage = this.grids('coverage', [resp.coverage], 'coverage', '', this.coverage);
    if (!large(resp.kernel[0])) this.slot('kernel').className = 'maps';
    if (!large(eq.kernel[0])) this.slot('eq-kernel').className = 'maps';
    this.scale = maxAbs(out);
    const inScale = scaleFor(resp.input);  // gray for a 0–255 picture
    this.inputs.forEach((g, i) => g.setValues(resp.input[i], inScale));
    this.eqInputs.forEach((g, i) => { g.setValues(eq.padded_input[i], inScale); g.mark('pad', this.padCells()); });
    this.showEqOutput();
    this.coverage[0].setValues(resp.coverage, maxAbs(resp.coverage));
    this.slot('eq-note').textContent = eq.note;
    this.slot('coverage-note').textContent = resp.coverage_note;
    this.slot('input-size').textContent = dims(resp.input);
    this.slot('kernel-size').textContent = dims(resp.kernel[0]);
    this.slot('output-size').textContent = dims(out);
    this.slot('eq-input-size').textContent = dims(eq.padded_input);
    renderArithmetic(this.slot('arithmetic'), resp);
    renderArithmetic(this.slot('eq-arithmetic'), eq);
    this.shownKernel = -1;
    return this.ready();
  }

  /** More gather steps of the equivalent convolution (a later page) arrived. */
  addEqSteps(steps) {
    addStepsByOut(this.eqSteps, steps);
    this.showEqOutput();
  }

  /** The direct convolution's output, cell by cell from its own trace ("…" not loaded yet),
   * and whether it agrees with the scatter's. */
  showEqOutput() {
    const out = as3(this.resp, this.resp.output);
    const eqOut = out.map((ch, o) => ch.map((row, r) => row.map((_, c) => {
      const step = this.eqSteps.get(`${o},${r},${c}`);
      return step ? step.value : '…';
    })));
    this.eqOutputs.forEach((g, o) => g.setValues(eqOut[o], this.scale));
    const loaded = this.eqSteps.size;
    const total = out.length * out[0].length * out[0][0].length;
    const agree = eqOut.every((ch, o) => ch.every((row, r) => row.every((v, c) => v === '…' || v === out[o][r][c])));
    const agreeEl = this.slot('agree');
    agreeEl.textContent = !agree ? 'The direct convolution differs from the scatter: please report this case.'
      : loaded < total ? `Loading the direct convolution: ${loaded} of ${total} cells so far, each the same as the scatter’s.`
        : 'Cell for cell the same as the scatter’s output.';
    agreeEl.classList.toggle('same', agree && loaded >= total);
  }

  /** Settles when every heatmap has drawn what it was last given. */
  ready() {
    return Promise.all([this.inputs, this.kernels, this.outputs, this.eqInputs, this.eqKernels,
      this.eqOutputs, this.coverage].flat().map((g) => g.ready));
  }

  /** Padding of the equivalent input, from the server's [[top, bottom], [left, right]]. */
  padCells() {
    const p = this.resp.equivalent.padding;
    const a = this.resp.equivalent.padded_input[0];
    const cells = [];
    a.forEach((row, r) => row.forEach((_, c) => {
      if (r < p[0][0] || r >= a.length - p[0][1] || c < p[1][0] || c >= row.length - p[1][1]) cells.push([r, c]);
    }));
    return cells;
  }

  showKernel(ch) {
    if (ch === this.shownKernel) return;
    this.shownKernel = ch;
    const scale = maxAbs(this.resp.kernel);
    this.kernels.forEach((g, o) => g.setValues(this.resp.kernel[ch][o], scale));
  }

  show(store, index, focus) {
    if (!this.resp) return;
    const scene = sceneOf(this.resp, store, index, focus);
    this.scene = scene;
    const srcKey = scene.step ? sourceIndex(this.resp, scene.step.source) : -1;
    const linked = scene.mode === 'out' ? scene.found.map(({ step }) => step.source) : [];
    this.inputs.forEach((g, ch) => {
      const here = (cells) => cells.filter((s) => s[0] === ch).map((s) => [s[1], s[2]]);
      g.mark('tap', scene.mode === 'step' ? here([scene.step.source]) : []);
      g.mark('linked', here(linked));
      g.label(scene.mode === 'out' ? scene.found.filter(({ step }) => step.source[0] === ch)
        .map(({ step, k }) => [step.source[1], step.source[2], this.tapName(k)]) : []);
      // The scatter goes channel by channel, row-major within a channel.
      g.progress(scene.mode === 'step' ? srcKey - sourceIndex(this.resp, [ch, 0, 0]) : null);
    });
    if (scene.step) this.showKernel(scene.step.source[0]);
    this.slot('scale').textContent = scene.mode === 'step'
      ? `this step: × ${fmt(scene.step.value)} (the value of ${name('x', scene.step.source[1], scene.step.source[2])})` : '';
    this.outputs.forEach((g, o) => {
      // Hovering a heatmap's cell keeps the map as it is (redrawing the map under the
      // pointer would end the hover); the formula gives that cell's final value.
      if (scene.values && !(g instanceof HeatGrid && scene.mode === 'out')) g.setValues(scene.values[o], this.scale);
      const mine = scene.mode === 'step' ? scene.written.filter(({ t }) => t[0] === o) : [];
      g.mark('tap', mine.map(({ t }) => [t[1], t[2]]));
      g.label(mine.map(({ t, k }) => [t[1], t[2], `+${fmt(scene.step.amounts[k])}`]));
      g.frame(boxOf(mine.map(({ t }) => [t[1], t[2]])));
      g.mark('focus', scene.mode === 'out' && scene.outCell[0] === o ? [scene.outCell.slice(1)] : []);
    });
    this.showEquivalent(scene);
    this.renderFormula(scene);
  }

  tapName(k) {
    const [kh, kw] = [this.resp.kernel[0][0].length, this.resp.kernel[0][0][0].length];
    const t = k % (kh * kw);
    return name('k', Math.floor(t / kw), t % kw);
  }

  showEquivalent(scene) {
    const out = scene.outCell;
    const step = out ? this.eqSteps.get(out.join(',')) : null;
    const chans = step ? channelsOf(this.eqResp, out[0]) : [];
    this.eqInputs.forEach((g, ch) => {
      const on = step && chans.includes(ch);
      g.mark('tap', on ? step.window : []);
      g.frame(on ? boxOf(step.window) : null);
      g.label(on ? step.window.map(([r, c], t) => [r, c, `×${fmt(this.eqWeight(out[0], chans.indexOf(ch), t))}`]) : []);
    });
    if (step) {
      const scale = maxAbs(this.eqResp.kernel);
      this.eqKernels.forEach((g, i) => g.setValues(this.eqResp.kernel[out[0]][i], scale));
    }
    this.eqOutputs.forEach((g, o) => g.mark('current', out && out[0] === o ? [out.slice(1)] : []));
    this.eqFormula.render(step ? formulaOf(this.eqResp, step) : null, [this.eqResp.kernel.length],
      'Hover an output cell to see the window that computes it.');
  }

  eqWeight(o, ci, t) {
    const k = this.eqResp.kernel[o][ci];
    return k[Math.floor(t / k[0].length)][t % k[0].length];
  }

  renderFormula(scene) {
    const { title, where, lines } = this.tf;
    const p = (cls, text) => { const el = document.createElement('p'); el.className = cls; el.textContent = text; return el; };
    if (scene.mode === 'loading') {
      title.textContent = '…'; where.textContent = 'Loading this step…'; lines.replaceChildren(); return;
    }
    if (scene.mode === 'out') {
      const [o, r, c] = scene.outCell;
      title.textContent = cellName(r, c);
      where.textContent = `output row ${r + 1}, column ${c + 1}: every copy that lands on it`;
      const terms = scene.found.map(({ step, k }) => `${fmtFactor(step.value)}·${fmtFactor(this.weight(step, k))}`);
      const bias = this.resp.bias[o] ? ` + ${fmtFactor(this.resp.bias[o])}` : '';
      const names = scene.found.map(({ step, k }) => `${name('x', step.source[1], step.source[2])}·${this.tapName(k)}`);
      lines.replaceChildren(p('eq', `${cellName(r, c)} = ${names.join(' + ') || '0'}${bias ? ' + b' : ''}`),
        p('eq eq-total', `${terms.join(' + ') || '0'}${bias} = ${fmt(scene.values[o][r][c])}`));
      return;
    }
    const { step } = scene;
    const [, r, c] = step.source;
    title.textContent = `Step ${scene.index + 1}: ${name('x', r, c)} = ${fmt(step.value)}`;
    where.textContent = `input row ${r + 1}, column ${c + 1} (counting from 1) places ${fmt(step.value)} · K`;
    const adds = scene.written.map(({ t, k }) => `${cellName(t[1], t[2])} += ${fmtFactor(step.value)}·${fmtFactor(this.weight(step, k))} = ${fmt(step.amounts[k])}`);
    const cropped = step.cropped.filter(Boolean).length;
    lines.replaceChildren(p('eq eq-adds', adds.join(',  ') || 'every amount falls on the cropped border'),
      p('eq-note-line', `${scene.index === 0 ? 'The output now holds the first copy (A1)'
        : `The output now holds the sum of the first ${scene.index + 1} copies (A1 … A${scene.index + 1})`}`
        + `${cropped ? `; ${cropped} amount(s) fell on the border the padding crops` : ''}.`));
  }

  weight(step, k) {
    const w = this.resp.kernel[step.source[0]];
    const [kh, kw] = [w[0].length, w[0][0].length];
    const o = Math.floor(k / (kh * kw));
    const t = k % (kh * kw);
    return w[o][Math.floor(t / kw)][t % kw];
  }
}
