// The signal page (1-D convolution): owns the state, asks POST /api/conv1d, and draws
// the strips, the formula, the stem plots and the per-axis arithmetic for one step
// index; the WaveNet stack below asks for its layers' traces on its own.

import * as api from '../../core/api.js';
import { UrlState, codecs } from '../../core/url-state.js';
import { Fields } from '../../core/fields.js';
import { Player } from '../../core/player.js';
import { bindChrome, placeErrors, setStatus, showPresent } from '../../core/page-chrome.js';
import { Exchange } from '../../core/exchange.js';
import { renderArithmetic } from '../../core/arithmetic.js';
import { seededIntegers } from '../../core/numbers.js';
import { PRESETS } from './presets.js';
import { toRequest } from './request.js';
import { Strips } from './strips.js';
import { drawStems } from './stems.js';
import { drawStack, layerReads } from './stack.js';

const ENDPOINT = '/api/conv1d';
const MAX_FIELD = 8192;  // samples a traced stack may span: each layer's trace is one page
const { text, flag } = codecs;
const url = new UrlState([
  { key: 'input', url: 'x', codec: text, def: '0, 0, 3, 6, 3, 0, 0, 9, 9, 9' },
  { key: 'kernel', url: 'w', codec: text, def: '1/3, 1/3, 1/3' },
  { key: 'bias', url: 'b', codec: text, def: '' },
  { key: 'stride', url: 'stride', codec: text, def: '1' },
  { key: 'dilation', url: 'dilation', codec: text, def: '1' },
  { key: 'pad', url: 'pad', codec: text, def: 'causal' },
  { key: 'left', url: 'left', codec: text, def: '0' },
  { key: 'right', url: 'right', codec: text, def: '0' },
  { key: 'mode', url: 'mode', codec: text, def: 'zeros' },
  { key: 'flip', url: 'flip', codec: flag, def: false },
  { key: 'stack', url: 'stack', codec: text, def: '1, 2, 4, 8' },
  { key: 'stackK', url: 'sk', codec: text, def: '2' },
  { key: 'traced', url: 'traced', codec: text, def: '' },
  { key: 'step', url: 'step', codec: text, def: '0' },
  { key: 'speed', url: 'speed', codec: text, def: '2' },
  { key: 'present', url: 'present', codec: flag, def: false },
], 'convviz.signal.v1', ['x', 'w']);

const $ = (sel) => document.querySelector(sel);
const page = { state: url.defaults(), resp: null, note: '', stackGen: 0 };
const fields = new Fields($('.view-signal'), changed);
const strips = new Strips($('[data-stage-root]'));
const player = new Player($('[data-player-root]'), onStep, (level) => {
  page.state.speed = String(level);
  url.save(page.state);
});
const exchange = new Exchange({ endpoint: ENDPOINT,
  wire: (b) => ({ ...b, trace: true }),
  call: (body, signal) => api.conv1d(body, signal),
  shown: (resp) => {
    page.resp = resp;
    player.setTotal(resp.steps.length);
    player.set(Number(page.state.step) || 0, true);
    renderArithmetic($('[data-s="arithmetic"]'), resp);
    render();
  },
  errors: (errors) => placeErrors(errors, {}, fields),
  note: () => page.note || (page.resp && page.resp.trace.next_start !== null
    ? `The first ${page.resp.steps.length} of ${page.resp.trace.total} outputs are stepped.` : ''),
  restate: true, drop: true });

function changed(what, typing = false) {
  const s = page.state;
  if (!['preset', 'present', 'stack'].includes(what)) page.note = '';
  if (what === 'flip') s.flip = document.querySelector('[data-flip="1"]').checked;
  fields.update(s);
  for (const radio of document.querySelectorAll('[data-flip]')) radio.checked = (radio.dataset.flip === '1') === s.flip;
  const custom = s.pad === 'custom';
  for (const key of ['left', 'right']) $(`[data-param="${key}"]`).disabled = !custom;
  showPresent(s.present);
  if (String(player.speed) !== s.speed) player.setSpeed(s.speed);
  url.save(s);
  if (what === 'present') return;
  if (what === 'stack' || what === 'init' || what === 'preset') drawStackNow();
  if (what === 'stack') return;
  const { body, errors } = toRequest(s);
  if (!exchange.hold(errors)) exchange.offer(body, typing);
}

function render() {
  const resp = page.resp;
  if (!resp) return;
  const step = resp.steps[player.index] || null;
  strips.show(resp, player.index, step);
  drawStems($('[data-s="stems"]'), resp, player.index, step);
}

function onStep(index) {
  page.state.step = String(index);
  url.save(page.state);
  render();
}

