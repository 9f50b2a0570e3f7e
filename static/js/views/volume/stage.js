// The volume page's stage: the padded input as a row of depth-slice grids, the current
// window's cells lit in every slice it reaches (tinted and labelled k1, k2, … by the
// kernel slice that reads them); the kernel's slices; the output volume filling in slice
// by slice; the formula and the size arithmetic. Reads only the server's answer: grids
// are built per shape, then patched on every step.

import { boxOf, focusAtOf, linkCells } from '../../core/grid.js';
import { isLarge, makeGrids } from '../../core/heat-grid.js';
import { imageLike, maxAbs, scaleFor } from '../../core/colors.js';
import { renderArithmetic } from '../../core/arithmetic.js';
import { VolumeFormula } from './formula.js';

const TINTS = 4;  // kernel slices take tints .ks-0 … .ks-3 in turn (volume.css)
const TINT_CLASSES = Array.from({ length: TINTS }, (_, i) => `ks-${i}`);
const sizeClass = (n) => (n <= 5 ? 'size-l' : n <= 9 ? 'size-m' : 'size-s');
const dims = (v) => `${v.length} × ${v[0].length} × ${v[0][0].length}`;
const large = (v) => isLarge(v[0].length, v[0][0].length);

/** Put `text` in a grid's caption, making one if it has none. */
function caption(grid, text) {
  let cap = grid.figure.querySelector('figcaption');
  if (!cap) {
    cap = document.createElement('figcaption');
    grid.figure.prepend(cap);
  }
  cap.textContent = text;
}

/** The cells of a padded slice that are padding: all of a padding slice, else its frame. */
function padCells(rows, cols, [[top, bottom], [left, right]], whole) {
  const cells = [];
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      if (whole || r < top || r >= rows - bottom || c < left || c >= cols - right) cells.push([r, c]);
    }
  }
  return cells;
}

export class VolumeStage {
  /** `onPick(index)`: a click (or Enter) on an output cell asks for its step. */
  constructor(root, onPick) {
    this.root = root;
    this.slot = (n) => root.querySelector(`[data-v="${n}"]`);
    this.formula = new VolumeFormula(this.slot('formula'));
    const focusOf = (kind, z, r, c) => (kind === 'output' ? { at: [z, r, c] } : null);
    const pick = (f) => onPick(this.indexOf(f.at));
    this.link = { focusOf, onFocus: () => {}, onPick: pick };
    linkCells(root, focusAtOf(focusOf), () => {}, pick);
  }

  grids(name, arrays, kind, heat, reuse) {
    return makeGrids(this.slot(name), arrays, kind, { heat, link: this.link, reuse,
      sizeClass: sizeClass(Math.max(arrays[0].length, arrays[0][0].length)) });
  }

  /** "depth 2" for padded slice z that holds input slice 2; "padding" for a padding slice. */
  depthName(z) {
    const [before, after] = this.resp.padding[0];
    const inside = z >= before && z < this.resp.padded_input[0].length - after;
    return inside ? `depth ${z - before + 1}` : 'padding';
  }

  /** A new answer; `store` (core/trace.js TraceStore) holds its steps as they arrive. */
  setData(resp, store) {
    this.resp = resp;
    this.store = store;
    const P = resp.padded_input[0];
    const K = resp.kernel[0][0];
    const out = resp.output_shape.length === 4 ? resp.output[0] : resp.output;
    this.out = out;
    const [, hPad, wPad] = resp.padding;
    const [hp, wp] = [P[0].length, P[0][0].length];
    const heatIn = isLarge(hp - hPad[0] - hPad[1], wp - wPad[0] - wPad[1], hp, wp);
    this.root.classList.toggle('large', heatIn);
    this.inputs = this.grids('input', P, 'input', heatIn, this.inputs);
    this.kernels = this.grids('kernel', K, 'kernel', large(K), this.kernels);
    this.outputs = this.grids('output', out, 'output', large(out), this.outputs);

    const scale = scaleFor(resp.padded_input);
    this.inputs.forEach((g, z) => {
      g.setValues(P[z], scale);
      g.mark('pad', padCells(hp, wp, [hPad, wPad], this.depthName(z) === 'padding'));
      caption(g, this.depthName(z));
    });
    const kScale = maxAbs(K);
    this.kernels.forEach((g, j) => {
      g.setValues(K[j], kScale);
      caption(g, `kernel slice ${j + 1}`);
      g.figure.classList.remove(...TINT_CLASSES);
      g.figure.classList.add(TINT_CLASSES[j % TINTS]);
      if (!g.reads) {
        g.reads = document.createElement('p');
        g.reads.className = 'ks-reads';
        g.figure.append(g.reads);
      }
    });
    // Gray only for the output of a picture (a video's frames), as the input is drawn.
    const oScale = scaleFor(out, 'auto', imageLike(resp.padded_input));
    this.outputs.forEach((g, z) => { g.setValues(out[z], oScale); caption(g, `depth ${z + 1}`); });

    const sizes = (key) => resp.arithmetic.map((a) => a[key]).join(' × ');
    this.slot('input-size').textContent = sizes('input_size')
      + (resp.padding.flat().some(Boolean) ? `, padded to ${sizes('padded_size')}` : '');
    this.slot('kernel-size').textContent = dims(K);
    this.slot('kernel-note').textContent = resp.flip_kernel
      ? 'Flipped on all three axes (true convolution): the kernel as applied.' : '';
    this.slot('output-size').textContent = dims(out);
    renderArithmetic(this.slot('arithmetic'), resp);
    return Promise.all([...this.inputs, ...this.kernels, ...this.outputs].map((g) => g.ready));
  }

  /** Draw step `index`: the window in the input slices, the kernel slices' reads, the output
   * filled up to it, the formula. A step not loaded yet leaves the marks as they were. */
  show(index) {
    const step = this.store.get(index);
    this.formula.render(this.resp, step, (z) => this.depthName(z));
    if (!step) return;
    const K = this.resp.kernel[0][0];
    const taps = K[0].length * K[0][0].length;
    const bySlice = new Map();  // padded slice → the cells read there, by tint, and labels
    step.window.forEach(([z, r, c], t) => {
      const j = Math.floor(t / taps);
      if (!bySlice.has(z)) bySlice.set(z, { all: [], tints: TINT_CLASSES.map(() => []), labels: [] });
      const s = bySlice.get(z);
      s.all.push([r, c]);
      s.tints[j % TINTS].push([r, c]);
      s.labels.push([r, c, `k${j + 1}`]);
    });
    this.inputs.forEach((g, z) => {
      const s = bySlice.get(z);
      g.mark('tap', s ? s.all : []);
      TINT_CLASSES.forEach((cls, i) => g.mark(cls, s ? s.tints[i] : []));
      g.label(s ? s.labels : []);
      g.frame(s ? boxOf(s.all) : null);
      g.figure.classList.toggle('active', Boolean(s));
    });
    this.kernels.forEach((g, j) => {
      g.reads.textContent = `reads ${this.depthName(step.window[j * taps][0])}`;
    });
    const [, d, r, c] = step.out;
    const cols = this.out[0][0].length;
    const perSlice = this.out[0].length * cols;
    this.outputs.forEach((g, z) => {
      g.progress(z < d ? perSlice : z > d ? -1 : r * cols + c);
      g.figure.classList.toggle('active', z === d);
    });
  }

  /** The step of output cell [depth, row, col]: depth, then rows, then columns. */
  indexOf([z, r, c]) {
    return (z * this.out[0].length + r) * this.out[0][0].length + c;
  }
}
