// The backward page's stage: x beside ΔX, W beside ΔW, ΔY with Δb, the
// formula of the current step, and ΔX as one full convolution. Drawn as a
// function of (response, step); grids are built once per shape, then patched.

import { Grid } from './grid.js';
import { fmt } from './numbers.js';
import { maxAbs } from './colors.js';
import { cellLabel } from './matrix-model.js';
import { TermPanel } from './matrix-formula.js';
import { as4, dwLines, dxLines, phaseOf, tapWeights } from './backward-terms.js';

const as3 = (a) => (Array.isArray(a[0][0]) ? a : [a]);

export class BackwardStage {
  constructor(root) {
    this.root = root;
    this.slot = (name) => root.querySelector(`[data-view="${name}"]`);
    this.formula = new TermPanel(this.slot('formula'));
    this.key = '';
  }

  grids(slot, blocks, kind, word) {
    return blocks.map((b, c) => new Grid(this.slot(slot), b.length, b[0].length,
      { kind, channel: c, caption: blocks.length > 1 ? `${word} ${c + 1}` : '' }));
  }

  /** A new response; `input` and `kernel` as sent. */
  setData(resp, input, kernel, symbolic) {
    this.resp = resp;
    this.x = as3(input);
    this.k = as4(kernel);
    this.dk = as4(resp.grad_kernel);
    this.dy = as3(resp.grad_output);
    this.names = symbolic ? resp.symbolic : null;
    const [cin, h, w] = [this.x.length, this.x[0].length, this.x[0][0].length];
    const [kh, kw] = [this.k[0][0].length, this.k[0][0][0].length];
    this.shape = [cin, h, w];
    this.kw = kw;
    const fc = resp.full_convolution;
    const key = JSON.stringify([cin, h, w, this.k.length, this.k[0].length, kh, kw, this.dy.length,
      this.dy[0].length, this.dy[0][0].length, fc.padded_input[0].length, fc.padded_input[0][0].length]);
    if (key !== this.key) {
      this.key = key;
      for (const s of ['input', 'dx', 'kernel', 'dw', 'dy', 'fc-input', 'fc-kernel', 'fc-output']) this.slot(s).replaceChildren();
      this.gx = this.grids('input', this.x, 'input', 'channel');
      this.gdx = this.grids('dx', this.x, 'dx', 'channel');
      this.gk = this.grids('kernel', this.k[0], 'kernel', 'channel');
      this.gdw = this.grids('dw', this.k[0], 'dw', 'channel');
      this.gdy = this.grids('dy', this.dy, 'output', 'channel');
      this.gfi = this.grids('fc-input', fc.padded_input, 'fc', 'ΔY channel');
      this.gfk = this.grids('fc-kernel', [fc.kernel[0][0]], 'fc', '');
      this.gfo = this.grids('fc-output', fc.output, 'fc', 'channel');
    }
    const xs = maxAbs(this.x);
    this.gx.forEach((g, c) => g.setValues(this.x[c], xs));
    const ys = maxAbs(this.dy);
    this.gdy.forEach((g, c) => g.setValues(this.dy[c], ys));
    this.gfi.forEach((g, c) => g.setValues(fc.padded_input[c], ys));
    this.gfk[0].setValues(fc.kernel[0][0], maxAbs(fc.kernel));
    this.gfo.forEach((g, c) => g.setValues(fc.output[c], maxAbs(fc.output)));
    this.slot('fc-note').textContent = fc.note;
    this.slot('note').textContent = resp.note;
    this.root.classList.toggle('flipped', Boolean(resp.flip_kernel));
    this.ctx = { resp, kernel: this.k, taps: tapWeights(resp), names: this.names, shape: this.shape, kw,
      gradLabel: (o, r, c) => `δ${cellLabel('y', o, r, c, this.dy.length)}`,
      weightLabel: ([o, ci, r, c]) => `δ${cellLabel('w', ci, r, c, this.k[0].length)}${this.k.length > 1 ? ` (filter ${o + 1})` : ''}` };
    const db = resp.grad_bias.map((v, o) => {
      const terms = this.names ? this.names.grad_bias[o].join(' + ') : this.dy[o].flat().map(fmt).join(' + ');
      return `Δb${resp.grad_bias.length > 1 ? `${o + 1}` : ''} = ${terms} = ${fmt(v)}`;
    });
    this.slot('db').textContent = db.join('   ');
    this.filter = -1;
  }

