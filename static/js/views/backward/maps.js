// One map of the backward page (x, ΔX, W, ΔW, ΔY, the full convolution's
// maps), one block per channel, drawn as cells or, above the lab's cell limit,
// as Plotly heatmaps. Both kinds take the same calls: values once per change,
// then per frame a `draw(marks)` that patches classes and labels (cells) or
// overlay shapes (heatmaps), never a rebuild.
//
// marks: {tap, linked, focus: {ch: [[r, c], …]}, labels: {ch: [[r, c, text], …]},
//         current: flat index or null (cells before it done, after it to do),
//         hideTodo: hide the values still to do}

import { Grid } from '../../core/grid.js';
import { areaRect, cellRects, heatmap, setShapes } from '../../core/plot.js';

export const CELL_LIMIT = 16; // rows or columns above which a map becomes a heatmap
const MAX_PLOTS = 4; // heatmaps drawn per map (the first channels)
const MAX_RECTS = 256; // cells outlined one by one on a heatmap; more get one frame
const INK = '#111827';
const LINK = '#6d28d9';
const VEIL = 'rgba(255,255,255,0.82)';
const none = { tap: {}, linked: {}, focus: {}, labels: {}, current: null, hideTodo: false };

/** A flat index (channel, row, col) of a (·, rows, cols) block as [ch, r, c]. */
const unflat = (i, rows, cols) => [Math.floor(i / (rows * cols)), Math.floor(i / cols) % rows, i % cols];

export class CellMaps {
  /** blocks: [channels, rows, cols]; captions: one per channel (or ''). */
  constructor(parent, [channels, rows, cols], kind, captions) {
    this.heat = false;
    this.shape = [channels, rows, cols];
    this.grids = Array.from({ length: channels }, (_, c) => new Grid(parent, rows, cols,
      { kind, channel: c, caption: captions[c] || '' }));
  }

  setValues(blocks, scale) { this.grids.forEach((g, c) => g.setValues(blocks[c], scale)); }

  draw(marks) {
    const m = { ...none, ...marks };
    const [, rows, cols] = this.shape;
    this.grids.forEach((g, ch) => {
      g.mark('tap', m.tap[ch] || []);
      g.mark('linked', m.linked[ch] || []);
      g.mark('focus', m.focus[ch] || []);
      g.label(m.labels[ch] || []);
      g.cells.forEach((row, r) => row.forEach((cell, c) => {
        const flat = (ch * rows + r) * cols + c;
        const cur = m.current;
        cell.classList.toggle('done', cur === null || flat < cur);
        cell.classList.toggle('current', flat === cur);
        cell.classList.toggle('todo', cur !== null && flat > cur);
        cell.classList.toggle('hidden-v', m.hideTodo && cur !== null && flat > cur);
      }));
    });
  }
}

export class HeatMapSet {
  /** onFocus(ch, r, c) on hover (r null when the pointer leaves), onPick(ch, r, c) on click. */
  constructor(parent, [channels, rows, cols], kind, captions, onFocus, onPick) {
    this.heat = true;
    this.shape = [channels, rows, cols];
    this.captions = captions;
    this.onFocus = onFocus;
    this.onPick = onPick;
    this.divs = Array.from({ length: Math.min(MAX_PLOTS, channels) }, (_, c) => {
      const div = document.createElement('div');
      div.className = `heatmap heatmap-${kind}`;
      div.dataset.kind = kind;
      div.dataset.ch = String(c);
      parent.append(div);
      return div;
    });
    if (channels > MAX_PLOTS) {
      const note = document.createElement('p');
      note.className = 'mx-note';
      note.textContent = `The first ${MAX_PLOTS} of ${channels} channels are drawn.`;
      parent.append(note);
    }
    this.marks = none;
  }

  /** Draw the values; resolves when every heatmap is drawn (marks are redrawn then). */
  setValues(blocks, scale) {
    this.ready = Promise.all(this.divs.map((div, c) => heatmap(div, blocks[c], scale, {
      title: this.captions[c] || '',
      onHover: (r, col) => this.onFocus(c, r, col),
      onClick: (r, col) => this.onPick(c, r, col),
    }))).then(() => this.draw(this.marks));
    return this.ready;
  }

  draw(marks) {
    this.marks = { ...none, ...marks };
    const m = this.marks;
    const [, rows, cols] = this.shape;
    const cur = m.current === null ? null : unflat(m.current, rows, cols);
    this.divs.forEach((div, ch) => {
      const shapes = [];
      const veil = (x0, x1, y0, y1) => shapes.push({ type: 'rect', line: { width: 0 }, fillcolor: VEIL, x0, x1, y0, y1 });
      if (cur && cur[0] === ch) {
        if (cur[2] + 1 < cols) veil(cur[2] + 0.5, cols - 0.5, cur[1] - 0.5, cur[1] + 0.5);
        if (cur[1] + 1 < rows) veil(-0.5, cols - 0.5, cur[1] + 0.5, rows - 0.5);
        shapes.push(...cellRects([cur.slice(1)], { line: INK, width: 3 }));
      } else if (cur && cur[0] < ch) veil(-0.5, cols - 0.5, -0.5, rows - 0.5);
      const taps = m.tap[ch] || [];
      if (taps.length) {
        if (taps.length <= MAX_RECTS) shapes.push(...cellRects(taps, { line: INK, width: 1.5 }));
        shapes.push(areaRect(box(taps), INK, 3));
      }
      const linked = m.linked[ch] || [];
      if (linked.length <= MAX_RECTS) shapes.push(...cellRects(linked, { line: LINK, width: 2 }));
      else shapes.push(areaRect(box(linked), LINK, 3));
      shapes.push(...cellRects(m.focus[ch] || [], { line: LINK, width: 4 }));
      setShapes(div, shapes);
    });
  }
}

function box(cells) {
  const rows = cells.map((p) => p[0]);
  const cols = cells.map((p) => p[1]);
  return [Math.min(...rows), Math.max(...rows), Math.min(...cols), Math.max(...cols)];
}

/** Cells or heatmaps for blocks of this shape: heatmaps when rows or cols pass CELL_LIMIT. */
export function mapsFor(parent, shape, kind, captions, onFocus, onPick, { cellsOnly = false } = {}) {
  const large = !cellsOnly && (shape[1] > CELL_LIMIT || shape[2] > CELL_LIMIT);
  parent.classList.toggle('maps-heat', large);
  return large ? new HeatMapSet(parent, shape, kind, captions, onFocus, onPick)
    : new CellMaps(parent, shape, kind, captions);
}
