// The matrix page's stage: the input, kernel and output grids, C · vec(x) =
// vec(y) and kernel_row · X_conv = Y as tables (heatmaps when large), and the
// formula of the lit row or column. Drawn as a function of (response, step,
// focus) from the index in model.js; hover and animation share it.

import { MatrixGrids } from './grids.js';
import { fmt, fmtFactor } from '../../core/numbers.js';
import { renderArithmetic } from '../../core/arithmetic.js';
import { MatrixTable } from './table.js';
import { TermPanel } from '../../core/formula.js';
import { cellLabel } from '../../core/names.js';
import { modelOf, reshape, sceneOf, unflat } from './model.js';

const TABLE_CELLS = 2500; // above this a matrix becomes a heatmap
const VEC_CELLS = 64; // a longer vec(x) or vec(y) column becomes a heatmap strip
const HEAT_CELLS = 1_000_000; // C is drawn from its coordinate list up to this size
const col = (flat) => flat.map((v) => [v]);

export class MatrixStage {
  /** onFocus(focus|null): hover; focus is {kind: "row", i} or {kind: "col", j}. */
  constructor(root, onFocus) {
    this.root = root;
    this.onFocus = onFocus;
    const slot = (name) => root.querySelector(`[data-view="${name}"]`);
    this.slot = slot;
    this.formula = new TermPanel(slot('formula'));
    this.grids = new MatrixGrids(slot, { onFocus, onPick: onFocus, focusOf: (kind, ch, r, c) => {
      const m = this.model;
      if (kind === 'input') return { kind: 'col', j: (ch * m.h + r) * m.w + c };
      if (kind === 'output') return { kind: 'row', i: (ch * m.ho + r) * m.wo + c };
      return null;
    } });
    const rowFocus = (part, r) => onFocus(part === null ? null : { kind: 'row', i: r });
    this.tables = {
      c: new MatrixTable(slot('c'), 'c', (part, r, c) => onFocus(part === null ? null
        : part === 'col' ? { kind: 'col', j: c } : { kind: 'row', i: r })),
      vecx: new MatrixTable(slot('vecx'), 'vecx', (part, r) => onFocus(part === null ? null
        : { kind: 'col', j: r })),
      vecy: new MatrixTable(slot('vecy'), 'vecy', rowFocus),
      bias: new MatrixTable(slot('bias'), 'bias', rowFocus),
      krow: new MatrixTable(slot('krow'), 'krow', () => {}),
      xconv: new MatrixTable(slot('xconv'), 'xconv', (part, r, c) => onFocus(part === null || c < 0
        ? null : { kind: 'row', i: c })),
      yrow: new MatrixTable(slot('yrow'), 'yrow', (part, r, c) => onFocus(part === null || c < 0
        ? null : { kind: 'row', i: r * this.model.ho * this.model.wo + c })),
    };
    root.addEventListener('pointerover', (e) => {
      const cell = e.target.closest && e.target.closest('.grid .cell');
      if (!cell) return;
      const { kind, ch } = cell.parentElement.dataset;
      const [r, c] = [Number(cell.dataset.r), Number(cell.dataset.c)];
      const m = this.model;
      if (kind === 'input') onFocus({ kind: 'col', j: (Number(ch) * m.h + r) * m.w + c });
      if (kind === 'output') onFocus({ kind: 'row', i: (Number(ch) * m.ho + r) * m.wo + c });
    });
    root.addEventListener('pointerout', (e) => {
      if (e.target.closest('.grid .cell') && !(e.relatedTarget && e.relatedTarget.closest
        && e.relatedTarget.closest('.grid .cell'))) onFocus(null);
    });
  }

