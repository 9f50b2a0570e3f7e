// The signal page's strips: the padded signal with the window of the current output, the
// kernel under the samples its taps read, their products, and the output filling in;
// and the formula of that output in the definition chosen. Everything shown comes from
// the server's answer and its step (window, padding flags, products, sums).

import { fmt, fmtFactor } from '../../core/numbers.js';

const VISIBLE = 40;  // cells a strip shows at once; longer signals scroll with the window

function el(tag, cls, text = '') {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== '') node.textContent = text;
  return node;
}

/** [first, last) of `total` cells to show, `focus` (a [lo, hi] range) inside. */
function viewOf(total, lo, hi) {
  if (total <= VISIBLE) return [0, total];
  const middle = Math.floor((lo + hi) / 2);
  const first = Math.max(0, Math.min(total - VISIBLE, middle - Math.floor(VISIBLE / 2)));
  return [first, first + VISIBLE];
}

/** The original kernel index tap `j` reads with: reversed for convolution. */
export const kernelIndex = (resp, j) => (resp.flip_kernel ? resp.kernel[0][0].length - 1 - j : j);

export const outName = (resp) => (resp.flip_kernel ? 's' : 'y');

export class Strips {
  constructor(root) {
    this.root = root;
    this.slot = (n) => root.querySelector(`[data-s="${n}"]`);
  }

  /** Draw the answer at step `step` (a step object of the trace, or null while loading). */
  show(resp, index, step) {
    const left = resp.padding[0];
    const padded = resp.padded_input[0];
    const out = resp.output_shape.length === 1 ? resp.output : resp.output[0];
    const reads = step ? step.window : [];
    const lo = reads.length ? Math.min(...reads) : 0;
    const hi = reads.length ? Math.max(...reads) : 0;
    const [first, last] = viewOf(padded.length, lo, hi);
    const tapAt = new Map(reads.map((p, j) => [p, j]));
    const rows = [];
    const row = (label, cells, cls = '') => {
      const line = el('div', `strip ${cls}`);
      line.append(el('span', 'strip-label', label));
      const track = el('div', 'strip-track');
      track.style.setProperty('--n', String(last - first));
      track.append(...cells);
      line.append(track);
      rows.push(line);
    };
    const range = Array.from({ length: last - first }, (_, i) => first + i);
    row('x', range.map((p) => {
      const cell = el('span', 'sig-cell', fmt(padded[p]));
      const pad = p < left || p >= padded.length - resp.padding[1];
      cell.classList.toggle('pad', pad);
      cell.classList.toggle('tap', tapAt.has(p));
      cell.title = pad ? `padding (${resp.padding_mode})` : `x(${p - left}) = ${fmt(padded[p])}`;
      cell.dataset.pos = String(p);
      return cell;
    }), 'strip-input');
    row('t', range.map((p) => {
      const pad = p < left || p >= padded.length - resp.padding[1];
      return el('span', 'sig-index', pad ? '·' : String(p - left));
    }), 'strip-index');
    row(resp.flip_kernel ? 'w reversed' : 'w', range.map((p) => {
      const cell = el('span', 'sig-cell kernel');
      if (tapAt.has(p)) {
        const j = tapAt.get(p);
        cell.textContent = fmt(resp.kernel[step.out[0]][0][j]);
        cell.title = `w(${kernelIndex(resp, j)})`;
        cell.classList.add('on');
      }
      return cell;
    }), 'strip-kernel');
    row('x·w', range.map((p) => {
      const cell = el('span', 'sig-cell product');
      if (tapAt.has(p)) {
        cell.textContent = fmt(step.products[0][tapAt.get(p)]);
        cell.classList.add('on');
      }
      return cell;
    }), 'strip-products');
    this.slot('strips').replaceChildren(...rows, this.outputRow(resp, out, index));
    const named = step ? step.window.map((p, j) => (step.padding[j] ? 'padding'
      : `x(${p - left})`)) : [];
    this.slot('where').textContent = step
      ? `output ${outName(resp)}(${step.out[1]}) reads ${named.join(', ')}` : '';
    this.formula(resp, step);
  }

