// Stem plots of the signal and the output (SVG, text as text): one stem per sample, the
// samples the current output reads lit on x, the output drawn up to the current step.

import { fmt } from '../../core/numbers.js';

const NS = 'http://www.w3.org/2000/svg';
const H = 150;
const PAD = 26;

function svg(tag, attrs = {}, text = '') {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text) node.textContent = text;
  return node;
}

/** One stem plot: `values` over t = 0…n − 1, `lit` the set of t drawn strong, `upTo` the
 * last t drawn (later ones are left out: the output fills in). */
function plot(label, values, lit, upTo, width) {
  const n = values.length;
  const top = Math.max(1e-12, ...values.map(Math.abs));
  const step = (width - 2 * PAD) / Math.max(1, n);
  const mid = H / 2;
  const scale = (mid - 14) / top;
  const root = svg('svg', { viewBox: `0 0 ${width} ${H}`, class: 'stem-plot', role: 'img',
    'aria-label': `${label} as a stem plot, ${n} samples` });
  root.append(svg('line', { x1: PAD, x2: width - PAD / 2, y1: mid, y2: mid, class: 'axis' }));
  root.append(svg('text', { x: 4, y: 14, class: 'plot-label' }, label));
  for (let t = 0; t < n && t <= upTo; t += 1) {
    const x = PAD + (t + 0.5) * step;
    const y = mid - values[t] * scale;
    const g = svg('g', { class: lit.has(t) ? 'stem lit' : 'stem' });
    g.append(svg('line', { x1: x, x2: x, y1: mid, y2: y }));
    g.append(svg('circle', { cx: x, cy: y, r: Math.max(2, Math.min(6, step / 3)) }));
    g.append(svg('title', {}, `${label.split(' ')[0]}(${t}) = ${fmt(values[t])}`));
    root.append(g);
  }
  if (n <= 40) {
    for (let t = 0; t < n; t += Math.max(1, Math.ceil(n / 20))) {
      root.append(svg('text', { x: PAD + (t + 0.5) * step, y: H - 4, class: 'tick' }, String(t)));
    }
  }
  return root;
}

/** Both plots for the answer at output `index` whose step is `step`. */
export function drawStems(slot, resp, index, step) {
  const left = resp.padding[0];
  const length = resp.padded_input[0].length - left - resp.padding[1];
  const x = resp.padded_input[0].slice(left, left + length);
  const y = resp.output_shape.length === 1 ? resp.output : resp.output[0];
  const read = new Set(step ? step.window.filter((_, j) => !step.padding[j]).map((p) => p - left) : []);
  const width = Math.max(480, Math.min(1400, 24 * Math.max(x.length, y.length)));
  const name = resp.flip_kernel ? 's' : 'y';
  slot.replaceChildren(plot('x(t), the signal', x, read, x.length, width),
    plot(`${name}(t), the output`, y, new Set([index]), index, width));
}
