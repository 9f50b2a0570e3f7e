// "Watch it animated": from an exercise (and its solution) to the URL of the
// view that shows that very case. Only views listed in the navigation bar (the
// server's VIEWS) are linked; a type whose view is missing gets no link.

import * as api from '../../core/api.js';
import { defaults, encode } from '../../core/url-state.js';

const byName = (ex) => Object.fromEntries(ex.givens.map((g) => [g.name, g.value]));
const pair = (v, fallback) => {
  const p = v === undefined ? fallback : v;
  return (Array.isArray(p) ? p : [p, p]).map(String);
};
const cellsOf = (m) => m.map((row) => row.map(String));
const filled = ([h, w], text) => Array.from({ length: h }, () => Array(w).fill(text));

/** The lab's state for a conv2d case: input (H, W) or (C, H, W); kernel (kH, kW) or (C, kH, kW). */
function labState(g, { input, kernel, padding, flip = false, step = 0 }) {
  const state = defaults();
  state.input = Array.isArray(input[0][0]) ? input.map(cellsOf) : [cellsOf(input)];
  state.kernel = [Array.isArray(kernel[0][0]) ? kernel.map(cellsOf) : [cellsOf(kernel)]];
  state.stride = pair(g.stride, 1);
  state.paddingKind = 'custom';
  state.padding = pair(padding ?? g.padding, 0);
  state.dilation = pair(g.dilation, 1);
  if (g.bias !== undefined && g.bias !== 0) state.bias = [String(g.bias)];
  state.flip = flip;
  state.step = String(step);
  return state;
}

/** The lab's trace step of output cell (r, c): asks the server for the output width. */
async function stepOf(g, input, kernel, [r, c]) {
  const hw = (m) => (Array.isArray(m[0][0]) ? [m[0].length, m[0][0].length] : [m.length, m[0].length]);
  const { output_size: size } = await api.shape({
    op: 'conv2d', input_size: hw(input), kernel_size: hw(kernel),
    stride: g.stride ?? 1, padding: g.padding ?? 0, dilation: g.dilation ?? 1,
  });
  return r * size[1] + c;
}

const lab = (state) => `/${encode(state)}`;

/** Each type's links: [{href, text}], for views at `/` (the lab). */
const BUILDERS = {
  async 'conv-cell'(ex, sol, g) {
    const step = await stepOf(g, g.input, g.kernel, g.cell);
    return [{ view: '/', href: lab(labState(g, { input: g.input, kernel: g.kernel, step })),
      text: `watch it animated (${ex.answer_name} in the lab)` }];
  },
  async 'conv-output'(ex, sol, g) {
    return [{ view: '/', href: lab(labState(g, { input: g.input, kernel: g.kernel })),
      text: 'watch it animated (the lab)' }];
  },
  async 'true-conv'(ex, sol, g) {
    const step = await stepOf(g, g.input, g.kernel, g.cell);
    return [false, true].map((flip) => ({
      view: '/', href: lab(labState(g, { input: g.input, kernel: g.kernel, flip, step })),
      text: `watch it animated: ${flip ? 'true convolution' : 'cross-correlation'}` }));
  },
  // Sizes only: an input of ones under a kernel of ones shows every window,
  // and each output cell counts the taps that land on the input.
  async 'conv-size'(ex, sol, g) {
    const shape = { input: filled(g.input_size, '1'), kernel: filled(g.kernel_size, '1') };
    return [{ view: '/', href: lab(labState(g, shape)), text: 'watch it animated (the lab)' }];
  },
  async 'same-padding'(ex, sol, g) {
    const shape = { input: filled(g.input_size, '1'), kernel: filled(g.kernel_size, '1'),
      padding: sol.answer };
    return [{ view: '/', href: lab(labState(g, shape)),
      text: 'watch it animated (the lab, with this padding)' }];
  },
};

