// The receptive field, drawn: the network's input as a plane with the padding
// around it, the picked layer's output as a plane of cells, and for the picked
// output cell the input cells it sees (Araujo et al.: cell i sees i·j − P …
// i·j − P + r − 1 per axis), the part in the padding dashed.

const NS = 'http://www.w3.org/2000/svg';
const SIDE = 260; // px of the larger side of a plane

function el(name, attrs) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export class FieldView {
  /** onCell([i, j]): a cell of the output plane was picked. */
  constructor(slots, onCell) {
    this.slots = slots;
    this.onCell = onCell;
    slots.output.addEventListener('click', (e) => {
      if (!this.out) return;
      const box = slots.output.getBoundingClientRect();
      const [ho, wo] = this.out;
      const i = Math.min(ho - 1, Math.floor(((e.clientY - box.top) / box.height) * ho));
      const j = Math.min(wo - 1, Math.floor(((e.clientX - box.left) / box.width) * wo));
      onCell([Math.max(0, i), Math.max(0, j)]);
    });
  }

  /** Draw `row` (a layer of the table; null: none picked) at output cell `cell` [i, j]. */
  show(resp, row, cell) {
    const { input, output, text, caption, inSize } = this.slots;
    const [, h, w] = resp.input_shape.length === 3 ? resp.input_shape : [0, 0, 0];
    inSize.textContent = h ? `${h} × ${w}` : '(features: no grid)';
    const rf = row && row.receptive_field;
    if (!row || !rf || row.output_shape.length !== 3 || !h) {
      input.replaceChildren();
      output.replaceChildren();
      this.out = null;
      caption.textContent = row ? `Layer ${row.path} (${row.type})` : 'Pick a layer in the table';
      text.textContent = row ? (row.receptive_field_note || 'No receptive field here.') : '';
      return;
    }
    const [, ho, wo] = row.output_shape;
    this.out = [ho, wo];
    // No cell picked yet: the middle one.
    const [i, j] = cell.length === 2 && cell.every(Number.isFinite)
      ? [Math.min(cell[0], ho - 1), Math.min(cell[1], wo - 1)] : [ho >> 1, wo >> 1];
    caption.textContent = `Layer ${row.path} (${row.type}): ${ho} × ${wo}`;
    // The input plane with room for the padding the field reaches into.
    const lo = [i * rf.stride[0] - rf.padding[0], j * rf.stride[1] - rf.padding[1]];
    const hi = [lo[0] + rf.size[0] - 1, lo[1] + rf.size[1] - 1];
    const top = Math.min(0, lo[0]);
    const left = Math.min(0, lo[1]);
    const bottom = Math.max(h - 1, hi[0]);
    const right = Math.max(w - 1, hi[1]);
    const spanH = bottom - top + 1;
    const spanW = right - left + 1;
    const scale = SIDE / Math.max(spanH, spanW);
    input.setAttribute('viewBox', `${left} ${top} ${spanW} ${spanH}`);
    input.setAttribute('width', String(Math.round(spanW * scale)));
    input.setAttribute('height', String(Math.round(spanH * scale)));
    const stroke = 2 / scale;
    const clip = [Math.max(lo[0], 0), Math.min(hi[0], h - 1), Math.max(lo[1], 0), Math.min(hi[1], w - 1)];
    const parts = [el('rect', { x: 0, y: 0, width: w, height: h, class: 'rf-plane' }),
      el('rect', { x: lo[1], y: lo[0], width: rf.size[1], height: rf.size[0], class: 'rf-pad',
        'stroke-width': stroke, 'stroke-dasharray': `${4 / scale} ${3 / scale}` })];
    if (clip[0] <= clip[1] && clip[2] <= clip[3]) {
      parts.push(el('rect', { x: clip[2], y: clip[0], width: clip[3] - clip[2] + 1,
        height: clip[1] - clip[0] + 1, class: 'rf-seen', 'stroke-width': stroke }));
    }
    input.replaceChildren(...parts);
    input.dataset.rf = JSON.stringify({ rows: [lo[0], hi[0]], cols: [lo[1], hi[1]] });
    // The output plane, the picked cell lit.
    const oscale = SIDE / Math.max(ho, wo);
    output.setAttribute('viewBox', `0 0 ${wo} ${ho}`);
    output.setAttribute('width', String(Math.round(wo * oscale)));
    output.setAttribute('height', String(Math.round(ho * oscale)));
    const cells = [el('rect', { x: 0, y: 0, width: wo, height: ho, class: 'rf-plane' })];
    if (ho * wo <= 1024) {
      for (let r = 1; r < ho; r += 1) cells.push(el('line', { x1: 0, x2: wo, y1: r, y2: r, class: 'rf-grid', 'stroke-width': 1 / oscale }));
      for (let c = 1; c < wo; c += 1) cells.push(el('line', { y1: 0, y2: ho, x1: c, x2: c, class: 'rf-grid', 'stroke-width': 1 / oscale }));
    }
    cells.push(el('rect', { x: j, y: i, width: 1, height: 1, class: 'rf-cell' }));
    output.replaceChildren(...cells);
    const num = (v) => String(v).replace('-', '\u2212');
    const axis = (name, k, n) => `${name}s (i − 1)·j − P + 1 = (${k + 1} − 1)·${rf.stride[n]} − `
      + `${rf.padding[n]} + 1 = ${num(lo[n] + 1)} to ${num(lo[n] + 1)} + r − 1 = ${num(hi[n] + 1)}`;
    const inside = clip[0] <= clip[1] && clip[2] <= clip[3]
      ? `input rows ${clip[0] + 1}–${clip[1] + 1}, columns ${clip[2] + 1}–${clip[3] + 1}`
      : 'no input cell (only padding)';
    const padded = lo[0] < 0 || lo[1] < 0 || hi[0] >= h || hi[1] >= w
      ? '; the rest of its field lies in the padding' : '';
    text.textContent = `Output cell (${i + 1}, ${j + 1}) of layer ${row.path} sees ${inside} `
      + `(counting from 1)${padded}. Field ${rf.size.join(' × ')}, effective stride `
      + `${rf.stride.join(' × ')}, effective padding ${rf.padding.join(' × ')}: `
      + `${axis('row', i, 0)}; ${axis('column', j, 1)}.`;
  }
}
