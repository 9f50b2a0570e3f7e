// The volume page's formula: the current output cell as the sum of its products, one
// line per kernel slice (x·w for each tap, tinted as that slice's cells are lit), then
// "Σ products + b = value". Every number is the server's (padded input, applied kernel,
// step.products, partial_sums, bias, value). Built once per layout, patched per step.

import { fmt, fmtFactor } from '../../core/numbers.js';
import { inWords } from '../../core/formula.js';

const MAX_TERMS = 25;
const HEAD = 9;
const TAIL = 4;
const TINTS = 4;
const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n) => String(n).split('').map((d) => SUB[Number(d)]).join('');

/** The 1-based name of output cell (depth, row, col): h₁₁₁, or h₁,₁₀,₂ past 9. */
export function voxelName(d, r, c) {
  const idx = [d + 1, r + 1, c + 1];
  return `h${idx.map(sub).join(idx.some((i) => i > 9) ? ',' : '')}`;
}

function span(cls, text = '') {
  const el = document.createElement('span');
  el.className = cls;
  el.textContent = text;
  return el;
}

export class VolumeFormula {
  constructor(root) {
    const q = (n) => root.querySelector(`[data-vf="${n}"]`);
    this.title = q('title');
    this.where = q('where');
    this.lines = q('lines');
    this.spoken = q('spoken');
    this.layout = '';
  }

  /** One line of (shown) terms per kernel slice, and the total line. */
  build(slices, taps) {
    const shown = taps > MAX_TERMS ? HEAD + TAIL : taps;
    this.rows = Array.from({ length: slices }, (_, j) => {
      const line = document.createElement('p');
      line.className = `eq ks-line ks-${j % TINTS}`;
      const label = span('eq-label');
      const body = span('eq-terms');
      const terms = [];
      for (let t = 0; t < shown; t += 1) {
        if (t > 0) body.append(span('op', ' + '));
        if (taps > MAX_TERMS && t === HEAD) body.append(span('more', '… '), span('op', '+ '));
        const term = span('term');
        term.append(span('x'), span('op', '·'), span('w'));
        body.append(term);
        terms.push(term);
      }
      line.append(label, body);
      return { line, label, terms };
    });
    const total = document.createElement('p');
    total.className = 'eq eq-total';
    this.sum = span('eq-part');
    this.bias = span('bias');
    this.value = span('eq-sum');
    this.value.dataset.vf = 'value';
    total.append(span('eq-label', 'Σ products + b: '), this.sum, span('op', ' + '), this.bias,
      span('op', ' = '), this.value);
    this.lines.replaceChildren(...this.rows.map((r) => r.line), total);
  }

  /** Show `step` of `resp`; `depthName(z)` names a padded slice ("depth 2", "padding"). */
  render(resp, step, depthName) {
    if (!step) {
      this.title.textContent = '…';
      this.where.textContent = 'loading this step…';
      return;
    }
    const K = resp.kernel[0][0];
    const P = resp.padded_input[0];
    const [kD, kH, kW] = [K.length, K[0].length, K[0][0].length];
    const taps = kH * kW;
    const layout = `${kD}x${taps}`;
    if (layout !== this.layout) { this.build(kD, taps); this.layout = layout; }
    const [, d, r, c] = step.out;
    this.title.textContent = voxelName(d, r, c);
    this.where.textContent = `output depth ${d + 1}, row ${r + 1}, column ${c + 1} `
      + `(counting from 1): ${step.window.length} products`;
    this.rows.forEach((row, j) => {
      const first = j * taps;
      row.label.textContent = `k${j + 1} on ${depthName(step.window[first][0])}: `;
      const all = Array.from({ length: taps }, (_, i) => first + i);
      const picked = taps > MAX_TERMS ? [...all.slice(0, HEAD), ...all.slice(-TAIL)] : all;
      picked.forEach((t, k) => {
        const [z, y, x] = step.window[t];
        const i = t - first;
        const el = row.terms[k];
        el.children[0].textContent = fmtFactor(P[z][y][x]);
        el.children[2].textContent = fmtFactor(K[j][Math.floor(i / kW)][i % kW]);
        el.classList.toggle('pad', step.padding[t]);
        el.title = `product ${fmt(step.products[0][t])}${step.padding[t] ? ' (padding)' : ''}`;
      });
    });
    this.sum.textContent = fmtFactor(step.partial_sums[0]);
    this.bias.textContent = fmtFactor(step.bias);
    this.value.textContent = fmt(step.value);
    this.spoken.textContent = inWords(`${this.title.textContent}: ${fmtFactor(step.partial_sums[0])}`
      + ` + ${fmtFactor(step.bias)} = ${fmt(step.value)}`);
  }
}
