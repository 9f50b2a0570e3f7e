// The maps as grids of numbered cells (small inputs): the padded input (one
// grid per channel), the kernel as applied (and as entered, for true
// convolution) and the output. Built on a new shape; every frame patches.

import { Grid, linesOf } from '../../core/grid.js';
import { imageLike, maxAbs, scaleFor } from '../../core/colors.js';
import { output3, outShape } from '../../core/trace.js';

const sizeClass = (n) => (n <= 7 ? 'size-l' : n <= 11 ? 'size-m' : 'size-s');

export class CellMaps {
  constructor(slots) {
    this.slots = slots; // {input, kernel, original, output} elements
    this.key = '';
  }

  build(resp, original) {
    const [cin, hp, wp] = [resp.padded_input.length, resp.padded_input[0].length,
      resp.padded_input[0][0].length];
    const [cout, ho, wo] = outShape(resp);
    const [ig, kh, kw] = [resp.kernel[0].length, resp.kernel[0][0].length, resp.kernel[0][0][0].length];
    const key = JSON.stringify([cin, hp, wp, cout, ho, wo, ig, kh, kw, Boolean(original)]);
    if (key === this.key) return;
    this.key = key;
    for (const slot of Object.values(this.slots)) slot.replaceChildren();
    const chName = (c, n) => (n > 1 ? `channel ${c + 1}` : '');
    this.inputs = Array.from({ length: cin }, (_, c) => new Grid(this.slots.input, hp, wp,
      { kind: 'input', channel: c, caption: chName(c, cin) }));
    this.kernels = Array.from({ length: ig }, (_, c) => new Grid(this.slots.kernel, kh, kw,
      { kind: 'kernel', channel: c, caption: chName(c, ig) }));
    this.originals = original ? Array.from({ length: ig }, (_, c) => new Grid(
      this.slots.original, kh, kw, { kind: 'original', channel: c, caption: chName(c, ig) })) : [];
    this.outputs = Array.from({ length: cout }, (_, c) => new Grid(this.slots.output, ho, wo,
      { kind: 'output', channel: c, caption: cout > 1 ? `output channel ${c + 1}` : '' }));
    this.slots.input.className = `maps ${sizeClass(Math.max(hp, wp))}`;
    this.slots.output.className = `maps ${sizeClass(Math.max(ho, wo, hp, wp))}`;
    this.filter = -1;
  }

  /** New response: values, padding and unvisited shading. */
  setData(resp, original) {
    this.build(resp, original);
    this.resp = resp;
    this.original = original;
    const scale = scaleFor(resp.padded_input, this.colors);
    const [[top, bottom], [left, right]] = resp.padding;
    const [hp, wp] = [resp.padded_input[0].length, resp.padded_input[0][0].length];
    const pads = [];
    for (let r = 0; r < hp; r += 1) {
      for (let c = 0; c < wp; c += 1) {
        if (r < top || r >= hp - bottom || c < left || c >= wp - right) pads.push([r, c]);
      }
    }
    const unvisited = linesOf(hp, wp, resp.arithmetic[0].unvisited, resp.arithmetic[1].unvisited);
    this.inputs.forEach((grid, c) => {
      grid.setValues(resp.padded_input[c], scale);
      grid.mark('pad', pads);
      grid.mark('unv', unvisited);
    });
    const out = output3(resp);
    const outScale = scaleFor(out, this.colors, imageLike(resp.padded_input));
    this.outputs.forEach((grid, c) => grid.setValues(out[c], outScale));
    this.filter = -1;
  }

  showFilter(o) {
    if (o === this.filter) return;
    this.filter = o;
    const scale = maxAbs(this.resp.kernel);
    this.kernels.forEach((grid, c) => grid.setValues(this.resp.kernel[o][c], scale));
    if (this.original) {
      const oscale = maxAbs(this.original);
      this.originals.forEach((grid, c) => grid.setValues(this.original[o][c], oscale));
    }
    const many = this.resp.kernel.length > 1;
    this.slots.kernel.dataset.filter = many ? `filter ${o + 1}` : '';
  }

  /** Draw a scene (scene.js): window, gaps, weights, output progress, links. */
  show(scene) {
    this.showFilter(scene.filter);
    this.inputs.forEach((grid, ch) => {
      const on = scene.channels.includes(ch);
      const ci = scene.channels.indexOf(ch);
      grid.mark('tap', on ? scene.window : []);
      grid.mark('gap', on ? scene.gaps : []);
      grid.label(on && scene.weights[ci] ? scene.weights[ci] : []);
      grid.frame(on ? scene.box : null);
      grid.mark('focus', scene.inFocus && scene.inFocus[0] === ch ? [scene.inFocus.slice(1)] : []);
      grid.mark('linked', on && scene.tapFocus !== null ? scene.inLinked : []);
      grid.figure.classList.toggle('active', on);
    });
    const tapCell = scene.tapFocus === null ? []
      : [[Math.floor(scene.tapFocus / this.resp.kernel[0][0][0].length),
        scene.tapFocus % this.resp.kernel[0][0][0].length]];
    this.kernels.forEach((grid) => grid.mark('focus', tapCell));
    const [, ho, wo] = outShape(this.resp);
    const current = scene.current ? (scene.current[0] * ho + scene.current[1]) * wo + scene.current[2]
      : -1;
    this.outputs.forEach((grid, o) => {
      for (let r = 0; r < ho; r += 1) {
        for (let c = 0; c < wo; c += 1) {
          const i = (o * ho + r) * wo + c;
          const cls = grid.cells[r][c].classList;
          cls.toggle('done', scene.whole || current < 0 || i < current);
          cls.toggle('current', i === current);
          cls.toggle('todo', !scene.whole && current >= 0 && i > current);
        }
      }
      grid.mark('focus', scene.outFocus && scene.outFocus[0] === o ? [scene.outFocus.slice(1)] : []);
      const linked = scene.outLinked.filter((l) => l[0] === o);
      grid.mark('linked', linked.map((l) => [l[1], l[2]]));
      grid.label(linked.map((l) => [l[1], l[2], l[3]]));
    });
  }
}
