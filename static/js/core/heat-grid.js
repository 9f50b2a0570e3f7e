// A grid drawn as a Plotly heatmap, for maps too large for cells. It has the
// Grid's interface (setValues, mark, frame, label, progress), so a view
// draws a 64×64 map with the same calls as a 4×4 one; marks become overlay
// rectangles, sent to Plotly once per frame.

import { Grid, boxOf } from './grid.js';
import { colour } from './colors.js';
import { fmt } from './numbers.js';
import { LazyPlot, forgetPlots } from './lazy-plot.js';
import { areaRect, cellRects, heatmap, restyleZ, setShapes } from './plot.js';

const INK = '#111827';
const LINK = '#6d28d9';
const WIN = '#047857';
const VEIL = 'rgba(255,255,255,0.82)';
// Marks with more cells than this are drawn as their bounding box when they are one
// region (a window's taps, the cells linked to a focus), else left out: thousands of
// rectangles would cost a frame each.
const MAX_RECTS = 64;
const REGIONS = new Set(['tap', 'linked', 'focus']);
// Changed cells painted over a drawn map before it is redrawn (see setValues).
const MAX_PATCHES = 48;
// How each class of a cell grid looks as an outline ([colour, width]); others are not drawn.
const STYLE = {
  tap: [INK, 1.5], current: [INK, 3], win: [WIN, 3], focus: [LINK, 3], linked: [LINK, 2],
  placed: [WIN, 1.5],
};

/** A map is drawn as a heatmap above 16 cells on a side (24 with its padding): beyond
 * that, cells no longer fit a lecture screen with their digits readable. */
export function isLarge(rows, cols, paddedRows = rows, paddedCols = cols) {
  return rows > 16 || cols > 16 || paddedRows > 24 || paddedCols > 24;
}

export class HeatGrid {
  /**
   * @param parent  where the map goes
   * @param opts    {kind, channel, caption, link: {focusOf(kind, ch, r, c), onFocus, onPick}}
   */
  constructor(parent, rows, cols, opts) {
    this.rows = rows;
    this.cols = cols;
    this.kind = opts.kind;
    this.channel = opts.channel ?? 0;
    this.link = opts.link || null;
    this.marks = new Map();
    this.area = null;
    this.at = null;
    this.base = null;  // the values Plotly has drawn
    this.values = null;  // the values shown: base, with `patches` painted over it
    this.patches = [];
    this.figure = document.createElement('figure');
    this.figure.className = `grid-figure heat-figure grid-${opts.kind}`;
    if (opts.caption) {
      const cap = document.createElement('figcaption');
      cap.textContent = opts.caption;
      this.figure.append(cap);
    }
    this.el = document.createElement('div');
    this.el.className = 'heatmap';
    this.el.dataset.kind = opts.kind;
    this.el.dataset.ch = String(this.channel);
    // The hovered cell's value, from the values shown (patched cells included).
    this.readout = document.createElement('p');
    this.readout.className = 'heat-readout';
    this.readout.dataset.readout = opts.kind;
    this.readout.textContent = '\u00a0';
    this.figure.append(this.el, this.readout);
    parent.append(this.figure);
    this.queued = false;
    this.fullWaiting = false;
    this.lazy = new LazyPlot(this.el);
    this.ready = Promise.resolve();
  }

  fits(rows, cols) { return rows === this.rows && cols === this.cols; }

  /** Take a new shape: the next setValues redraws the map; marks and progress are cleared. */
  reshape(rows, cols) {
    this.rows = rows;
    this.cols = cols;
    this.base = null;
    this.marks.clear();
    this.area = null;
    this.at = null;
    this.patches = [];
    return true;
  }

  /**
   * Show these values (cells that are not numbers, such as "…", are left blank). On the
   * scale already drawn, a few changed cells are painted over the drawn map (a step of
   * the scatter changes k_h·k_w cells of a 129 × 129 sum; Plotly redraws the whole map in
   * about 12 ms); more changes redraw it. A map off screen is drawn when it scrolls into
   * view; `ready` settles once a map on screen has drawn.
   */
  setValues(values, scale) {
    const scaleKey = JSON.stringify(scale);
    this.scale = scale;
    this.values = values;
    this.el.shownValues = values;  // what the map shows, patched cells included (tests read it)
    if (this.base && scaleKey === this.scaleKey) {
      const changed = changedCells(this.base, values, MAX_PATCHES);
      if (changed) {
        this.patches = changed;
        this.schedule();
        return this.ready;
      }
      this.draw('restyle', values);
      return this.ready;
    }
    this.scaleKey = scaleKey;
    this.draw('full', values);
    return this.ready;
  }

  /** Draw `values` ("full": a new plot or scale; "restyle": new values) now if the map is
   * on screen, else when it comes into view (a full draw still waiting stays full). */
  draw(how, values) {
    this.base = values;
    this.patches = [];
    const full = how === 'full' || this.fullWaiting;
    this.fullWaiting = full;
    const z = zOf(values);
    this.ready = this.lazy.request(() => {
      this.fullWaiting = false;
      return (!full && this.el.data ? restyleZ(this.el, z) : this.plot(z)).then(() => this.flush());
    });
  }

