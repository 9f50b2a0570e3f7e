// Links from a layer of the table into its operation view: a conv2d into the lab,
// a pool into /pool, with that layer's geometry on one channel of made-up input
// (small whole numbers), its size cut to what a view shows well.

import { lab } from '../../core/url-state.js';
import { pack } from '../../core/url-state.js';

const CAP = 64; // rows and columns of the input a link opens with
const LONG = 1800;

const ramp = (h, w) => Array.from({ length: h }, (_, r) => Array.from({ length: w },
  (_, c) => String(((r * 7 + c * 3) % 10) - 4)));
const where = (path, query) => path + (query.length > LONG ? pack(query) : query);
const cut = (row) => {
  const [, h, w] = row.input_shape;
  return [Math.min(h, CAP), Math.min(w, CAP), h > CAP || w > CAP];
};

/** {href, text, title} of the view that animates `row`, or null. */
export function linkOf(row) {
  if (row.input_shape.length !== 3) return null;
  const a = row.args;
  const [h, w, capped] = cut(row);
  const size = `${row.input_shape[1]} × ${row.input_shape[2]}`;
  const note = capped ? ` (its input is ${size}: cut to ${h} × ${w} here)` : '';
  if (row.type === 'conv2d') {
    const [kh, kw] = a.kernel_size;
    const s = { ...lab.defaults(), input: [ramp(h, w)],
      kernel: [[Array.from({ length: kh }, (_, r) => Array.from({ length: kw },
        (_, c) => String(((r + c) % 3) - 1)))]],
      stride: a.stride.map(String), dilation: a.dilation.map(String) };
    if (typeof a.padding === 'string') s.paddingKind = a.padding;
    else s.padding = a.padding.map(String);
    return { href: where('/', lab.encode(s)), text: 'in the lab',
      title: `This layer's geometry on one channel of made-up numbers${note}` };
  }
  if (row.type === 'max_pool2d' || row.type === 'avg_pool2d') {
    const parts = [`input=${ramp(h, w).map((r) => r.join(',')).join(';')}`,
      `mode=${row.type === 'max_pool2d' ? 'max' : 'avg'}`, `k=${a.kernel_size.join(',')}`,
      `stride=${(a.stride || a.kernel_size).join(',')}`, `padding=${a.padding.join(',')}`];
    if (a.dilation) parts.push(`dilation=${a.dilation.join(',')}`);
    if (a.ceil_mode) parts.push('ceil=1');
    if (a.count_include_pad === false) parts.push('cip=0');
    return { href: where('/pool', `?${parts.join('&')}`), text: 'in /pool',
      title: `This layer's geometry on one channel of made-up numbers${note}` };
  }
  return null;
}
