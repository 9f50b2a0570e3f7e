// The backward page's full-convolution panel: ΔX on the padded frame as one
// stride-1 convolution of the zero-inserted, padded ΔY with the applied kernel
// rotated 180°. Every kernel slice is shown: one row per ΔX channel, one block
// per ΔY channel of its group, each named by the pair it joins.

import { maxAbs } from '../../core/colors.js';
import { mapsFor } from './maps.js';

const MAX_SLICES = 32; // kernel slices drawn; a picker chooses the ΔX channel past that

export class FullConvolutionPanel {
  constructor(slot) {
    this.slot = slot;
    this.key = '';
    this.picker = slot('fc-channel');
    this.picker.addEventListener('change', () => this.drawKernels());
  }

  /** The response's full_convolution; ctx from terms.js contextOf. */
  setData(resp, ctx) {
    const fc = resp.full_convolution;
    this.fc = fc;
    this.ctx = ctx;
    const [cin, cpg] = [fc.kernel.length, fc.kernel[0].length];
    const [kh, kw] = [fc.kernel[0][0].length, fc.kernel[0][0][0].length];
    const pin = fc.padded_input;
    const out = fc.output;
    const key = JSON.stringify([pin.length, pin[0].length, pin[0][0].length, cin, cpg, kh, kw,
      out[0].length, out[0][0].length]);
    if (key !== this.key) {
      this.key = key;
      for (const s of ['fc-input', 'fc-output']) this.slot(s).replaceChildren();
      const word = (n, w) => Array.from({ length: n }, (_, c) => (n > 1 ? `${w} ${c + 1}` : ''));
      this.input = mapsFor(this.slot('fc-input'), [pin.length, pin[0].length, pin[0][0].length], 'fc',
        word(pin.length, 'ΔY channel'), () => {}, () => {});
      this.output = mapsFor(this.slot('fc-output'), [out.length, out[0].length, out[0][0].length], 'fc',
        word(out.length, 'ΔX channel'), () => {}, () => {});
      const many = cin * cpg > MAX_SLICES;
      this.picker.closest('label').hidden = !many;
      this.picker.replaceChildren(...Array.from({ length: cin }, (_, c) => new Option(`ΔX channel ${c + 1}`, String(c))));
      this.kernelKey = '';
    }
    this.input.setValues(pin, maxAbs(pin));
    this.output.setValues(out, maxAbs(out));
    this.input.draw({});
    this.output.draw({});
    this.drawKernels();
    this.slot('fc-note').textContent = fc.note;
  }

  /** ΔY channel feeding slice j of ΔX channel ci: its group's first filter plus j. */
  source(ci, j) {
    const [cin, cpg] = [this.fc.kernel.length, this.fc.kernel[0].length];
    const groups = this.ctx.resp.groups;
    return Math.floor(ci / (cin / groups)) * cpg + j;
  }

  drawKernels() {
    const k = this.fc.kernel;
    const [cin, cpg] = [k.length, k[0].length];
    const rows = this.picker.closest('label').hidden ? [...k.keys()] : [Number(this.picker.value) || 0];
    const [kh, kw] = [k[0][0].length, k[0][0][0].length];
    const key = JSON.stringify([rows, cpg, kh, kw]);
    const slot = this.slot('fc-kernel');
    if (key !== this.kernelKey) {
      this.kernelKey = key;
      slot.replaceChildren();
      const single = cin === 1 && cpg === 1;
      this.kernels = rows.map((ci) => {
        const row = document.createElement('div');
        row.className = 'maps bw-fc-row';
        slot.append(row);
        return mapsFor(row, [cpg, kh, kw], 'fc',
          Array.from({ length: cpg }, (_, j) => (single ? '' : `ΔY ${this.source(ci, j) + 1} → ΔX ${ci + 1}`)),
          () => {}, () => {}, { cellsOnly: true });
      });
    }
    const scale = maxAbs(k);
    this.kernels.forEach((maps, n) => { maps.setValues(k[rows[n]], scale); maps.draw({}); });
  }
}