// The matrix and backward pages read the lab's parameters (core/url-state.js),
// the backward page also the output gradient (grad=, the lab's matrix codec).
const matrixLink = (view, g, input, text, step = 0) => ({ view,
  href: `${view}${encode(labState(g, { input, kernel: g.kernel, flip: Boolean(g.flip_kernel), step }))}`,
  text });
const grid = (m) => m.map((row) => row.join(',')).join(';');

/** The transposed page's own table (views/transposed/main.js): numbers only, so plain text is safe. */
function transposedLink(g, input, kernel) {
  const pairText = (v, d) => pair(v, d).join(',');
  const parts = [`input=${grid(input)}`, `kernel=${grid(kernel)}`,
    `stride=${pairText(g.stride, 1)}`, `padding=${pairText(g.padding, 0)}`,
    `outpad=${pairText(g.output_padding, 0)}`, `dilation=${pairText(g.dilation, 1)}`];
  if (g.bias !== undefined && g.bias !== 0) parts.push(`bias=${g.bias}`);
  return [{ view: '/transposed', href: `/transposed?${parts.join('&')}`,
    text: 'watch it animated (transposed convolution)' }];
}

/** The pooling page's own table (views/pool/main.js): numbers only, so plain text is safe. */
function poolLink(g, input, mode, text) {
  const pairText = (v, d) => pair(v, d).join(',');
  const parts = [`input=${grid(input)}`, `mode=${mode}`, `k=${pairText(g.kernel_size, 2)}`,
    `stride=${pairText(g.stride ?? g.kernel_size, 2)}`, `padding=${pairText(g.padding, 0)}`,
    `dilation=${pairText(g.dilation, 1)}`];
  if (g.ceil_mode) parts.push('ceil=1');
  return [{ view: '/pool', href: `/pool?${parts.join('&')}`, text }];
}

Object.assign(BUILDERS, {
  async 'pool-output'(ex, sol, g) {
    return poolLink(g, g.input, g.mode, 'watch it animated (pooling, window by window)');
  },
  // Sizes only: a map of ones shows every window and where the last one stops.
  async 'pool-size'(ex, sol, g) {
    return poolLink(g, filled(g.input_size, '1'), 'max', 'watch it animated (pooling)');
  },
  // The page unpools the pooled maxima themselves: Z's values go to the same positions.
  async 'unpool-output'(ex, sol, g) {
    return poolLink(g, g.input, 'max',
      'watch it animated (max pooling remembers the positions; unpooling reuses them)');
  },
  async 'c-row'(ex, sol, g) {
    return [matrixLink('/matrix', g, filled(g.input_size, '1'), 'see it as a matrix', g.row)];
  },
  async 'im2col-row'(ex, sol, g) { return [matrixLink('/matrix', g, g.input, 'see it as a matrix')]; },
  async 'backward-dx'(ex, sol, g) {
    const link = matrixLink('/backward', g, g.input, 'watch the backward pass');
    link.href += `&grad=${grid(g.grad_output)}`;
    return [link];
  },
  async 'backward-dw'(ex, sol, g) { return BUILDERS['backward-dx'](ex, sol, g); },
  async 'transposed-output'(ex, sol, g) { return transposedLink(g, g.input, g.kernel); },
  async 'transposed-size'(ex, sol, g) {
    return transposedLink(g, filled(g.input_size, '1'), filled(g.kernel_size, '1'));
  },
});

/** The /pipeline page with this chain on this matrix, run backwards. */
function pipelineLink(g, chain, extra, text) {
  const parts = [`p=sobel-relu-pool`, `src=given`, `pic=${encodeURIComponent(JSON.stringify(g.input))}`,
    `chain=${encodeURIComponent(JSON.stringify(chain))}`, 'back=1', 'look=diverging', ...extra];
  return [{ view: '/pipeline', href: `/pipeline?${parts.join('&')}`, text }];
}

