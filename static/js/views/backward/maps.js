// One map of the backward page (x, ΔX, W, ΔW, ΔY, the full convolution's
// maps), one block per channel, drawn as cells or, above the lab's cell limit,
// as Plotly heatmaps. Both kinds take the same calls: values once per change,
// then per frame a `draw(marks)` that patches classes and labels (cells) or
// overlay shapes (heatmaps), never a rebuild.
//
// marks: {tap, linked, focus: {ch: [[r, c], …]}, labels: {ch: [[r, c, text], …]},
//         current: flat index or null (cells before it done, after it to do),
//         hideTodo: hide the values still to do}

import { Grid, boxOf } from '../../core/grid.js';
import { HeatGrid } from '../../core/heat-grid.js';

export const CELL_LIMIT = 16; // rows or columns above which a map becomes a heatmap
const MAX_PLOTS = 4; // heatmaps drawn per map (the first channels)
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
  /** onFocus(ch, r, c) on hover (r null when the pointer leaves), onPick(ch, r, c) on click.
   * One core HeatGrid per channel drawn (the first MAX_PLOTS). */
  constructor(parent, [channels, rows, cols], kind, captions, onFocus, onPick) {
    this.heat = true;
    this.shape = [channels, rows, cols];
    const link = {
      focusOf: (_, ch, r, c) => ({ ch, r, c }),
      onFocus: (f) => (f === null ? onFocus(0, null, null) : onFocus(f.ch, f.r, f.c)),
      onPick: (f) => onPick(f.ch, f.r, f.c),
    };
    this.grids = Array.from({ length: Math.min(MAX_PLOTS, channels) }, (_, c) => new HeatGrid(
      parent, rows, cols, { kind, channel: c, caption: captions[c] || '', link }));
    if (channels > MAX_PLOTS) {
      const note = document.createElement('p');
      note.className = 'mx-note';
      note.textContent = `The first ${MAX_PLOTS} of ${channels} channels are drawn.`;
      parent.append(note);
    }
  }

  /** Settles when every heatmap on screen has drawn what it was last given. */
  get ready() { return Promise.all(this.grids.map((g) => g.ready)); }

  /** Draw the values (a few changed cells are painted over: core/heat-grid.js). */
  setValues(blocks, scale) {
    this.grids.forEach((g, c) => g.setValues(blocks[c], scale));
    return this.ready;
  }

  draw(marks) {
    const m = { ...none, ...marks };
    const [, rows, cols] = this.shape;
    this.grids.forEach((g, ch) => {
      g.progress(m.current === null ? null : m.current - ch * rows * cols);
      const taps = m.tap[ch] || [];
      g.mark('tap', taps);
      g.frame(boxOf(taps));
      g.mark('linked', m.linked[ch] || []);
      g.mark('focus', m.focus[ch] || []);
    });
  }
}

/** Cells or heatmaps for blocks of this shape: heatmaps when rows or cols pass CELL_LIMIT. */
export function mapsFor(parent, shape, kind, captions, onFocus, onPick, { cellsOnly = false } = {}) {
  const large = !cellsOnly && (shape[1] > CELL_LIMIT || shape[2] > CELL_LIMIT);
  parent.classList.toggle('maps-heat', large);
  return large ? new HeatMapSet(parent, shape, kind, captions, onFocus, onPick)
    : new CellMaps(parent, shape, kind, captions);
}
