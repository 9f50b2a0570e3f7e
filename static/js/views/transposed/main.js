// The transposed-convolution page: owns the state, asks POST
// /api/conv_transpose2d, and draws (response, step, focus) with the scatter
// on top and the equivalent direct convolution below.

import * as api from '../../core/api.js';
import { UrlState, codecs } from '../../core/url-state.js';
import { MatrixEditor } from '../../core/editor.js';
import { Fields } from '../../core/fields.js';
import { Player } from '../../core/player.js';
import { TraceStore } from '../../core/trace.js';
import { toCellText } from '../../core/numbers.js';
import { matrixOf, pairOf, wholeOf } from '../../core/request.js';
import { bindChrome, placeErrors, setStatus, showPresent } from '../../core/page-chrome.js';
import { Exchange } from '../../core/exchange.js';
import { TransposedStage } from './view.js';

const ENDPOINT = '/api/conv_transpose2d';
// The equivalent convolution's gather steps come in pages of this many output cells:
// the first with the answer, the rest quietly after it (a 129 × 129 output's 16,641
// steps in one answer were 5 MB and most of a parameter change's time).
const EQ_PAGE = 1024;
// Scatter steps per page: each carries the whole running sum, so a page of a large
// output is large; the next page is asked for while the current one is shown.
const SCATTER_PAGE = 32;
const { matrix3, matrix4, list, text, flag } = codecs;
const url = new UrlState([
  { key: 'input', url: 'input', codec: matrix3, def: [[['1', '3', '2'], ['2', '5', '6'], ['7', '1', '3']]] },
  { key: 'kernel', url: 'kernel', codec: matrix4, def: [[[['0', '1'], ['3', '2']]]] },
  { key: 'bias', url: 'bias', codec: list, def: [''] },
  { key: 'stride', url: 'stride', codec: list, def: ['1', '1'] },
  { key: 'padding', url: 'padding', codec: list, def: ['0', '0'] },
  { key: 'output_padding', url: 'outpad', codec: list, def: ['0', '0'] },
  { key: 'dilation', url: 'dilation', codec: list, def: ['1', '1'] },
  { key: 'groups', url: 'groups', codec: text, def: '1' },
  { key: 'step', url: 'step', codec: text, def: '0' },
  { key: 'speed', url: 'speed', codec: text, def: '2' },
  { key: 'present', url: 'present', codec: flag, def: false },
  { key: 'seed', url: 'seed', codec: text, def: '1' },
], 'convviz.transposed.v1', ['input', 'kernel']);

const $ = (sel) => document.querySelector(sel);
const page = { state: url.defaults(), resp: null, store: null, hover: null, pinned: null,
  presets: null, note: '' };

const editors = {
  input: new MatrixEditor($('[data-editor="input"]'), 'input', changed),
  // The kernel is (C_in, C_out/groups, kH, kW): a bias per output channel, not per block.
  kernel: new MatrixEditor($('[data-editor="kernel"]'), 'kernel', changed,
    { outputs: (s) => s.kernel[0].length * Math.max(1, Number(s.groups) || 1) }),
};
const fields = new Fields($('.params'), changed);
const player = new Player($('[data-player-root]'), onStep, (level) => {
  page.state.speed = String(level);
  url.save(page.state);
});
const exchange = new Exchange({ endpoint: ENDPOINT,
  wire: (b) => ({ ...b, trace: { start: 0, limit: SCATTER_PAGE },
    equivalent_trace: { start: 0, limit: EQ_PAGE } }),
  call: api.convTranspose2d,
  shown: (resp) => {
    page.resp = resp;
    page.store = new TraceStore(resp, Math.max(1, resp.trace.count));
    stage.setData(resp);
    loadEquivalent(resp.equivalent.trace.next_start, exchange.gen);
    player.setTotal(resp.trace.total);
    player.set(Number(page.state.step) || 0, true);
    render();
    return stage.ready();
  },
  errors: showErrors, note: () => page.note, restate: true, drop: true });
const stage = new TransposedStage($('[data-stage-root]'), (f) => { page.hover = f; render(); },
  (f) => { page.pinned = JSON.stringify(page.pinned) === JSON.stringify(f) ? null : f; render(); });

/** {body, errors} from the raw state. */
function toRequest(s) {
  const input = matrixOf(s.input, 'input');
  const blocks = s.kernel.map((b, i) => matrixOf(b, 'kernel', [i]));
  const errors = [...input.errors, ...blocks.flatMap((b) => b.errors)];
  const kernel = blocks.map((b) => b.values);
  const body = {
    input: input.values.length === 1 ? input.values[0] : input.values,
    kernel: kernel.length === 1 && kernel[0].length === 1 ? kernel[0][0] : kernel,
  };
  const biasText = s.bias.map((b) => String(b).trim());
  if (biasText.some((b) => b !== '')) {
    const bias = matrixOf([[biasText.map((b) => (b === '' ? '0' : b))]], 'bias');
    bias.errors.forEach((e) => errors.push({ field: 'bias', where: [e.where[2]], msg: e.msg }));
    body.bias = bias.values[0][0].length === 1 ? bias.values[0][0][0] : bias.values[0][0];
  }
  for (const key of ['stride', 'padding', 'output_padding', 'dilation']) {
    const pair = pairOf(s[key], key, key.replace('_', ' '));
    errors.push(...pair.errors);
    body[key] = pair.value;
  }
  const groups = wholeOf(s.groups, 'groups');
  errors.push(...groups.errors);
  body.groups = groups.value;
  return { body, errors };
}

