// The lab page's entry point: owns the state, sends it to the API (debounced,
// in trace pages for large inputs) and hands the answer to the views.

import * as api from '../../core/api.js';
import { lab as url } from '../../core/url-state.js';
import { remoteErrors, toRequest } from '../../core/request.js';
import { bindChrome, markPainted, setStatus, showPresent, showTwin } from '../../core/page-chrome.js';
import { MatrixEditor } from '../../core/editor.js';
import { ParamsForm } from '../../core/params.js';
import { Player } from '../../core/player.js';
import { ensurePlotly } from '../../core/plot.js';
import { setGlide } from '../../core/grid.js';
import { ConvStage } from './stage.js';
import { TraceStore, linksOf, stepIndex } from '../../core/trace.js';
import { fromPreset, kernel4, syncKernelChannels, withNamedKernel } from '../../core/conv-state.js';

const SMALL_PAGE = 4096;
const LARGE_PAGE = 512;
const FIELDS = { padding_mode: 'paddingMode', flip_kernel: 'flip' };
// Lecture examples of other operations open in their own view.
const DEFAULT_EXAMPLE = 'stride-3';
const OTHER_VIEWS = { conv_transpose2d: '/transposed', pool2d: '/pool' };

const $ = (sel) => document.querySelector(sel);
const lab = { state: null, resp: null, store: null, links: null, body: null, gen: 0,
  hover: null, pinned: null, pending: new Set(), presets: null, controller: null, timer: null };

const editors = {
  input: new MatrixEditor($('[data-editor="input"]'), 'input', changed),
  kernel: new MatrixEditor($('[data-editor="kernel"]'), 'kernel', changed),
};
const params = new ParamsForm($('.params'), changed);
const player = new Player($('[data-player-root]'), onStep, (level) => {
  lab.state.speed = String(level);
  glideFor(lab.state);
  url.save(lab.state);
});
const stage = new ConvStage($('[data-stage-root]'), (f) => { lab.hover = f; render(); },
  (f) => { lab.pinned = same(lab.pinned, f) ? null : f; render(); });

function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

/** With "glide" on, the window's frame moves over most of a step's time (at most 300 ms;
 * at 20 steps/s and faster there is no time to glide, and it jumps). */
function glideFor(s) {
  const interval = 1000 / Math.max(player.rate || 1, 0.5);
  setGlide(s.glide && interval > 60 ? Math.min(300, 0.7 * interval) : 0);
}

/** Something in the state changed: show it, check it, and ask the server (debounced). */
// Changes that leave the numbers of a lecture example as they were.
const KEEPS_EXAMPLE = new Set(['init', 'preset', 'present', 'hideTodo', 'speed', 'step',
  'whole', 'colors', 'glide']);

function changed(what, typing = false) {
  const s = lab.state;
  if (!KEEPS_EXAMPLE.has(what)) s.example = '';
  showExample(s.example);
  if (what === 'input' || what === 'groups') syncKernelChannels(s);
  if (!typing) { editors.input.update(s); editors.kernel.update(s); }
  params.update(s);
  showPresent(s.present, 'lab');
  $('[data-stage-root]').classList.toggle('quiz', s.hideTodo);
  if (String(player.speed) !== s.speed) player.setSpeed(s.speed);
  const redrawn = stage.setLook({ colors: s.colors, whole: s.whole });
  glideFor(s);
  if (['hideTodo', 'present', 'whole', 'colors', 'glide'].includes(what)) {
    url.save(s);
    if (what !== 'present') render();  // the formula's sums, the output's fill, the colours
    if (redrawn) redrawn.then(() => render());
    return;
  }
  const { body, errors } = toRequest(s);
  showErrors(errors, []);
  url.save(s);
  if (errors.length) {
    clearTimeout(lab.timer);
    setStatus(lab.resp ? 'Showing the last valid result: fix the marked fields.'
      : 'Nothing to show yet: fix the marked fields.', true);
    return;
  }
  // A field losing focus fires "change" again: the same body needs no new request.
  const key = JSON.stringify(body);
  if (key === lab.sentKey && lab.resp) { setStatus(''); return; }
  lab.body = body;
  lab.sentKey = key;
  clearTimeout(lab.timer);
  lab.timer = setTimeout(send, typing ? 160 : 0);
}

function showErrors(local, remote) {
  const all = [...local, ...remote];
  const pick = (...fields) => all.filter((e) => fields.includes(e.field));
  editors.input.showErrors(pick('input'));
  editors.kernel.showErrors(pick('kernel', 'bias'));
  const byField = {};
  for (const e of all) {
    if (['input', 'kernel', 'bias'].includes(e.field)) continue;
    const key = FIELDS[e.field] || (params.field(`${e.field}.h`) || params.field(e.field) ? e.field : 'other');
    (byField[key] = byField[key] || []).push(e.msg);
  }
  params.showErrors(byField);
}

function isLarge(body) {
  const input = lab.state.input[0];
  return input.length > 16 || input[0].length > 16 || body.padding === 'full';
}

