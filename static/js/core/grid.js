// The grid renderer: a (rows × cols) block of cells built once per shape;
// afterwards values, classes and small labels are patched in place.

import { fmt } from './numbers.js';
import { colour, darkFill } from './colors.js';

// The window's frame glides from one step's place to the next over this many ms (0: it
// jumps). A page sets it from its player's speed (setGlide).
let glideMs = 0;

/** Glide the window frames of every grid over `ms` milliseconds (0 turns gliding off). */
export function setGlide(ms) { glideMs = Math.max(0, ms); }

export class Grid {
  /**
   * @param {HTMLElement} parent where the grid goes
   * @param {number} rows
   * @param {number} cols
   * @param {{caption?: string, kind: string, channel?: number}} opts
   */
  constructor(parent, rows, cols, opts) {
    this.rows = rows;
    this.cols = cols;
    this.marks = new Map();
    this.labelled = [];
    this.figure = document.createElement('figure');
    this.figure.className = `grid-figure grid-${opts.kind}`;
    if (opts.caption) {
      const cap = document.createElement('figcaption');
      cap.textContent = opts.caption;
      this.figure.append(cap);
      this.caption = cap;
    }
    this.el = document.createElement('div');
    this.el.className = 'grid';
    this.el.dataset.kind = opts.kind;
    this.el.dataset.ch = String(opts.channel ?? 0);
    this.el.style.setProperty('--cols', String(cols));
    this.el.style.setProperty('--rows', String(rows));
    // One tab stop per grid (the cell last focused); arrows move within it (linkCells).
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', `${opts.caption || opts.kind}, ${rows} × ${cols}: `
      + 'arrows move, Enter pins');
    this.cells = [];
    const frag = document.createDocumentFragment();
    for (let r = 0; r < rows; r += 1) {
      const row = [];
      for (let c = 0; c < cols; c += 1) {
        const cell = document.createElement('div');
        cell.className = 'cell';
        cell.dataset.r = String(r);
        cell.dataset.c = String(c);
        cell.tabIndex = r === 0 && c === 0 ? 0 : -1;
        const v = document.createElement('span');
        v.className = 'v';
        const k = document.createElement('span');
        k.className = 'k';
        cell.append(v, k);
        frag.append(cell);
        row.push(cell);
      }
      this.cells.push(row);
    }
    this.box = document.createElement('div');
    this.box.className = 'box';
    this.box.hidden = true;
    frag.append(this.box);
    this.el.append(frag);
    this.figure.append(this.el);
    parent.append(this.figure);
  }

  fits(rows, cols) { return rows === this.rows && cols === this.cols; }

  /** Write every value (2-D array) and its fill colour on a ±scale; cells whose value and
   * scale are unchanged are left alone (a step of the scatter changes a few of them).
   * `texts` (2-D strings, optional) are shown instead of the numbers ("35/9"). */
  setValues(values, scale, texts = null) {
    const scaleKey = typeof scale === 'object' ? JSON.stringify(scale) : scale;
    const same = !texts && scaleKey === this.scaleKey && Boolean(this.shown);
    const cache = texts ? null : this.shown || [];  // the values written, by cell
    this.scaleKey = scaleKey;
    this.shown = cache;
    for (let r = 0; r < this.rows; r += 1) {
      const was = cache ? cache[r] || (cache[r] = []) : null;
      for (let c = 0; c < this.cols; c += 1) {
        const cell = this.cells[r][c];
        const value = values[r][c];
        if (same && Object.is(was[c], value)) continue;
        if (was) was[c] = value;
        const text = texts ? texts[r][c] : fmt(value);
        writeCell(cell, text);
        cell.setAttribute('aria-label', `row ${r + 1}, column ${c + 1}: ${text}`);
        cell.style.setProperty('--fill', colour(value, scale));
        cell.classList.toggle('ink-light', darkFill(value, scale));
      }
    }
  }

  /** The cells' text was written elsewhere (names instead of numbers): the next
   * setValues writes every cell again. */
  invalidate() { this.shown = null; }

  /** Give class `cls` to exactly these cells ([r, c] pairs), taking it from the rest. */
  mark(cls, positions) {
    const old = this.marks.get(cls) || [];
    for (const cell of old) cell.classList.remove(cls);
    const now = [];
    for (const [r, c] of positions) {
      const cell = this.cells[r]?.[c];
      if (cell) { cell.classList.add(cls); now.push(cell); }
    }
    this.marks.set(cls, now);
  }

  /** Row-major progress: cells before position k are "done", k is "current", the rest
   * "todo"; null takes the three classes away. */
  progress(k) {
    for (let r = 0; r < this.rows; r += 1) {
      for (let c = 0; c < this.cols; c += 1) {
        const i = r * this.cols + c;
        const cls = this.cells[r][c].classList;
        cls.toggle('done', k !== null && i < k);
        cls.toggle('current', k !== null && i === k);
        cls.toggle('todo', k !== null && i > k);
      }
    }
  }

  /** Small labels in the corner of cells ([r, c, text] triples); others cleared. */
  label(triples) {
    for (const cell of this.labelled) cell.lastChild.textContent = '';
    this.labelled = [];
    for (const [r, c, text] of triples) {
      const cell = this.cells[r]?.[c];
      if (cell) { cell.lastChild.textContent = text; this.labelled.push(cell); }
    }
  }

  /** Outline rows r0…r1, cols c0…c1 (inclusive); null hides it. With gliding on, the
   * frame moves there smoothly from where it was (measured before and after: FLIP). */
  frame(area) {
    if (!area) { this.box.hidden = true; return; }
    const from = glideMs && !this.box.hidden && this.box.isConnected
      ? this.box.getBoundingClientRect() : null;
    this.box.hidden = false;
    this.box.style.gridRow = `${area[0] + 1} / ${area[1] + 2}`;
    this.box.style.gridColumn = `${area[2] + 1} / ${area[3] + 2}`;
    if (!from) return;
    const to = this.box.getBoundingClientRect();
    const [dx, dy] = [from.left - to.left, from.top - to.top];
    if (!dx && !dy) return;
    this.box.getAnimations().forEach((a) => a.cancel());
    this.box.animate([{ transform: `translate(${dx}px, ${dy}px)` }, { transform: 'none' }],
      { duration: glideMs, easing: 'ease-in-out' });
  }

  remove() { this.figure.remove(); }
}