  plot(z) {
    const focus = (r, c) => (this.link && r !== null
      ? this.link.focusOf(this.kind, this.channel, r, c) : null);
    return heatmap(this.el, z, this.scale, {
      label: false,
      onHover: (r, c) => {
        this.showReadout(r, c);
        if (this.link) this.link.onFocus(focus(r, c));
      },
      onClick: this.link ? (r, c) => { const f = focus(r, c); if (f) this.link.onPick(f); } : null,
    });
  }

  showReadout(r, c) {
    const v = r === null ? undefined : this.values?.[r]?.[c];
    this.readout.textContent = v === undefined ? '\u00a0'
      : `row ${r + 1}, column ${c + 1} (counting from 1): ${typeof v === 'number' ? fmt(v) : v}`;
  }

  /** Outline exactly these cells ([r, c] pairs) in the style of class `cls`. */
  mark(cls, positions) {
    this.marks.set(cls, positions);
    this.schedule();
  }

  /** Outline rows r0…r1, cols c0…c1 (inclusive); null hides it. */
  frame(area) {
    this.area = area;
    this.schedule();
  }

  /** Corner labels do not fit heat cells: the formula panel carries those numbers. */
  label() {}

  /** Cells after row-major position k are veiled (not computed yet), k is outlined;
   * null: no progress shown. */
  progress(k) {
    this.at = k;
    this.schedule();
  }

  schedule() {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => { this.queued = false; this.flush(); });
  }

  flush() {
    const shapes = this.patches.map(([r, c, v]) => ({
      type: 'rect', x0: c - 0.5, x1: c + 0.5, y0: r - 0.5, y1: r + 0.5, line: { width: 0 },
      fillcolor: typeof v === 'number' ? colour(v, this.scale) : '#ffffff',
    }));
    const [rows, cols] = [this.rows, this.cols];
    if (this.at !== null && this.at < rows * cols) {
      const k = Math.max(this.at, -1);
      const [r, c] = [Math.floor(k / cols), k - Math.floor(k / cols) * cols];
      const veil = { type: 'rect', line: { width: 0 }, fillcolor: VEIL };
      if (k < 0) shapes.push({ ...veil, x0: -0.5, x1: cols - 0.5, y0: -0.5, y1: rows - 0.5 });
      else {
        if (c + 1 < cols) shapes.push({ ...veil, x0: c + 0.5, x1: cols - 0.5, y0: r - 0.5, y1: r + 0.5 });
        if (r + 1 < rows) shapes.push({ ...veil, x0: -0.5, x1: cols - 0.5, y0: r + 0.5, y1: rows - 0.5 });
        shapes.push(...cellRects([[r, c]], { line: INK, width: 3 }));
      }
    }
    for (const [cls, positions] of this.marks) {
      const style = STYLE[cls];
      if (!style || !positions.length) continue;
      if (positions.length <= MAX_RECTS) shapes.push(...cellRects(positions, { line: style[0], width: style[1] }));
      else if (REGIONS.has(cls)) shapes.push(areaRect(boxOf(positions), style[0], style[1]));
    }
    if (this.area) shapes.push(areaRect(this.area, INK, 3));
    return setShapes(this.el, shapes);
  }

  remove() {
    forgetPlots(this.figure);
    this.figure.remove();
  }
}

const zOf = (values) => values.map((row) => row.map((v) => (typeof v === 'number' ? v : null)));

/** The cells where `now` differs from `drawn`, as [r, c, value], or null past `limit`. */
function changedCells(drawn, now, limit) {
  const out = [];
  for (let r = 0; r < now.length; r += 1) {
    const a = drawn[r];
    const b = now[r];
    if (a === b) continue;
    for (let c = 0; c < b.length; c += 1) {
      if (a[c] !== b[c]) {
        if (out.length === limit) return null;
        out.push([r, c, b[c]]);
      }
    }
  }
  return out;
}

/**
 * One grid per 2-D array of `arrays` in `slot` (emptied first): cells, or heatmaps when
 * `heat`. Captions read "`caption` 1", "`caption` 2" … when there is more than one.
 * `reuse`: the grids this slot holds now, kept when they fit (a heatmap kept is not
 * drawn again for the same values).
 */
export function makeGrids(slot, arrays, kind, { caption = 'channel', heat = false, link = null,
  sizeClass = '', reuse = null } = {}) {
  const Kind = heat ? HeatGrid : Grid;
  // A heatmap takes a new shape in place (Plotly redraws a plot faster than it builds one).
  const fits = (g, a) => g.fits(a.length, a[0].length) || (heat && g.reshape(a.length, a[0].length));
  if (reuse && reuse.length === arrays.length && reuse.every((g, i) => g instanceof Kind
    && g.figure.parentElement === slot && fits(g, arrays[i]))) {
    return reuse;
  }
  forgetPlots(slot);
  slot.replaceChildren();
  slot.className = heat ? 'maps maps-heat' : `maps ${sizeClass}`;
  return arrays.map((a, i) => new Kind(slot, a.length, a[0].length,
    { kind, channel: i, caption: arrays.length > 1 ? `${caption} ${i + 1}` : '', link }));
}
