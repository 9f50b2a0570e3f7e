// A labelled matrix (C, X_conv, kernel_row, vec(x), vec(y)) drawn as a table
// of cells, or as a Plotly heatmap when it is large. Built once per shape;
// every frame only moves classes (table) or overlay rectangles (heatmap).

import { fmt } from '../../core/numbers.js';
import { colour, darkFill, maxAbs } from '../../core/colors.js';
import { areaRect, cellRects, fingerprint, heatmap, setShapes } from '../../core/plot.js';
import { LazyPlot, forgetPlots } from '../../core/lazy-plot.js';

const CLASSES = { row: 'on-row', col: 'on-col', hit: 'hit', done: 'done-row', secret: 'secret' };
const SHAPE = { row: '#111827', col: '#6d28d9', hit: '#b45309', done: 'rgba(0,0,0,0)' };

export class MatrixTable {
  /**
   * @param root    element to draw into
   * @param name    data-table name (tests and CSS read it)
   * @param onHover(part, r, c) part: "cell", "row" (row head), "col" (column head); null on leave
   */
  constructor(root, name, onHover) {
    this.root = root;
    this.name = name;
    this.onHover = onHover;
    this.key = '';
    this.marks = {};
    root.addEventListener('pointerover', (e) => {
      const cell = e.target.closest && e.target.closest('td, th');
      if (!cell || cell.dataset.r === undefined && cell.dataset.c === undefined) return;
      const part = cell.tagName === 'TD' ? 'cell' : cell.dataset.r !== undefined ? 'row' : 'col';
      onHover(part, Number(cell.dataset.r ?? -1), Number(cell.dataset.c ?? -1));
    });
    root.addEventListener('pointerleave', () => onHover(null));
  }

  /** values: 2-D numbers; texts: 2-D strings shown instead (names) or null. */
  setData(values, { rowLabels, colLabels, texts = null, heat = false, title = '' }) {
    const [rows, cols] = [values.length, values[0] ? values[0].length : 0];
    this.rows = rows;
    this.cols = cols;
    this.heat = heat;
    const key = JSON.stringify([rows, cols, heat]);
    if (key !== this.key) {
      this.key = key;
      this.marks = {};
      forgetPlots(this.root);
      this.root.replaceChildren();
      if (heat) this.buildHeat(); else this.buildTable(rows, cols);
    }
    if (heat) {
      // Drawn when on screen, and not again for the same values (a stride change leaves vec(x)).
      const drawnKey = `${title}|${fingerprint(values)}`;
      if (drawnKey === this.drawnKey) return;
      this.drawnKey = drawnKey;
      this.ready = this.lazy.request(() => heatmap(this.plot, values, maxAbs(values), { title,
        onHover: (r, c) => this.onHover(r === null ? null : 'cell', r, c) }).then(() => this.commit()));
      return;
    }
    const scale = maxAbs(values);
    rowLabels.forEach((t, r) => { this.rowHeads[r].textContent = t; });
    colLabels.forEach((t, c) => { this.colHeads[c].textContent = t; });
    for (let r = 0; r < rows; r += 1) {
      for (let c = 0; c < cols; c += 1) {
        const cell = this.cells[r][c];
        const v = values[r][c];
        cell.textContent = texts ? texts[r][c] : fmt(v);
        cell.classList.toggle('zero', v === 0);
        cell.style.setProperty('--fill', v === 0 ? 'transparent' : colour(v, scale));
        cell.classList.toggle('ink-light', darkFill(v, scale));
      }
    }
  }

  buildTable(rows, cols) {
    const table = document.createElement('table');
    table.className = 'mt';
    table.dataset.table = this.name;
    const head = table.createTHead().insertRow();
    head.append(document.createElement('th'));
    this.colHeads = [];
    this.colCells = Array.from({ length: cols }, () => []);
    for (let c = 0; c < cols; c += 1) {
      const th = document.createElement('th');
      th.dataset.c = String(c);
      th.scope = 'col';
      head.append(th);
      this.colHeads.push(th);
      this.colCells[c].push(th);
    }
    const body = table.createTBody();
    this.rowHeads = [];
    this.trs = [];
    this.cells = [];
    for (let r = 0; r < rows; r += 1) {
      const tr = body.insertRow();
      tr.dataset.r = String(r);
      const th = document.createElement('th');
      th.dataset.r = String(r);
      th.scope = 'row';
      tr.append(th);
      const row = [];
      for (let c = 0; c < cols; c += 1) {
        const td = document.createElement('td');
        td.dataset.r = String(r);
        td.dataset.c = String(c);
        tr.append(td);
        row.push(td);
        this.colCells[c].push(td);
      }
      this.rowHeads.push(th);
      this.trs.push(tr);
      this.cells.push(row);
    }
    this.root.append(table);
  }

  buildHeat() {
    this.plot = document.createElement('div');
    this.plot.className = 'heatmap mt-heat';
    this.plot.dataset.table = this.name;
    this.root.append(this.plot);
    this.lazy = new LazyPlot(this.plot);
    this.drawnKey = '';
  }

  /** Light rows, columns and cells: kind is "row", "col", "hit" or "done". */
  mark(kind, items) {
    const cls = CLASSES[kind];
    if (!this.key) return; // never drawn (an optional part, like the bias)
    if (this.heat) { this.marks[kind] = items; return; }
    for (const el of this.marks[kind] || []) el.classList.remove(cls);
    const now = [];
    for (const item of items) {
      const els = kind === 'row' || kind === 'done' ? [this.trs[item]]
        : kind === 'col' ? this.colCells[item] || [] : [this.cells[item[0]]?.[item[1]]];
      for (const el of els) if (el) { el.classList.add(cls); now.push(el); }
    }
    this.marks[kind] = now;
  }

  /** Heatmaps: draw the marks as rectangles (one relayout per frame). */
  commit() {
    if (!this.heat || !this.plot) return;
    const m = this.marks;
    const shapes = [
      ...(m.row || []).map((r) => areaRect([r, r, 0, this.cols - 1], SHAPE.row)),
      ...(m.col || []).map((c) => areaRect([0, this.rows - 1, c, c], SHAPE.col)),
      ...cellRects(m.hit || [], { line: SHAPE.hit, width: 2 }),
    ];
    setShapes(this.plot, shapes);
  }
}