/** Put `text` in a cell; a long one is set smaller to fit (base.css reads --len). */
export function writeCell(cell, text) {
  const v = cell.firstChild;
  v.textContent = text;
  if (text.length > 3) v.style.setProperty('--len', String(text.length));
  else v.style.removeProperty('--len');
}

/** Cells of whole rows and columns (for shading), as [r, c] pairs. */
export function linesOf(rows, cols, rowList, colList) {
  const out = [];
  for (const r of rowList) for (let c = 0; c < cols; c += 1) out.push([r, c]);
  for (const c of colList) for (let r = 0; r < rows; r += 1) out.push([r, c]);
  return out;
}

/** What a grid cell element stands for: {kind, ch, r, c} from its grid's data, or null. */
export function cellOf(node) {
  const cell = node && node.closest ? node.closest('.grid .cell') : null;
  if (!cell) return null;
  const { kind, ch } = cell.parentElement.dataset;
  return { kind, ch: Number(ch), r: Number(cell.dataset.r), c: Number(cell.dataset.c) };
}

/** A view's focusAt(node) from its focusOf(kind, ch, r, c): one reading of the cells'
 * data for every view, shared with the heatmaps (heat-grid.js), which have no cells. */
export function focusAtOf(focusOf) {
  return (node) => { const cell = cellOf(node); return cell ? focusOf(cell.kind, cell.ch, cell.r, cell.c) : null; };
}

/**
 * Hover and click on the cells of the grids under `root`: `focusAt(node)` names the focus
 * a cell stands for (or null); leaving the cells reports null. One wiring for every view.
 */
export function linkCells(root, focusAt, onFocus, onPick) {
  root.addEventListener('pointerover', (e) => { const f = focusAt(e.target); if (f) onFocus(f); });
  root.addEventListener('pointerout', (e) => {
    if (e.target.closest('.grid .cell') && !focusAt(e.relatedTarget)) onFocus(null);
  });
  root.addEventListener('click', (e) => { const f = focusAt(e.target); if (f) onPick(f); });
  // The keyboard does what the pointer does: focus is hover, Enter is a click.
  root.addEventListener('focusin', (e) => { const f = focusAt(e.target); if (f) onFocus(f); });
  root.addEventListener('focusout', (e) => {
    if (e.target.closest('.grid .cell') && !focusAt(e.relatedTarget)) onFocus(null);
  });
  root.addEventListener('keydown', (e) => {
    const cell = e.target.closest && e.target.closest('.grid .cell');
    if (!cell) return;
    if (e.key === 'Enter') {
      const f = focusAt(cell);
      if (f) { e.preventDefault(); onPick(f); }
      return;
    }
    const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!move || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const grid = cell.parentElement;
    const [r, c] = [Number(cell.dataset.r) + move[0], Number(cell.dataset.c) + move[1]];
    const next = grid.querySelector(`:scope > .cell[data-r="${r}"][data-c="${c}"]`);
    e.preventDefault();
    if (!next) return;
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}

/** Bounding box [r0, r1, c0, c1] of [r, c] positions, or null. */
export function boxOf(cells) {
  if (!cells.length) return null;
  // Loops, not Math.min(...cells): a spread of 100,000 positions overflows the call stack.
  let [r0, r1, c0, c1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [r, c] of cells) {
    if (r < r0) r0 = r;
    if (r > r1) r1 = r;
    if (c < c0) c0 = c;
    if (c > c1) c1 = c;
  }
  return [r0, r1, c0, c1];
}
