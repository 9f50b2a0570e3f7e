// The pooling page: owns the state, asks POST /api/pool2d and then POST
// /api/max_unpool2d with the indices it returned, and draws (responses, step,
// focus). One step index drives both: step k pools output cell k and puts
// value k back where pooling found it.

import * as api from '../../core/api.js';
import { UrlState, codecs } from '../../core/url-state.js';
import { MatrixEditor } from '../../core/editor.js';
import { Fields } from '../../core/fields.js';
import { Player } from '../../core/player.js';
import { toCellText } from '../../core/numbers.js';
import { matrixOf, pairOf } from '../../core/request.js';
import { bindChrome, placeErrors, setStatus, showPresent } from '../../core/page-chrome.js';
import { TraceStore } from '../../core/trace.js';
import { Exchange } from '../../core/exchange.js';
import { PoolStage } from './view.js';

const ENDPOINT = '/api/pool2d';
// Steps per trace page: the first comes with the answer, others when the player (or a
// hover) needs them, the next one before it is reached.
const PAGE = 4096;
const { matrix3, list, text, flag } = codecs;
const url = new UrlState([
  { key: 'input', url: 'input', codec: matrix3, def: [[['1', '5', '2', '0'], ['3', '4', '8', '1'], ['0', '2', '6', '7'], ['9', '1', '3', '2']]] },
  { key: 'mode', url: 'mode', codec: text, def: 'max' },
  { key: 'kernel_size', url: 'k', codec: list, def: ['2', '2'] },
  { key: 'stride', url: 'stride', codec: list, def: ['2', '2'] },
  { key: 'padding', url: 'padding', codec: list, def: ['0', '0'] },
  { key: 'dilation', url: 'dilation', codec: list, def: ['1', '1'] },
  { key: 'ceil_mode', url: 'ceil', codec: flag, def: false },
  { key: 'count_include_pad', url: 'cip', codec: flag, def: true },
  { key: 'step', url: 'step', codec: text, def: '0' },
  { key: 'speed', url: 'speed', codec: text, def: '2' },
  { key: 'present', url: 'present', codec: flag, def: false },
  { key: 'seed', url: 'seed', codec: text, def: '1' },
], 'convviz.pool.v1', ['input']);

const $ = (sel) => document.querySelector(sel);
const page = { state: url.defaults(), resp: null, unpool: null, store: null, hover: null,
  pinned: null, presets: null, note: '' };

const editors = { input: new MatrixEditor($('[data-editor="input"]'), 'input', changed) };
const fields = new Fields($('.params'), changed);
const player = new Player($('[data-player-root]'), onStep, (level) => {
  page.state.speed = String(level);
  url.save(page.state);
});
const exchange = new Exchange({ endpoint: ENDPOINT,
  wire: (b) => ({ ...b, trace: { start: 0, limit: PAGE } }),
  call: async (body, signal) => {
    const resp = await api.pool2d(body, signal);
    return { resp, unpool: resp.indices ? await unpoolOf(resp, body, signal) : null };
  },
  shown: ({ resp, unpool }) => {
    page.resp = resp;
    page.unpool = unpool;
    page.store = new TraceStore(resp, PAGE);
    const ready = stage.setData(resp, unpool, page.store);
    player.setTotal(resp.trace.total);
    player.setRow(resp.output_shape[resp.output_shape.length - 1]);
    player.set(Number(page.state.step) || 0, true);
    render();
    return ready;
  },
  errors: showErrors, note: () => page.note, restate: true, drop: true });
const stage = new PoolStage($('[data-stage-root]'), (f) => { page.hover = f; render(); },
  (f) => { page.pinned = JSON.stringify(page.pinned) === JSON.stringify(f) ? null : f; render(); });

function toRequest(s) {
  const input = matrixOf(s.input, 'input');
  const errors = [...input.errors];
  const body = { input: input.values.length === 1 ? input.values[0] : input.values, mode: s.mode };
  for (const key of ['kernel_size', 'stride', 'padding', 'dilation']) {
    const pair = pairOf(s[key], key, key.replace('_', ' '));
    errors.push(...pair.errors);
    body[key] = pair.value;
  }
  body.ceil_mode = Boolean(s.ceil_mode);
  body.count_include_pad = Boolean(s.count_include_pad);
  return { body, errors };
}

