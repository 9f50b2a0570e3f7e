// The volume page (3-D convolution): owns the state, asks POST /api/conv3d and draws
// (answer, step). One step index drives the window in the input slices, the output
// filling in and the formula; a trace longer than a page arrives page by page.

import * as api from '../../core/api.js';
import { UrlState, codecs } from '../../core/url-state.js';
import { Player } from '../../core/player.js';
import { TraceStore } from '../../core/trace.js';
import { Exchange } from '../../core/exchange.js';
import { bindChrome, placeErrors, setStatus, showPresent } from '../../core/page-chrome.js';
import { SliceEditor } from './editor.js';
import { AxisFields } from './fields.js';
import { toRequest } from './request.js';
import { DEFAULT, DEFAULT_NOTE, PRESETS } from './presets.js';
import { VolumeStage } from './stage.js';

const ENDPOINT = '/api/conv3d';
const PAGE = 4096;  // steps per trace page
const { matrix3, list, text, flag } = codecs;
const url = new UrlState([
  { key: 'input', url: 'input', codec: matrix3, def: DEFAULT.input },
  { key: 'kernel', url: 'kernel', codec: matrix3, def: DEFAULT.kernel },
  { key: 'bias', url: 'bias', codec: text, def: '' },
  { key: 'stride', url: 'stride', codec: list, def: ['1', '1', '1'] },
  { key: 'paddingKind', url: 'pad', codec: text, def: 'custom' },
  { key: 'padding', url: 'padding', codec: list, def: ['0', '0', '0'] },
  { key: 'dilation', url: 'dilation', codec: list, def: ['1', '1', '1'] },
  { key: 'paddingMode', url: 'mode', codec: text, def: 'zeros' },
  { key: 'flip', url: 'flip', codec: flag, def: false },
  { key: 'step', url: 'step', codec: text, def: '0' },
  { key: 'speed', url: 'speed', codec: text, def: '2' },
  { key: 'present', url: 'present', codec: flag, def: false },
  { key: 'seed', url: 'seed', codec: text, def: '1' },
  { key: 'example', url: 'ex', codec: text, def: '' },  // the example, until edited
], 'convviz.volume.v1', ['input', 'kernel']);
// The API's field names where the form's differ.
const ALIAS = { padding_mode: 'paddingMode', flip_kernel: 'flip' };

const $ = (sel) => document.querySelector(sel);
const page = { state: url.defaults(), store: null };
const noteOf = (s) => (PRESETS[s.example] ? PRESETS[s.example].note
  : s.example === 'default' ? DEFAULT_NOTE : '');

const editors = {
  input: new SliceEditor($('[data-editor="input"]'), 'input', changed),
  kernel: new SliceEditor($('[data-editor="kernel"]'), 'kernel', changed),
};
const fields = new AxisFields($('.params'), changed);
const player = new Player($('[data-player-root]'), onStep, (level) => {
  page.state.speed = String(level);
  url.save(page.state);
});
const stage = new VolumeStage($('[data-stage-root]'), (index) => player.set(index));
const exchange = new Exchange({ endpoint: ENDPOINT,
  wire: (b) => ({ ...b, trace: { start: 0, limit: PAGE } }),
  call: (body, signal) => api.conv3d(body, signal),
  shown: (resp) => {
    page.store = new TraceStore(resp, PAGE);
    fields.showResolved(resp.padding);
    const ready = stage.setData(resp, page.store);
    player.setTotal(resp.trace.total);
    player.setRow(resp.output_shape[resp.output_shape.length - 1]);
    player.set(Number(page.state.step) || 0, true);
    render();
    return ready;
  },
  errors: (errors) => placeErrors(errors, editors, fields, ALIAS),
  note: () => noteOf(page.state), restate: true, drop: true });

function changed(what, typing = false) {
  const s = page.state;
  // An edit makes the state the user's own: the example's note no longer describes it.
  if (!['init', 'preset', 'present'].includes(what)) {
    s.example = 'edited';
    $('[data-preset]').value = '';
  }
  if (!typing) { editors.input.update(s); editors.kernel.update(s); }
  fields.update(s);
  showPresent(Boolean(s.present));
  if (String(player.speed) !== s.speed) player.setSpeed(s.speed);
  url.save(s);
  if (what === 'present') return;
  const { body, errors } = toRequest(s);
  if (!exchange.hold(errors)) exchange.offer(body, typing);
}

function render() {
  if (!page.store) return;
  stage.show(player.index);
  const i = player.index;
  if (!page.store.has(i)) fetchPage(i);
  else if (i + PAGE < page.store.total && !page.store.has(i + PAGE)) fetchPage(i + PAGE);
}

function fetchPage(index) {
  const store = page.store;
  store.load(index, (start, limit) => api.conv3d({ ...exchange.body, trace: { start, limit } }), {
    done: () => { if (store === page.store) render(); },
    failed: (err, start) => setStatus(`Could not load steps from ${start + 1}: ${err.message}`, true),
  });
}

function onStep(index) {
  page.state.step = String(index);
  url.save(page.state);
  render();
}

/** Load example `id` ('' for the default volume), keeping the presentation settings. */
function applyPreset(id) {
  const keep = { present: page.state.present, speed: page.state.speed, seed: page.state.seed };
  const preset = PRESETS[id];
  page.state = { ...url.defaults(), ...(preset ? preset.state : {}), ...keep,
    example: preset ? id : 'default' };
  page.state = JSON.parse(JSON.stringify(page.state));  // the presets' arrays stay untouched
  player.set(0, true);
  $('[data-preset]').value = preset ? id : '';
  changed('preset');
}

function main() {
  // The kernel editor's 2-D named kernels are the lab's: this page has none of its own.
  $('[data-editor="kernel"] .named').hidden = true;
  bindChrome({ url, getState: () => page.state, changed, endpoint: ENDPOINT,
    unpin: () => {}, body: () => exchange.body && { ...exchange.body, trace: true } });
  $('[data-preset]').addEventListener('change', (e) => applyPreset(e.target.value));
  const wanted = url.preset();
  const restored = wanted === null ? url.load() : null;
  if (restored) {
    page.state = restored;
    $('[data-preset]').value = PRESETS[restored.example] ? restored.example : '';
    changed('init');
  } else applyPreset(wanted || '');
}

main();
