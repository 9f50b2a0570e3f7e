// The maps as Plotly heatmaps (large inputs): padded input and output per
// channel (the first four), the kernel still as cells. Each frame only moves
// overlay shapes: the window's taps and frame, the current output cell, and
// a veil over the outputs not computed yet.

import { Grid } from '../../core/grid.js';
import { imageLike, maxAbs, scaleFor } from '../../core/colors.js';
import { areaRect, cellRects, fingerprint, heatmap, setShapes } from '../../core/plot.js';
import { output3, outShape } from '../../core/trace.js';

const MAX_PLOTS = 4;
const INK = '#111827';
const LINK = '#6d28d9';

function plotDiv(parent, kind, ch) {
  const div = document.createElement('div');
  div.className = `heatmap heatmap-${kind}`;
  div.dataset.kind = kind;
  div.dataset.ch = String(ch);
  parent.append(div);
  return div;
}

export class HeatMaps {
  constructor(slots, onFocus, onPick) {
    this.slots = slots;
    this.onFocus = onFocus;
    this.onPick = onPick;
    this.key = '';
  }

  setData(resp, original) {
    const cin = Math.min(MAX_PLOTS, resp.padded_input.length);
    const [cout] = outShape(resp);
    const [ig, kh, kw] = [resp.kernel[0].length, resp.kernel[0][0].length, resp.kernel[0][0][0].length];
    const key = JSON.stringify([cin, cout, ig, kh, kw, Boolean(original)]);
    if (key !== this.key) {
      this.key = key;
      this.inputKey = '';  // new plots: nothing drawn in them to keep
      for (const slot of Object.values(this.slots)) slot.replaceChildren();
      this.inputs = Array.from({ length: cin }, (_, c) => plotDiv(this.slots.input, 'input', c));
      this.outputs = Array.from({ length: Math.min(MAX_PLOTS, cout) },
        (_, c) => plotDiv(this.slots.output, 'output', c));
      this.kernels = Array.from({ length: ig }, (_, c) => new Grid(this.slots.kernel, kh, kw,
        { kind: 'kernel', channel: c, caption: ig > 1 ? `channel ${c + 1}` : '' }));
      this.originals = original ? Array.from({ length: ig }, (_, c) => new Grid(
        this.slots.original, kh, kw, { kind: 'original', channel: c })) : [];
      this.slots.input.className = 'maps maps-heat';
      this.slots.output.className = 'maps maps-heat';
    }
    this.resp = resp;
    this.original = original;
    this.filter = -1;
    const scale = scaleFor(resp.padded_input, this.colors);
    const out = output3(resp);
    const outScale = scaleFor(out, this.colors, imageLike(resp.padded_input));
    const multi = (n) => n > 1;
    // A stride or dilation change leaves the padded input as it was: its heatmaps stay
    // (a redraw of a 200×200 map is most of a parameter change's repaint).
    const inputKey = `${this.colors}|${fingerprint(resp.padded_input)}`;
    const sameInput = inputKey === this.inputKey;
    this.inputKey = inputKey;
    this.ready = Promise.all([
      ...this.inputs.map((div, c) => (sameInput ? null : heatmap(div, resp.padded_input[c], scale, {
        title: multi(resp.padded_input.length) ? `channel ${c + 1}` : '',
        onHover: (r, col) => this.onFocus(r === null ? null : { kind: 'in', ch: c, r, c: col }),
        onClick: (r, col) => this.onPick({ kind: 'in', ch: c, r, c: col }),
      }))),
      ...this.outputs.map((div, o) => heatmap(div, out[o], outScale, {
        title: multi(out.length) ? `output channel ${o + 1}` : '',
        onHover: (r, col) => this.onFocus(r === null ? null : { kind: 'out', out: [o, r, col] }),
        onClick: (r, col) => this.onPick({ kind: 'out', out: [o, r, col] }),
      })),
    ]);
    return this.ready;
  }

  showFilter(o) {
    if (o === this.filter) return;
    this.filter = o;
    const scale = maxAbs(this.resp.kernel);
    this.kernels.forEach((grid, c) => grid.setValues(this.resp.kernel[o][c], scale));
    if (this.original) {
      this.originals.forEach((grid, c) => grid.setValues(this.original[o][c], maxAbs(this.original)));
    }
  }

  show(scene) {
    this.showFilter(scene.filter);
    this.inputs.forEach((div, ch) => {
      const on = scene.channels.includes(ch);
      const shapes = [];
      if (on && scene.box) {
        if (scene.window.length <= 64) shapes.push(...cellRects(scene.window, { line: INK, width: 1.5 }));
        shapes.push(areaRect(scene.box, INK, 3));
      }
      if (scene.inFocus && scene.inFocus[0] === ch) shapes.push(...cellRects([scene.inFocus.slice(1)], { line: LINK, width: 3 }));
      if (on && scene.tapFocus !== null) shapes.push(...cellRects(scene.inLinked, { line: LINK, width: 1.5 }));
      setShapes(div, shapes);
    });
    const [, ho, wo] = outShape(this.resp);
    this.outputs.forEach((div, o) => {
      const shapes = [];
      const cur = scene.current;
      if (cur && cur[0] === o && scene.whole) {
        shapes.push(...cellRects([cur.slice(1)], { line: INK, width: 3 }));
      } else if (cur && cur[0] === o) {
        const veil = { type: 'rect', line: { width: 0 }, fillcolor: 'rgba(255,255,255,0.82)' };
        if (cur[2] + 1 < wo) shapes.push({ ...veil, x0: cur[2] + 0.5, x1: wo - 0.5, y0: cur[1] - 0.5, y1: cur[1] + 0.5 });
        if (cur[1] + 1 < ho) shapes.push({ ...veil, x0: -0.5, x1: wo - 0.5, y0: cur[1] + 0.5, y1: ho - 0.5 });
        shapes.push(...cellRects([cur.slice(1)], { line: INK, width: 3 }));
      } else if (cur && cur[0] < o && !scene.whole) {
        shapes.push({ type: 'rect', line: { width: 0 }, fillcolor: 'rgba(255,255,255,0.82)',
          x0: -0.5, x1: wo - 0.5, y0: -0.5, y1: ho - 0.5 });
      }
      if (scene.outFocus && scene.outFocus[0] === o) shapes.push(...cellRects([scene.outFocus.slice(1)], { line: LINK, width: 3 }));
      const linked = scene.outLinked.filter((l) => l[0] === o).map((l) => [l[1], l[2]]);
      shapes.push(...cellRects(linked, { line: LINK, width: 2 }));
      setShapes(div, shapes);
    });
  }
}
