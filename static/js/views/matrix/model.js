// Pure helpers for the matrix page (no DOM): the response's shapes, C's
// coordinate list indexed by row and by column once, the cells' names, and
// what to light for a (step, focus). Hover and animation read the same index.

import { cellLabel } from '../../core/names.js';

/** Split a flat row-major index into (channel, row, col) of a (·, h, w) block. */
export const unflat = (i, h, w) => [Math.floor(i / (h * w)), Math.floor(i / w) % h, i % w];

/** A flat list as [channels][h][w]. */
export function reshape(flat, ch, h, w) {
  return Array.from({ length: ch }, (_, c) => Array.from({ length: h }, (_, r) =>
    flat.slice((c * h + r) * w, (c * h + r + 1) * w)));
}

const flatNames = (nested) => (Array.isArray(nested) ? nested.flat(Infinity) : []);

/** Everything the views read, derived once per /api/conv2d/matrix response. */
export function modelOf(resp) {
  const [h, w] = [resp.arithmetic[0].input_size, resp.arithmetic[1].input_size];
  const cin = resp.input_flat.length / (h * w);
  const os = resp.output_shape;
  const [cout, ho, wo] = os.length === 3 ? os : [1, os[0], os[1]];
  const m = resp.matrix;
  const byRow = Array.from({ length: m.shape[0] }, () => []);
  const byCol = Array.from({ length: m.shape[1] }, () => []);
  m.rows.forEach((r, k) => { byRow[r].push(k); byCol[m.cols[k]].push(k); });
  const sym = resp.symbolic;
  const xNames = sym ? flatNames(sym.input)
    : resp.input_flat.map((_, j) => cellLabel('x', ...unflat(j, h, w), cin));
  const yNames = resp.output_flat.map((_, i) => cellLabel('y', ...unflat(i, ho, wo), cout));
  const taps = resp.x_conv.length;
  return { resp, h, w, cin, cout, ho, wo, byRow, byCol, xNames, yNames, taps,
    x: reshape(resp.input_flat, cin, h, w), y: reshape(resp.output_flat, cout, ho, wo) };
}

/**
 * What to light for step `index` under `focus` (null, {kind: "row", i} or {kind: "col", j}).
 * rows/cols of C, the output cells (flat), the input cells (flat), X_conv columns, filters.
 */
export function sceneOf(model, index, focus) {
  const f = focus || { kind: 'row', i: index };
  const m = model.resp.matrix;
  const per = model.ho * model.wo;
  if (f.kind === 'row') {
    const entries = model.byRow[f.i] || [];
    return { kind: 'row', i: f.i, j: null, entries, outs: [f.i], ins: entries.map((k) => m.cols[k]),
      positions: [f.i % per], filters: [Math.floor(f.i / per)], step: index, hovering: Boolean(focus) };
  }
  const entries = model.byCol[f.j] || [];
  const outs = entries.map((k) => m.rows[k]);
  return { kind: 'col', i: null, j: f.j, entries, outs, ins: [f.j],
    positions: [...new Set(outs.map((i) => i % per))],
    filters: [...new Set(outs.map((i) => Math.floor(i / per)))], step: index, hovering: true };
}