function changed(what, typing = false) {
  const s = page.state;
  if (what !== 'preset' && what !== 'present') page.note = '';
  if (!typing) editors.input.update(s);
  fields.update(s);
  showPresent(s.present);
  if (String(player.speed) !== s.speed) player.setSpeed(s.speed);
  url.save(s);
  if (what === 'present') return;
  const { body, errors } = toRequest(s);
  if (!exchange.hold(errors)) exchange.offer(body, typing);
}

function showErrors(errors) { placeErrors(errors, editors, fields); }

/** Max-unpooling of the pooled output at the remembered indices, back to the input's size. */
async function unpoolOf(resp, body, signal) {
  const pair = (v) => (Array.isArray(v) ? v.map(Number) : [Number(v), Number(v)]);
  if (pair(body.dilation ?? 1).some((d) => d > 1)) {
    return { error: 'max_unpool2d has no dilation (nor has PyTorch’s): set dilation to 1 to unpool.' };
  }
  const input = body.input;
  const size = Array.isArray(input[0][0]) ? [input[0].length, input[0][0].length] : [input.length, input[0].length];
  try {
    return await api.maxUnpool2d({ input: resp.output, indices: resp.indices,
      kernel_size: body.kernel_size, stride: body.stride, padding: body.padding,
      output_size: size }, signal);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return { error: err.message };
  }
}

function render() {
  if (!page.resp) return;
  const focus = page.hover || page.pinned;
  stage.show(player.index, focus);
  const need = focus && focus.kind === 'out' ? stage.indexOf(focus.at) : player.index;
  if (!page.store.has(need)) fetchPage(need);
  else if (need + PAGE < page.store.total && !page.store.has(need + PAGE)) fetchPage(need + PAGE);
}

function fetchPage(index) {
  const store = page.store;
  store.load(index, (start, limit) => api.pool2d({ ...exchange.body, trace: { start, limit } }), {
    done: () => { if (store === page.store) render(); },
    failed: (err, start) => setStatus(`Could not load steps from ${start + 1}: ${err.message}`, true),
  });
}

function onStep(index) {
  page.state.step = String(index);
  url.save(page.state);
  render();
}

const texts = (v) => (Array.isArray(v) ? v.map(texts) : toCellText(v));
const depth = (v) => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
const pair = (v, def) => (v === undefined || v === null ? def : [].concat(v, v).slice(0, 2).map(String));

function applyPreset(id) {
  const example = page.presets.examples.find((e) => e.id === id);
  if (!example || example.op !== 'pool2d') return;
  const p = example.params;
  const s = { ...url.defaults(), present: page.state.present, speed: page.state.speed, seed: page.state.seed };
  s.input = depth(p.input) === 2 ? [texts(p.input)] : texts(p.input);
  s.mode = p.mode ?? 'max';
  s.kernel_size = pair(p.kernel_size, ['2', '2']);
  s.stride = pair(p.stride, s.kernel_size);
  s.padding = pair(p.padding, ['0', '0']);
  s.dilation = pair(p.dilation, ['1', '1']);
  s.ceil_mode = Boolean(p.ceil_mode);
  s.count_include_pad = p.count_include_pad ?? true;
  page.state = s;
  page.pinned = null;
  player.set(0, true);
  page.note = example.description;
  changed('preset');
  $('[data-preset]').value = id;
}

async function main() {
  bindChrome({ url, getState: () => page.state, changed, endpoint: ENDPOINT,
    unpin: () => { page.pinned = null; render(); }, body: () => ({ ...exchange.body, trace: true }) });
  $('[data-preset]').addEventListener('change', (e) => applyPreset(e.target.value));
  page.presets = await api.presets();
  const wanted = url.preset();
  const restored = wanted ? null : url.load();
  if (restored) { page.state = restored; changed('init'); } else applyPreset(wanted || 'pool-max');
}

main();