Object.assign(BUILDERS, {
  async 'chain-factor'(ex, sol, g) {
    const act = g.activation === 'leaky_relu' ? { op: 'leaky_relu', negative_slope: 0.1 } : { op: g.activation };
    const [r, c] = g.cell;
    return pipelineLink(g, [act, g.pooling], ['loss=given',
      `target=${encodeURIComponent(JSON.stringify([g.grad_output]))}`, 'st=0', 'of=grad_input',
      `k=${r * g.input[0].length + c}`], 'follow the chain rule (/pipeline, backwards)');
  },
  async 'kernel-tap-grad'(ex, sol, g) {
    const [a, b] = g.tap;
    const loss = [`loss=${g.loss.type}`];
    if (g.loss.target !== undefined) loss.push(`target=${encodeURIComponent(JSON.stringify(g.loss.target))}`);
    if (g.learning_rate !== undefined) loss.push(`lr=${g.learning_rate}`);
    return pipelineLink(g, g.chain, [...loss, 'st=0', 'of=grad_kernel', `k=${a * g.kernel[0].length + b}`],
      'see the tap\'s weight-sharing sum (/pipeline, backwards)');
  },
  async 'sgd-step'(ex, sol, g) { return BUILDERS['kernel-tap-grad'](ex, sol, g); },
});

/** The /network page with this stack on this input (its URL state: net empty, shape, layers). */
function networkLink(g, text) {
  const query = `?net=&shape=${g.input_shape.join(',')}&layers=${encodeURIComponent(JSON.stringify(g.layers))}`;
  return [{ view: '/network', href: `/network${query}`, text }];
}

Object.assign(BUILDERS, {
  async 'network-shape'(ex, sol, g) { return networkLink(g, 'see every layer\'s shape (/network)'); },
  async 'layer-cost'(ex, sol, g) { return networkLink(g, 'see the layer\'s counts with their formulas (/network)'); },
  async 'receptive-field'(ex, sol, g) { return networkLink(g, 'trace the receptive field (/network)'); },
});

/** The signal page's own table (views/signal/main.js): numbers and keywords, escaped. */
function signalLink(params, text) {
  const query = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return [{ view: '/signal', href: `/signal?${query.join('&')}`, text }];
}

const ones = (n) => Array(n).fill('1').join(', ');

Object.assign(BUILDERS, {
  async 'conv1d-output'(ex, sol, g) {
    const [left, right] = g.padding;
    return signalLink({ x: g.input.join(', '), w: g.kernel.join(', '), b: g.bias || '',
      stride: g.stride, dilation: g.dilation, pad: 'custom', left, right,
      flip: g.definition === 'convolution' ? 1 : 0 }, 'watch it animated (/signal)');
  },
  // Sizes only: a signal of ones under a kernel of ones, stepped to the output asked about.
  async 'causal-padding'(ex, sol, g) {
    return signalLink({ x: ones(g.length), w: ones(g.kernel_size), stride: g.stride,
      dilation: g.dilation, pad: 'causal', step: g.t }, 'watch the causal layer (/signal)');
  },
  async 'stack-receptive-field'(ex, sol, g) {
    if (new Set(g.kernel_sizes).size !== 1) return [];  // the page's stack has one kernel size
    return signalLink({ x: ones(8), w: ones(g.kernel_sizes[0]), pad: 'causal',
      stack: g.dilations.join(', '), sk: g.kernel_sizes[0] }, 'trace the stack (/signal)');
  },
});

/** The views the server has (the navigation bar lists them). */
export function availableViews(doc = document) {
  return new Set([...doc.querySelectorAll('.views a')].map((a) => a.getAttribute('href')));
}

/** Links into the animated views for this exercise; [] when its view does not exist yet. */
export async function animatedLinks(ex, sol, views) {
  const build = BUILDERS[ex.type];
  if (!build) return [];
  const links = await build(ex, sol, byName(ex));
  return links.filter((l) => views.has(l.view));
}