async function send() {
  const gen = ++lab.gen;
  if (lab.controller) lab.controller.abort();
  lab.controller = new AbortController();
  const limit = isLarge(lab.body) ? LARGE_PAGE : SMALL_PAGE;
  const step = Number(lab.state.step) || 0;
  const start = Math.floor(step / limit) * limit;
  const body = { ...lab.body, trace: { start, limit } };
  showTwin('/api/conv2d', body);
  try {
    const resp = await api.conv2d(body, lab.controller.signal);
    if (gen !== lab.gen) return;
    if (start > 0 && resp.steps.length === 0) { lab.state.step = '0'; send(); return; }
    showErrors([], []);
    setStatus('');
    lab.resp = resp;
    params.showResolved(resp.padding);
    lab.store = new TraceStore(resp, limit);
    lab.links = linksOf(lab.store.all());
    const original = lab.body.flip_kernel ? kernel4(lab.body.kernel) : null;
    const ready = stage.setData(resp, original);
    player.setTotal(resp.trace.total);
    player.setRow(resp.output_shape[resp.output_shape.length - 1]);
    // The user may have stepped while the request was out: keep where they are now.
    player.set(Number(lab.state.step) || 0, true);
    render();
    if (ready) ready.then(() => { if (gen === lab.gen) render(); });
    markPainted(ready);
  } catch (err) {
    if (err.name === 'AbortError' || gen !== lab.gen) return;
    lab.sentKey = null; // a refused body is asked again next time, so its message stays true
    showErrors([], remoteErrors(err));
    setStatus('The server refused these settings: see the message next to the field.', true);
  }
}

/** Draw the current (step, focus); fetch the trace page it needs if missing. */
function render() {
  if (!lab.resp) return;
  const focus = lab.hover || lab.pinned;
  const need = focus && focus.kind === 'out' ? stepIndex(lab.resp, focus.out) : player.index;
  stage.show(lab.store, lab.links, player.index, focus);
  // One mark, replaced each frame: benchmarks/bench_lab.py times repaints from it.
  performance.clearMarks('convviz:render');
  performance.mark('convviz:render');
  if (!lab.store.has(need)) fetchPage(need);
  else if (!lab.store.complete()) fetchPage(Math.min(lab.store.total - 1, need + 64), true);
}

async function fetchPage(index, quiet = false) {
  const start = lab.store.pageStart(index);
  if (lab.store.has(start) || lab.pending.has(start)) return;
  const gen = lab.gen;
  lab.pending.add(start);
  try {
    const resp = await api.conv2d({ ...lab.body, trace: { start, limit: lab.store.pageSize } });
    if (gen !== lab.gen) return;
    lab.store.add(resp);
    lab.links = linksOf(lab.store.all());
    if (!quiet || !lab.store.has(player.index)) render();
  } catch (err) {
    if (!quiet) setStatus(`Could not load steps from ${start + 1}: ${err.message}`, true);
  } finally {
    lab.pending.delete(start);
  }
}

function onStep(index) {
  lab.state.step = String(index);
  url.save(lab.state);
  render();
}

function applyPreset(id) {
  const example = lab.presets.examples.find((e) => e.id === id);
  if (!example) return;
  const elsewhere = OTHER_VIEWS[example.op];
  if (elsewhere) {
    $('[data-preset]').value = ''; // coming back, the list must not name what is not shown
    window.location.assign(`${elsewhere}?preset=${encodeURIComponent(id)}`);
    return;
  }
  if (example.op !== 'conv2d') return;
  lab.pinned = null;
  lab.state = fromPreset(example.params, { present: lab.state.present, speed: lab.state.speed,
    seed: lab.state.seed });
  lab.state.example = id;
  changed('preset');
}

/** The example's name and description above the stage while its numbers are shown. */
function showExample(id) {
  const note = $('[data-example-note]');
  const example = id && lab.presets ? lab.presets.examples.find((e) => e.id === id) : null;
  note.hidden = !example;
  note.textContent = example ? `${example.name} (deck ${example.deck}): ${example.description}` : '';
  $('[data-preset]').value = example ? id : '';
}

function bindControls() {
  $('[data-preset]').addEventListener('change', (e) => applyPreset(e.target.value));
  $('[data-named-kernel]').addEventListener('change', (e) => {
    const named = lab.presets.kernels.find((k) => k.id === e.target.value);
    if (named) { withNamedKernel(lab.state, named.kernel); changed('kernel'); }
  });
  bindChrome({ url, getState: () => lab.state, changed, endpoint: '/api/conv2d', action: 'lab',
    unpin: () => { lab.pinned = null; render(); }, body: () => ({ ...lab.body, trace: true }) });
}

async function main() {
  bindControls();
  const restored = url.load();
  // A large input is drawn by Plotly: fetch and evaluate it while the page asks the
  // server, not after the server answers (4.8 MB, ~1 s before the first heatmap).
  const rows = restored ? restored.input[0] : [];
  if (rows.length > 16 || (rows[0] || []).length > 16) ensurePlotly();
  lab.presets = await api.presets();
  const names = $('[data-named-kernel]');
  for (const k of lab.presets.kernels) names.append(new Option(k.name, k.id));
  if (restored) lab.state = restored;
  else {
    lab.state = fromPreset(lab.presets.examples.find((e) => e.id === DEFAULT_EXAMPLE).params);
    lab.state.example = DEFAULT_EXAMPLE;
  }
  changed('init');
}

main();