  /** A new response; `kernel` is the kernel as sent (4-D), `symbolic` shows names. */
  setData(resp, kernel, symbolic) {
    const m = modelOf(resp);
    this.model = m;
    this.names = symbolic && resp.symbolic ? resp.symbolic : null;
    const [kh, kw] = [kernel[0][0].length, kernel[0][0][0].length];
    const ig = kernel[0].length;
    this.grids.setData(m, kernel, this.names);
    const wNames = this.names ? this.names.kernel_row[0]
      : Array.from({ length: ig * kh * kw }, (_, t) => cellLabel('w', ...unflat(t, kh, kw), ig));
    const posNames = Array.from({ length: m.ho * m.wo }, (_, p) => cellLabel('y', 0, ...unflat(p, m.ho, m.wo).slice(1)));
    const filterNames = Array.from({ length: m.cout }, (_, o) => (m.cout > 1 ? `filter ${o + 1}` : 'W_row'));
    this.drawC(m, resp);
    const small = (rows, cols) => rows * cols <= TABLE_CELLS && cols <= 120;
    const n = resp.input_flat.length;
    const texts = (names) => (this.names ? names.map((t) => [t]) : null);
    this.tables.vecx.setData(col(resp.input_flat), { rowLabels: m.xNames, colLabels: ['vec(x)'],
      texts: texts(m.xNames), heat: n > VEC_CELLS, title: 'vec(x)' });
    this.tables.vecy.setData(col(resp.output_flat), { rowLabels: m.yNames, colLabels: ['vec(y)'],
      texts: texts(m.yNames), heat: resp.output_flat.length > VEC_CELLS, title: 'vec(y)' });
    const hasBias = resp.bias_flat.some((b) => b !== 0);
    this.slot('bias-part').hidden = !hasBias;
    if (hasBias) this.tables.bias.setData(col(resp.bias_flat), { rowLabels: m.yNames, colLabels: ['b'], heat: resp.bias_flat.length > VEC_CELLS });
    const taps = resp.x_conv.length;
    const xconvNames = this.names ? this.names.x_conv : null;
    this.tables.xconv.setData(resp.x_conv, { rowLabels: wNames, colLabels: posNames,
      texts: xconvNames, heat: !small(taps, m.ho * m.wo), title: 'X_conv' });
    this.tables.krow.setData(resp.kernel_row, { rowLabels: filterNames, colLabels: wNames,
      texts: this.names ? this.names.kernel_row : null, heat: !small(m.cout, taps), title: 'kernel_row' });
    const yRows = reshape(resp.output_flat, m.cout, 1, m.ho * m.wo).map((b) => b[0]);
    const yNames = m.yNames.length ? reshape(m.yNames, m.cout, 1, m.ho * m.wo).map((b) => b[0]) : [];
    this.tables.yrow.setData(yRows, { rowLabels: filterNames.map((f) => (m.cout > 1 ? f : 'Y')),
      colLabels: posNames, texts: this.names ? yNames : null, heat: !small(m.cout, m.ho * m.wo), title: 'Y' });
    const [idC, idRow] = resp.identities;
    this.slot('identity-c').textContent = `Checked on these numbers: the largest |left − right| `
      + `of ${idC.equation} is ${fmt(idC.max_abs_difference)}.`;
    this.slot('identity-row').textContent = `Checked on these numbers: the largest |left − right| `
      + `of ${idRow.equation} is ${fmt(idRow.max_abs_difference)}.`;
    this.slot('note').textContent = resp.note;
    this.slot('c-size').textContent = `${resp.matrix.shape[0]} × ${resp.matrix.shape[1]}, `
      + `${resp.matrix.nnz} entries`;
    this.slot('wconv-note').textContent = resp.w_conv ? resp.w_conv.note : '';
    this.slot('c-name').textContent = resp.w_conv ? 'C = W_conv' : 'C';
    this.root.classList.toggle('flipped', Boolean(resp.w_conv));
    renderArithmetic(this.slot('arithmetic'), resp);
    return Promise.all([this.grids.ready(), ...Object.values(this.tables).map((t) => t.ready)]);
  }

