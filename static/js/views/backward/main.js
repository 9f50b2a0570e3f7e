// The backward page's entry point: the shared editors and parameters, the ΔY
// editor kept in the output's shape (asked of POST /api/shape, typed values
// kept where they still fit), one request to POST /api/conv2d/backward per
// change, and one player over the ΔX scatter steps, then the ΔW steps. Trace
// pages past the first are fetched as a frame needs them (data.js);
// hover links cells, a click pins them, Esc unpins.

import * as api from '../../core/api.js';
import { MatrixEditor } from '../../core/editor.js';
import { parseCell } from '../../core/numbers.js';
import { Player } from '../../core/player.js';
import { Shell } from '../../core/conv-shell.js';
import { setStatus } from '../../core/page-chrome.js';
import { codecs } from '../../core/url-state.js';
import { BackwardStage } from './view.js';
import { BackwardTraces, pageLimits } from './data.js';
import { contextOf } from './terms.js';
import { sceneOf } from './scene.js';

const $ = (sel) => document.querySelector(sel);
const page = { resp: null, shapes: new Map(), traces: null, ctx: null, hover: null, pinned: null };
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const EXTRA = [{ key: 'symbolic', url: 'symbolic', codec: codecs.flag, def: false },
  { key: 'grad', url: 'grad', codec: codecs.matrix3, def: [[['1']]] }];
const shell = new Shell('backward', EXTRA, {
  changed,
  unpin: () => { page.pinned = null; render(); },
  errorSlots: { grad_output: (errs) => gradEditor.showErrors(errs) },
  endpoint: '/api/conv2d/backward',
  call: (body, signal) => api.conv2dBackward({ ...body, ...firstPages(body) }, signal),
  shown,
});
// The ΔY editor edits state.grad through the editor's "input" behaviour.
const gradView = {
  get input() { return shell.state.grad; }, set input(v) { shell.state.grad = v; },
  get seed() { return shell.state.seed; }, set seed(v) { shell.state.seed = v; },
};
const gradEditor = new MatrixEditor($('[data-editor="grad"]'), 'input', (what, typing) => shell.changed('grad', typing));
const player = new Player($('[data-player-root]'), (index) => {
  shell.state.step = String(index);
  shell.save();
  render();
}, (level) => { shell.state.speed = String(level); shell.save(); });
const stage = new BackwardStage($('[data-stage-root]'), (focus) => { page.hover = focus; render(); },
  (focus) => { page.pinned = same(page.pinned, focus) ? null : focus; render(); });

function updateGradEditor() {
  gradEditor.update(gradView);
  for (const field of gradEditor.body.querySelectorAll('input[data-r]')) {
    const { s, r, c } = field.dataset;
    const several = shell.state.grad.length > 1;
    field.setAttribute('aria-label', `ΔY ${several ? `channel ${Number(s) + 1} ` : ''}row ${Number(r) + 1} column ${Number(c) + 1}`);
  }
}

/** ΔY in the output's shape (C_out × H_out × W_out), keeping what fits, '1' elsewhere;
 * null when the shape could not be had. The caller applies it only if no newer change
 * came meanwhile: an answer to an older shape request must not resize ΔY. */
async function fittedGrad(body) {
  const s = shell.state;
  const req = { op: 'conv2d', input_size: [s.input[0].length, s.input[0][0].length],
    kernel_size: [s.kernel[0][0].length, s.kernel[0][0][0].length], stride: body.stride,
    padding: body.padding, dilation: body.dilation };
  const key = JSON.stringify(req);
  if (!page.shapes.has(key)) {
    try { page.shapes.set(key, (await api.shape(req)).output_size); } catch { return null; }
  }
  const [ho, wo] = page.shapes.get(key);
  const old = s.grad;
  return s.kernel.map((_, o) => Array.from({ length: ho }, (_, r) =>
    Array.from({ length: wo }, (_, c) => old[o]?.[r]?.[c] ?? '1')));
}

function parseGrad() {
  const errors = [];
  const values = shell.state.grad.map((slice, ch) => slice.map((row, r) => row.map((cell, c) => {
    const parsed = parseCell(cell);
    if (parsed.error) errors.push({ field: 'grad_output', where: [ch, r, c], msg: parsed.error });
    return parsed.value ?? 0;
  })));
  return { values, errors };
}

async function changed(what, typing, { body, errors }) {
  const s = shell.state;
  const gen = ++shell.exchange.gen; // an answer on its way is for the state before this change
  if (String(player.speed) !== s.speed) player.setSpeed(s.speed);
  if (what === 'hideTodo') render();  // the quiz hides or shows values already drawn
  if (what === 'hideTodo' || what === 'present') return;
  const fitted = !errors.length && what !== 'grad' ? await fittedGrad(body) : null;
  if (gen !== shell.exchange.gen) return;
  if (fitted) s.grad = fitted;
  if (!typing || what !== 'grad') updateGradEditor();
  shell.save();
  const grad = parseGrad();
  if (shell.exchange.hold([...errors, ...grad.errors])) return;
  const oneMap = !Array.isArray(body.input[0][0]) && grad.values.length === 1;
  body.grad_output = oneMap ? grad.values[0] : grad.values;
  body.symbolic = Boolean(s.symbolic);
  // The full convolution's own trace is not drawn: its maps and kernel are.
  body.full_convolution_trace = false;
  shell.exchange.offer(body, typing);
}

const count = (a) => a.flat(Infinity).length;
const limitsOf = (body) => pageLimits(count(body.input), count(body.grad_output));

/** The first request brings the page of the current step (an old link's step past the end is
 * the last step) and the first ΔW page. */
function firstPages(body) {
  const [nx, nw] = [count(body.grad_output), count(body.kernel)];
  const limits = limitsOf(body);
  const step = Math.min(Number(shell.state.step) || 0, nx + nw - 1);
  const first = (i, n) => ({ start: Math.floor(i / n) * n, limit: n });
  return { trace: first(step < nx ? step : 0, limits.dx),
    kernel_trace: first(step < nx ? 0 : step - nx, limits.dw) };
}

function shown(resp, body) {
  page.resp = resp;
  if (page.traces) page.traces.drop();
  page.traces = new BackwardTraces(resp, body, limitsOf(body), render, (msg) => setStatus(msg, true));
  page.ctx = contextOf(resp, body.input, body.kernel, body.symbolic ? resp.symbolic : null);
  stage.setData(page.ctx);
  player.setTotal(resp.trace.total + resp.kernel_trace.total);
  player.set(Number(shell.state.step) || 0, true);
  render();
  return stage.ready();
}

/** Draw (step, focus); ask for the trace pages the frame needs, then the next ones quietly. */
function render() {
  if (!page.traces) return;
  const scene = sceneOf(page.ctx, page.traces, player.index, page.hover || page.pinned);
  stage.show(scene);
  for (const [which, i] of scene.need) page.traces.need(which, i);
  const [which, i] = scene.need[0];
  page.traces.need(which, i + 64, true);
}

shell.start();
