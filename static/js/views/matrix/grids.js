// The matrix page's grids: input, kernel (and the rotated kernel of true
// convolution) and output, built once per shape and patched per frame with
// what the scene lights: the inputs a row of C reads, the outputs a column feeds.
// Large inputs and outputs are heatmaps (core/heat-grid.js), with values, not names.

import { Grid, writeCell } from '../../core/grid.js';
import { HeatGrid, isLarge } from '../../core/heat-grid.js';
import { maxAbs } from '../../core/colors.js';
import { unflat } from './model.js';

const cap = (c, n, word = 'channel') => (n > 1 ? `${word} ${c + 1}` : '');
const as4 = (a) => (Array.isArray(a[0][0]) ? (Array.isArray(a[0][0][0]) ? a : [a]) : [[a]]);

export class MatrixGrids {
  /** `slot(name)` finds a [data-view] element of the stage; `link` wires the heatmaps'
   * hover ({focusOf(kind, ch, r, c), onFocus, onPick}). */
  constructor(slot, link) {
    this.slot = slot;
    this.link = link;
    this.key = '';
    this.filter = -1;
  }

  /** Settles when every heatmap has drawn what it was last given. */
  ready() { return Promise.all([...this.inputs, ...this.outputs].map((g) => g.ready)); }

  /** Build the grids for this shape (kept while the shape stays) and write the values. */
  setData(m, kernel, names) {
    this.model = m;
    this.kernel = kernel;
    this.names = names;
    const [ig, kh, kw] = [kernel[0].length, kernel[0][0].length, kernel[0][0][0].length];
    const key = JSON.stringify([m.cin, m.h, m.w, m.cout, m.ho, m.wo, kh, kw, ig]);
    if (key !== this.key) {
      this.key = key;
      const slots = ['input', 'kernel', 'rotated', 'output'].map((s) => this.slot(s));
      slots.forEach((s) => s.replaceChildren());
      const In = isLarge(m.h, m.w) ? HeatGrid : Grid;
      const Out = isLarge(m.ho, m.wo) ? HeatGrid : Grid;
      slots[0].classList.toggle('maps-heat', In === HeatGrid);
      slots[3].classList.toggle('maps-heat', Out === HeatGrid);
      const link = this.link;
      this.inputs = m.x.map((_, c) => new In(slots[0], m.h, m.w, { kind: 'input', channel: c, caption: cap(c, m.cin), link }));
      this.kernels = Array.from({ length: ig }, (_, c) => new Grid(slots[1], kh, kw, { kind: 'kernel', channel: c, caption: cap(c, ig) }));
      this.rotated = Array.from({ length: ig }, (_, c) => new Grid(slots[2], kh, kw, { kind: 'original', channel: c, caption: cap(c, ig) }));
      this.outputs = m.y.map((_, c) => new Out(slots[3], m.ho, m.wo, { kind: 'output', channel: c, caption: cap(c, m.cout, 'output channel'), link }));
    }
    this.fill();
  }

  fill() {
    const m = this.model;
    const xs = maxAbs(m.x);
    this.inputs.forEach((g, c) => g.setValues(m.x[c], xs));
    const ys = maxAbs(m.y);
    this.outputs.forEach((g, c) => g.setValues(m.y[c], ys));
    if (this.names) {
      const names = m.cin > 1 ? this.names.input : [this.names.input];
      [...this.inputs, ...this.outputs].forEach((g) => g.invalidate && g.invalidate());
      this.inputs.forEach((g, c) => g.cells && g.cells.forEach((row, r) => row.forEach((cell, cc) => {
        writeCell(cell, names[c][r][cc]);
      })));
      this.outputs.forEach((g, o) => g.cells && g.cells.forEach((row, r) => row.forEach((cell, cc) => {
        writeCell(cell, m.yNames[(o * m.ho + r) * m.wo + cc]);
      })));
    }
    this.filter = -1;
  }

  showFilter(o) {
    if (o === this.filter) return;
    this.filter = o;
    const k = this.kernel;
    const ks = maxAbs(k);
    this.kernels.forEach((g, c) => g.setValues(k[o][c], ks));
    const resp = this.model.resp;
    if (resp.w_conv) {
      const r4 = as4(resp.w_conv.rotated_kernel);
      this.rotated.forEach((g, c) => g.setValues(r4[o][c], ks));
    }
    if (this.names) {
      const k4 = as4(this.names.kernel);
      [...this.kernels, ...this.rotated].forEach((g) => g.invalidate());
      this.kernels.forEach((g, c) => g.cells.forEach((row, r) => row.forEach((cell, cc) => {
        writeCell(cell, k4[o][c][r][cc]);
      })));
      // W_conv's kernel is the given one rotated 180°: its names read w₂₂ … w₁₁.
      if (resp.w_conv) {
        this.rotated.forEach((g, c) => g.cells.forEach((row, r) => row.forEach((cell, cc) => {
          const given = k4[o][c];
          writeCell(cell, given[given.length - 1 - r][given[0].length - 1 - cc]);
        })));
      }
    }
  }

  /** Light scene `s` (model.js sceneOf) at step `index`; weight(k) names entry k. */
  show(s, index, weight) {
    const m = this.model;
    const mat = m.resp.matrix;
    this.showFilter(s.filters[0] ?? 0);
    const inCells = (list) => list.map((j) => unflat(j, m.h, m.w));
    this.inputs.forEach((g, ch) => {
      const ins = s.kind === 'row' ? s.entries.map((k) => [unflat(mat.cols[k], m.h, m.w), k]) : [];
      const mine = ins.filter(([p]) => p[0] === ch);
      g.mark('tap', mine.map(([p]) => p.slice(1)));
      g.label(mine.map(([p, k]) => [p[1], p[2], `×${weight(k)}`]));
      g.mark('focus', s.kind === 'col' ? inCells(s.ins).filter((p) => p[0] === ch).map((p) => p.slice(1)) : []);
    });
    this.outputs.forEach((g, o) => {
      g.progress(index - o * m.ho * m.wo);  // row i of C is output i: channel, row, column
      const outs = s.entries.map((k) => [unflat(mat.rows[k], m.ho, m.wo), k]).filter(([p]) => p[0] === o);
      g.mark('focus', s.kind === 'row' ? [unflat(s.i, m.ho, m.wo)].filter((p) => p[0] === o).map((p) => p.slice(1)) : []);
      g.mark('linked', s.kind === 'col' ? outs.map(([p]) => p.slice(1)) : []);
      g.label(s.kind === 'col' ? outs.map(([p, k]) => [p[1], p[2], `×${weight(k)}`]) : []);
    });
  }
}