  drawC(m, resp) {
    const mat = resp.matrix;
    const [rows, cols] = mat.shape;
    const cells = rows * cols;
    const tooBig = !mat.dense && cells > HEAT_CELLS;
    this.slot('c-large').hidden = !tooBig;
    this.slot('c-large').textContent = tooBig ? `C is ${rows} × ${cols}: too large to draw; `
      + `its ${mat.nnz} entries still light up the grids and the formula.` : '';
    if (tooBig) return;
    let dense = mat.dense;
    if (!dense) {
      dense = Array.from({ length: rows }, () => new Array(cols).fill(0));
      mat.rows.forEach((r, k) => { dense[r][mat.cols[k]] = mat.values[k]; });
    }
    const table = cells <= TABLE_CELLS && cols <= 120;
    this.tables.c.setData(dense, { rowLabels: m.yNames, colLabels: m.xNames,
      texts: table && this.names && this.names.matrix_dense ? this.names.matrix_dense : null,
      heat: !table, title: 'C' });
  }

  /** Draw step `index` (row `index` of C) or the hovered row or column. */
  show(index, focus) {
    const m = this.model;
    if (!m) return;
    const s = sceneOf(m, index, focus);
    const mat = m.resp.matrix;
    const per = m.ho * m.wo;
    const weight = (k) => (this.names ? this.names.matrix_values[k] : fmt(mat.values[k]));
    this.grids.show(s, index, weight);
    // the tables
    const t = this.tables;
    const hits = s.entries.map((k) => [mat.rows[k], mat.cols[k]]);
    t.c.mark('done', Array.from({ length: index }, (_, i) => i));
    t.c.mark('row', s.kind === 'row' ? [s.i] : []);
    t.c.mark('col', s.kind === 'col' ? [s.j] : []);
    t.c.mark('hit', hits);
    t.vecx.mark('row', s.ins);
    t.vecy.mark('row', s.outs);
    t.bias.mark('row', s.outs);
    t.xconv.mark('col', s.positions);
    t.krow.mark('row', s.filters);
    t.yrow.mark('hit', s.outs.map((i) => [Math.floor(i / per), i % per]));
    // Quiz: outputs from this step on keep their values to themselves (CSS hides .secret).
    const secret = this.quiz() ? Array.from({ length: m.resp.output_flat.length - index },
      (_, k) => index + k) : [];
    t.vecy.mark('secret', secret.map((i) => [i, 0]));
    t.yrow.mark('secret', secret.map((i) => [Math.floor(i / per), i % per]));
    Object.values(t).forEach((table) => table.commit());
    this.showFormula(s, weight, index);
  }

  quiz() { return Boolean(this.root.closest('.quiz')); }

  showFormula(s, weight, index = 0) {
    const m = this.model;
    const resp = m.resp;
    const mat = resp.matrix;
    this.slot('formula').classList.toggle('col-focus', s.kind === 'col');
    if (s.kind === 'row') {
      const i = s.i;
      const b = resp.bias_flat[i];
      const where = `row ${i + 1} of C · vec(x)${s.hovering ? ' (hovering)' : ''}`;
      const lines = [];
      if (this.names) {
        const f = this.names.output[i];
        lines.push({ label: f.label, terms: f.terms.map(([w, x]) => [w, x]),
          tail: b ? ' + b' : '', sum: '' });
      }
      lines.push({ label: this.names ? '' : m.yNames[i],
        terms: s.entries.map((k) => [fmtFactor(mat.values[k]), fmtFactor(resp.input_flat[mat.cols[k]])]),
        tail: b ? ` + ${fmtFactor(b)}` : '',
        sum: this.quiz() && i >= index ? '?' : fmt(resp.output_flat[i]) });
      this.formula.render(m.yNames[i], where, lines);
      return;
    }
    const j = s.j;
    const lines = s.entries.map((k) => ({ label: m.yNames[mat.rows[k]], op: ' += ',
      terms: [[weight(k), m.xNames[j]]], sum: '' }));
    this.formula.render(m.xNames[j], `column ${j + 1} of C: every output this input feeds`,
      lines.length ? lines : [{ label: 'no output reads it', terms: [], sum: '' }]);
  }
}