function changed(what, typing = false) {
  const s = page.state;
  if (what !== 'preset' && what !== 'present') page.note = '';
  if (!typing) { editors.input.update(s); editors.kernel.update(s); }
  fields.update(s);
  showPresent(s.present);
  if (String(player.speed) !== s.speed) player.setSpeed(s.speed);
  url.save(s);
  if (what === 'present') return;
  const { body, errors } = toRequest(s);
  if (!exchange.hold(errors)) exchange.offer(body, typing);
}

function showErrors(errors) { placeErrors(errors, editors, fields, { bias: 'kernel' }); }

function render() {
  if (!page.resp) return;
  const focus = page.hover || page.pinned;
  stage.show(page.store, player.index, focus);
  const need = focus && focus.kind === 'in' ? stage.indexOf(focus) : player.index;
  if (need !== null && !page.store.has(need)) fetchPage(need);
  else if (need !== null && need + SCATTER_PAGE < page.store.total && !page.store.has(need + SCATTER_PAGE)) {
    fetchPage(need + SCATTER_PAGE);  // the next page, before the player reaches it
  }
}

function fetchPage(index) {
  const store = page.store;
  store.load(index, (start, limit) => api.convTranspose2d({ ...exchange.body,
    equivalent_trace: false, trace: { start, limit } }), {
    done: () => { if (store === page.store) render(); },
    failed: (err, start) => setStatus(`Could not load steps from ${start + 1}: ${err.message}`, true),
  });
}

/** The equivalent convolution's later gather pages, one after another, while the answer
 * they belong to is the one shown. */
async function loadEquivalent(start, gen) {
  while (start !== null && start !== undefined && gen === exchange.gen) {
    let resp;
    try {
      resp = await api.convTranspose2d({ ...exchange.body, trace: false,
        equivalent_trace: { start, limit: EQ_PAGE } });
    } catch (err) {
      if (gen === exchange.gen) setStatus(`Could not load the direct convolution from cell ${start + 1}: ${err.message}`, true);
      return;
    }
    if (gen !== exchange.gen) return;
    stage.addEqSteps(resp.equivalent.steps);
    render();
    start = resp.equivalent.trace.next_start;
  }
}

function onStep(index) {
  page.state.step = String(index);
  url.save(page.state);
  render();
}

const texts = (v) => (Array.isArray(v) ? v.map(texts) : toCellText(v));
const depth = (v) => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
const pair = (v, def) => (v === undefined ? def : [].concat(v, v).slice(0, 2).map(String));

function applyPreset(id) {
  const example = page.presets.examples.find((e) => e.id === id);
  if (!example || example.op !== 'conv_transpose2d') return;
  const p = example.params;
  const s = { ...url.defaults(), present: page.state.present, speed: page.state.speed,
    seed: page.state.seed };
  s.input = depth(p.input) === 2 ? [texts(p.input)] : texts(p.input);
  s.kernel = depth(p.kernel) === 2 ? [[texts(p.kernel)]] : texts(p.kernel);
  const bias = p.bias === undefined ? [] : [].concat(p.bias).map(toCellText);
  s.bias = bias.length ? bias : [''];  // the kernel editor gives each output channel one
  s.stride = pair(p.stride, ['1', '1']);
  s.padding = pair(p.padding, ['0', '0']);
  s.output_padding = pair(p.output_padding, ['0', '0']);
  s.dilation = pair(p.dilation, ['1', '1']);
  s.groups = String(p.groups ?? 1);
  page.state = s;
  page.pinned = null;
  player.set(0, true);
  changed('preset');
  $('[data-preset]').value = id;
  page.note = example.description;
  setStatus(page.note);
}

async function main() {
  bindChrome({ url, getState: () => page.state, changed, endpoint: ENDPOINT,
    unpin: () => { page.pinned = null; render(); }, body: () => ({ ...exchange.body, trace: true }) });
  $('[data-preset]').addEventListener('change', (e) => applyPreset(e.target.value));
  page.presets = await api.presets();
  const names = $('[data-named-kernel]');
  for (const k of page.presets.kernels) names.append(new Option(k.name, k.id));
  names.addEventListener('change', (e) => {
    const named = page.presets.kernels.find((k) => k.id === e.target.value);
    if (named) { page.state.kernel = [[texts(named.kernel)]]; page.state.bias = ['']; changed('kernel'); }
  });
  const wanted = url.preset();
  const restored = wanted ? null : url.load();
  if (restored) { page.state = restored; changed('init'); } else applyPreset(wanted || 'transposed-stride-1');
}

main();