  outputRow(resp, out, index) {
    const [first, last] = viewOf(out.length, index, index);
    const line = el('div', 'strip strip-output');
    line.append(el('span', 'strip-label', outName(resp)));
    const track = el('div', 'strip-track');
    track.style.setProperty('--n', String(last - first));
    for (let t = first; t < last; t += 1) {
      const cell = el('span', 'sig-cell out', t <= index ? fmt(out[t]) : '');
      cell.classList.toggle('done', t < index);
      cell.classList.toggle('current', t === index);
      cell.classList.toggle('todo', t > index);
      cell.title = `${outName(resp)}(${t})`;
      cell.dataset.t = String(t);
      track.append(cell);
    }
    const index0 = el('div', 'strip strip-index');
    index0.append(el('span', 'strip-label', 't'));
    const idx = el('div', 'strip-track');
    idx.style.setProperty('--n', String(last - first));
    for (let t = first; t < last; t += 1) idx.append(el('span', 'sig-index', String(t)));
    index0.append(idx);
    line.append(track);
    const both = el('div', 'strip-pair');
    both.append(line, index0);
    return both;
  }

  formula(resp, step) {
    const lines = this.slot('lines');
    if (!step) { lines.replaceChildren(el('p', '', 'Loading this step…')); return; }
    const left = resp.padding[0];
    const t = step.out[1];
    const name = outName(resp);
    const x = (p, pad) => (pad ? 'pad' : `x(${p - left})`.replace('(-', '(\u2212'));
    const terms = step.window.map((p, j) => ({ p, j, pad: step.padding[j],
      w: resp.kernel[step.out[0]][0][j], xv: resp.padded_input[0][p], m: kernelIndex(resp, j) }));
    const bias = resp.bias[step.out[0]];
    const withBias = bias !== 0;
    const symbolic = terms.map((u) => (resp.flip_kernel ? `${x(u.p, u.pad)}\u00b7w(${u.m})`
      : `w(${u.m})\u00b7${x(u.p, u.pad)}`)).join(' + ') + (withBias ? ' + b' : '');
    const numbers = terms.map((u) => (resp.flip_kernel ? `${fmtFactor(u.xv)}\u00b7${fmtFactor(u.w)}`
      : `${fmtFactor(u.w)}\u00b7${fmtFactor(u.xv)}`)).join(' + ') + (withBias ? ` + ${fmtFactor(bias)}` : '');
    const products = step.products[0].map(fmtFactor).join(' + ') + (withBias ? ` + ${fmtFactor(bias)}` : '');
    const out = [
      el('p', 'line', `${name}(${t}) = ${symbolic}`),
      el('p', 'line', `= ${numbers}`),
      el('p', 'line', `= ${products} = ${fmt(step.value)}`),
    ];
    out[2].dataset.value = String(step.value);
    if (resp.flip_kernel) {
      const real = terms.filter((u) => !u.pad);
      const holds = real.every((u) => u.m === t - (u.p - left));
      out.push(el('p', 'note', holds && real.length
        ? `Every term reads w at t \u2212 a (${real.map((u) => `${t} \u2212 ${u.p - left} = ${u.m}`).join(', ')}): `
          + 's(t) = \u03a3\u2090 x(a)\u00b7w(t \u2212 a), the kernel reversed.'
        : 'The kernel is reversed (convolution); with stride 1, dilation 1 and full padding each '
          + 'term reads w at t \u2212 a, as s(t) = \u03a3\u2090 x(a)\u00b7w(t \u2212 a) writes it.'));
    } else {
      out.push(el('p', 'note', `Cross-correlation, as PyTorch computes it: tap j reads the padded sample `
        + `t\u00b7s + j\u00b7d = ${t}\u00b7${resp.stride} + j\u00b7${resp.dilation}; the kernel is not reversed.`));
    }
    lines.replaceChildren(...out);
    this.slot('title').textContent = `${name}(${t}) = ${fmt(step.value)}`;
    this.slot('definition').textContent = resp.flip_kernel
      ? 'convolution: s(t) = \u03a3\u2090 x(a)\u00b7w(t \u2212 a)'
      : 'cross-correlation (PyTorch): y(t) = \u03a3\u2c7c w(j)\u00b7x(t\u00b7s + j\u00b7d)';
  }
}