/** The dilations typed for the stack: {dilations, k, error}. */
function stackOf(s) {
  const parts = String(s.stack).split(/[\s,;]+/).filter(Boolean);
  const dilations = parts.map(Number);
  const k = Number(s.stackK);
  if (!parts.length || dilations.some((d) => !Number.isInteger(d) || d < 1 || d > 1024)) {
    return { error: 'dilations: whole numbers from 1 to 1024, bottom layer first (e.g. 1, 2, 4, 8)' };
  }
  if (dilations.length > 12) return { error: 'at most 12 layers' };
  if (!Number.isInteger(k) || k < 1 || k > 8) return { error: 'kernel size: a whole number from 1 to 8' };
  const field = 1 + (k - 1) * dilations.reduce((a, d) => a + d, 0);
  if (field > MAX_FIELD) {
    return { error: `this stack sees ${field.toLocaleString('en')} samples: the page traces `
      + `receptive fields of up to ${MAX_FIELD.toLocaleString('en')} (one trace page per layer)` };
  }
  return { dilations, k };
}

async function drawStackNow() {
  const { dilations, k, error } = stackOf(page.state);
  const slotError = $('[data-stack="error"]');
  slotError.hidden = !error;
  slotError.textContent = error || '';
  if (error) return;
  const gen = ++page.stackGen;
  const formula = 1 + (k - 1) * dilations.reduce((a, d) => a + d, 0);
  // Long enough for the last output to see its whole receptive field, and a few more.
  const n = Math.max(16, formula + 3);
  let reads;
  try { reads = await layerReads(dilations, k, n); } catch (err) {
    slotError.hidden = false;
    slotError.textContent = `The server refused the stack: ${err.message}`;
    return;
  }
  if (gen !== page.stackGen) return;
  const wanted = Number(page.state.traced);
  const t = Number.isInteger(wanted) && page.state.traced !== '' && wanted < n ? wanted : n - 1;
  const pick = (u) => { page.state.traced = String(u); url.save(page.state); drawStackNow(); };
  const reached = drawStack($('[data-stack="figure"]'), reads, dilations, t, pick);
  const inputs = [...reached[0]].sort((a, b) => a - b);
  const sum = dilations.join(' + ');
  const count = $('[data-stack="count"]');
  count.dataset.traced = String(inputs.length);
  count.dataset.formula = String(formula);
  count.replaceChildren();
  const line = (cls, words) => { const p = document.createElement('p'); p.className = cls; p.textContent = words; count.append(p); };
  line('traced', `Output ${t} of the top layer is connected to ${inputs.length} input samples, `
    + `x(${inputs[0]}) to x(${inputs[inputs.length - 1]}): its receptive field, counted by following every lit connection down.`);
  line('formula', `Receptive field = 1 + (k − 1)·(${sum}) = 1 + ${k - 1}·${dilations.reduce((a, d) => a + d, 0)} = ${formula}.`);
  line('note', 'WaveNet’s stack of dilations 1, 2, 4, …, 512 with k = 2 reaches 1 + 1,023 = 1,024 samples, '
    + 'not 1,025: each layer reaches d samples further back, Σd = 1,023 in all, plus the present sample.');
}

function applyPreset(id) {
  const preset = PRESETS[id];
  if (!preset) return;
  const keep = { present: page.state.present, speed: page.state.speed };
  page.state = { ...url.defaults(), ...keep, ...preset.state };
  page.note = preset.note;
  player.set(0, true);
  page.state.step = '0';
  changed('preset');
  $('[data-preset]').value = id;
}

function fillSignal(kind) {
  const n = 16;
  const noise = seededIntegers(Number(Date.now() % 1000), n, -3, 3);
  const make = { noise: (t) => (t >= n / 2 ? 5 : 0) + noise[t] / 10,
    impulse: (t) => (t === 4 ? 1 : 0), ramp: (t) => t }[kind];
  page.state.input = Array.from({ length: n }, (_, t) => String(Math.round(make(t) * 10) / 10)).join(', ');
  changed('input');
}

function main() {
  bindChrome({ url, getState: () => page.state, changed, endpoint: ENDPOINT, unpin: () => {},
    body: () => (exchange.body ? { ...exchange.body, trace: true } : null) });
  $('[data-preset]').addEventListener('change', (e) => applyPreset(e.target.value));
  for (const radio of document.querySelectorAll('[data-flip]')) radio.addEventListener('change', () => changed('flip'));
  for (const button of document.querySelectorAll('[data-sig]')) button.addEventListener('click', () => fillSignal(button.dataset.sig));
  const stackInput = (name, key) => $(`[data-stack="${name}"]`).addEventListener('input', (e) => {
    page.state[key] = e.target.value;
    page.state.traced = '';
    changed('stack');
  });
  stackInput('dilations', 'stack');
  stackInput('k', 'stackK');
  const wanted = url.preset();
  const restored = wanted ? null : url.load();
  if (restored) page.state = restored;
  if (wanted && PRESETS[wanted]) { applyPreset(wanted); } else changed('init');
  $('[data-stack="dilations"]').value = page.state.stack;
  $('[data-stack="k"]').value = page.state.stackK;
  setStatus(page.note);
}

main();