  showFilter(o) {
    if (o === this.filter) return;
    this.filter = o;
    const ks = maxAbs(this.k);
    this.gk.forEach((g, c) => g.setValues(this.k[o][c], ks));
    const ds = maxAbs(this.dk);
    this.gdw.forEach((g, c) => g.setValues(this.dk[o][c], ds));
  }

  /** Draw player index i: a ΔX scatter step, then the ΔW gather steps. */
  show(i) {
    const resp = this.resp;
    if (!resp) return;
    const { phase, k, step } = phaseOf(resp, i);
    const [cin, h, w] = this.shape;
    const [[top], [left]] = resp.padding;
    const xs = maxAbs(resp.grad_input);
    const clear = (grids) => grids.forEach((g) => { g.mark('tap', []); g.mark('focus', []); g.mark('linked', []); g.label([]); });
    [this.gx, this.gdx, this.gk, this.gdw, this.gdy].forEach(clear);
    if (!step) { this.formula.render('…', 'Loading this step…', []); return; }
    const progress = (grids, current, hide) => grids.forEach((g, o) => g.cells.forEach((row, r) => row.forEach((cell, c) => {
      const flat = (o * g.rows + r) * g.cols + c;
      cell.classList.toggle('done', current < 0 || flat < current);
      cell.classList.toggle('current', flat === current);
      cell.classList.toggle('todo', current >= 0 && flat > current);
      if (hide) cell.classList.toggle('hidden-v', current >= 0 && flat > current);
    })));
    if (phase === 'dx') {
      const [o, r, c] = step.source;
      this.showFilter(o);
      const run = as3(step.running_sum);
      this.gdx.forEach((g, ch) => g.setValues(run[ch], xs));
      const dyFlat = (o * this.dy[0].length + r) * this.dy[0][0].length + c;
      progress(this.gdy, dyFlat, false);
      this.gdw.forEach((g) => g.cells.flat().forEach((cell) => { cell.classList.add('hidden-v', 'todo'); cell.classList.remove('done', 'current'); }));
      step.channels.forEach((ch, ci) => {
        const hits = step.targets.map((t, tap) => [t, tap]).filter(([t]) => t);
        this.gx[ch].mark('tap', hits.map(([t]) => t));
        this.gdx[ch].mark('linked', hits.map(([t]) => t));
        this.gdx[ch].label(hits.map(([t, tap]) => [t[0], t[1], `+${fmt(step.amounts[ci][tap])}`]));
      });
      const name = this.ctx.gradLabel(o, r, c);
      this.formula.render(`${name} = ${fmt(step.grad)} scattered back`,
        `ΔX step ${k + 1} of ${resp.trace.total}: each cell of its window gets ${name}·w (running sums)`,
        dxLines(this.ctx, k));
      return;
    }
    const [o, ci, wr, wc] = step.weight;
    this.showFilter(o);
    this.gdx.forEach((g, ch) => g.setValues(as3(resp.grad_input)[ch], xs));
    progress(this.gdy, -1, false);
    const kFlat = (ci * this.k[0][0].length + wr) * this.kw + wc;
    progress(this.gdw, kFlat, true);
    this.gk[ci].mark('focus', [[wr, wc]]);
    const cells = step.window.map(([r, c], n) => [r - top, c - left, n])
      .filter(([r, c], n) => !step.padding[n] && r >= 0 && c >= 0 && r < h && c < w);
    const ch = this.gx.length > 1 ? (step.channel ?? ci) : 0;
    this.gx[Math.min(ch, cin - 1)].mark('tap', cells.map(([r, c]) => [r, c]));
    this.gx[Math.min(ch, cin - 1)].label(cells.map(([r, c, n]) => [r, c, `×${fmt(step.grads[n])}`]));
    this.gdy[o].mark('linked', this.dy[o].flatMap((row, r) => row.map((_, c) => [r, c])));
    const label = this.ctx.weightLabel(step.weight);
    this.formula.render(label, `ΔW step ${k + 1} of ${resp.kernel_trace.total}: this weight gathers δy·x over every output cell`,
      dwLines(this.ctx, step));
  }
}
