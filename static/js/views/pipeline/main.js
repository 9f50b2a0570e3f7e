// The pipeline page: a picture (a sample, a file, a paste, a drawn digit) through a
// chain of stages, one request to POST /api/pipeline per change (with every stage's
// reads, for the dependency outline), the maps on canvases, and one stage stepped
// through cell by cell. The URL holds the chain, the picture's source and the step.

import * as api from '../../core/api.js';
import { UrlState, codecs, lab, pack } from '../../core/url-state.js';
import { bindChrome, setStatus, showPresent } from '../../core/page-chrome.js';
import { bars } from '../../core/plot.js';
import { Exchange } from '../../core/exchange.js';
import { ownsKey } from '../../core/shortcuts.js';
import { DIGIT, DrawPad, fromFile, pastedImage, sample } from './picture.js';
import { OPS, PRESETS, starter } from './presets.js';
import { Strips } from './strips.js';
import { frameCells as frameCellsOn } from './maps.js';
import { Detail } from './detail.js';
import { followPath } from './path.js';

const ENDPOINT = '/api/pipeline';
const LONG = 1800;
const LAB_CAP = 128; // rows and columns a map carries into the lab
const { text, flag } = codecs;
const url = new UrlState([
  { key: 'preset', url: 'p', codec: text, def: 'sobel-relu-pool' },
  { key: 'source', url: 'src', codec: text, def: '' },
  { key: 'size', url: 'size', codec: text, def: '' },
  { key: 'mode', url: 'mode', codec: text, def: '' },
  { key: 'chain', url: 'chain', codec: text, def: '' }, // JSON as typed; '' : the preset's
  { key: 'look', url: 'look', codec: text, def: 'diverging' },
  { key: 'stage', url: 'st', codec: text, def: '' },
  { key: 'step', url: 'k', codec: text, def: '0' },
  { key: 'digit', url: 'digit', codec: text, def: '' },
  { key: 'pic', url: 'pic', codec: text, def: '' }, // a matrix as JSON (source "given")
  { key: 'back', url: 'back', codec: flag, def: false },
  { key: 'loss', url: 'loss', codec: text, def: 'sum' },
  { key: 'target', url: 'target', codec: text, def: '' },
  { key: 'lr', url: 'lr', codec: text, def: '' },
  { key: 'of', url: 'of', codec: text, def: 'grad_input' },
  { key: 'present', url: 'present', codec: flag, def: false },
], 'convviz.pipeline.v1', ['p']);

const $ = (sel) => document.querySelector(sel);
const q = (name) => $(`[data-pipe="${name}"]`);
const page = { state: url.defaults(), images: [], kernels: {}, resp: null, picture: null,
  file: null, body: null };

const presetOf = (name) => PRESETS.find((p) => p.name === name) || PRESETS[0];
const sourceOf = (s) => s.source || presetOf(s.preset).source;
const modeOf = (s) => s.mode || presetOf(s.preset).mode;
const sizeOf = (s) => (sourceOf(s) === 'draw' ? String(DIGIT) : s.size || String(presetOf(s.preset).size));
const fixedSize = (source) => source === 'draw' || source === 'given';

/** A matrix given in the link, as (C, H, W), or an error in words. */
function givenPicture(s) {
  let m;
  try { m = JSON.parse(s.pic); } catch { return { error: 'the matrix in the link is not JSON' }; }
  if (!Array.isArray(m) || !Array.isArray(m[0])) return { error: 'the matrix in the link is not a 2-D or 3-D list' };
  return { matrix: Array.isArray(m[0][0]) ? m : [m] };
}
const chainText = (s) => s.chain || JSON.stringify(presetOf(s.preset).stages, null, 1);

const strips = new Strips(q('strips'), {
  pick: (k, at) => pick(k, at),
  open: (k, c) => mapLink(k, c),
  read: (t) => { q('readout').textContent = t || 'Hover a cell of any map: every cell it depends on is outlined on the maps before it.'; },
});
const detail = new Detail(q('detail'), {
  body: () => page.body,
  mark: (k, at, step, mode) => {
    if (mode === 'grad_input') {
      strips.held = { k, at, step, grad: true };
      strips.markGrad(k, at, step);
    } else {
      strips.held = { k, at };
      strips.clear(false);
    }
  },
  moved: (step, of) => {
    page.state.step = String(step);
    if (of !== 'forward') page.state.of = of;
    url.save(page.state);
  },
  links: (k) => (page.state.back ? backLinks(k) : stageLinks(k)),
});
const exchange = new Exchange({ endpoint: ENDPOINT,
  call: (body, signal) => (body.loss || body.grad_output !== undefined
    ? api.pipelineBackward(body, signal) : api.pipeline(body, signal)),
  shown, errors: showErrors, note: () => note(), drop: true, wire: (b) => b });
const pad = new DrawPad(q('draw'), (hex) => { page.state.digit = hex; changed('picture'); });

function note() {
  const r = page.resp;
  if (!r) return '';
  const n = `${r.stages.length} stage${r.stages.length === 1 ? '' : 's'} on a ${r.input_shape.join(' × ')} picture`;
  if (r.loss) return `${n}, backwards from L = ${r.loss.value.toPrecision(6)}. Click a map's cell for the chain rule there.`;
  return `${n}. Click a stage's title or a cell to step through it.`;
}

/** The loss of the backward mode, or an error in words. */
function lossOf(s) {
  const raw = s.target.trim();
  if (s.loss === 'given') {
    try { return { grad: JSON.parse(raw), lr: s.lr.trim() ? Number(s.lr) : null }; } catch {
      return { error: 'loss: ΔY is a JSON list of the last output\'s shape' };
    }
  }
  let target = s.loss === 'sum' ? null : 0;
  if (raw) {
    try { target = JSON.parse(raw); } catch {
      return { error: 'loss: the target is a number, a JSON list such as [1, 0, 2], or a class index' };
    }
  }
  const lr = s.lr.trim();
  if (lr && !(Number(lr) >= 0)) return { error: 'loss: the learning rate is a number from 0' };
  return { loss: { type: s.loss, target }, lr: lr ? Number(lr) : null };
}

/** The picture as (C, H, W) integers, from the state's source. */
async function pictureOf(s) {
  const source = sourceOf(s);
  const size = Number(sizeOf(s));
  if (source === 'draw') return pad.matrix();
  if (source === 'given') {
    const given = givenPicture(s);
    if (given.error) throw new Error(given.error);
    return given.matrix;
  }
  if (source === 'file') {
    if (!page.file) throw new Error('open, drop or paste a picture first');
    return fromFile(page.file, size, modeOf(s));
  }
  return sample(source, size, modeOf(s));
}

function parseChain(s) {
  try {
    const stages = JSON.parse(chainText(s));
    if (!Array.isArray(stages)) return { error: 'the chain is a list of stages: [ {"op": …}, … ]' };
    return { stages };
  } catch (e) {
    return { error: `the chain is not valid JSON yet (${e.message})` };
  }
}

let pictureGen = 0;

async function changed(what, typing = false) {
  const s = page.state;
  showPresent(s.present);
  url.save(s);
  if (what === 'present') { if (page.resp) draw(); return; } // the stage's width changed
  syncFields(what);
  if (what === 'look') { if (page.resp) draw(); return; }
  const errors = [];
  const size = Number(sizeOf(s));
  if (!fixedSize(sourceOf(s)) && (!Number.isInteger(size) || size < 16 || size > 512)) {
    errors.push({ field: 'size', msg: 'size: a whole number from 16 to 512' });
  }
  const chain = parseChain(s);
  if (chain.error) errors.push({ field: 'stages', msg: `stages: ${chain.error}` });
  const loss = lossOf(s);
  if (s.back && loss.error) errors.push({ field: 'loss', msg: loss.error });
  if (exchange.hold(errors)) return;
  const gen = ++pictureGen;
  let picture;
  try { picture = await pictureOf(s); } catch (e) {
    if (gen === pictureGen) exchange.hold([{ field: 'input', msg: `input: ${e.message}` }]);
    return;
  }
  if (gen !== pictureGen) return;
  page.picture = picture;
  exchange.hooks.endpoint = s.back ? '/api/pipeline/backward' : ENDPOINT;
  const body = { input: picture, stages: chain.stages, reads: true };
  if (s.back) {
    if (loss.grad !== undefined) body.grad_output = loss.grad;
    else body.loss = loss.loss;
    if (loss.lr !== null) body.learning_rate = loss.lr;
  }
  exchange.offer(body, typing);
}

function syncFields(what) {
  const s = page.state;
  const source = sourceOf(s);
  q('source').value = source;
  const size = q('size');
  if (document.activeElement !== size) size.value = sizeOf(s);
  size.disabled = fixedSize(source);
  if (source === 'given') size.value = '';
  document.querySelectorAll('[data-pipe="mode"]').forEach((r) => { r.checked = r.value === modeOf(s); r.disabled = fixedSize(source); });
  q('source').querySelector('option[value="given"]').hidden = !s.pic;
  document.querySelectorAll('[data-pipe="look"]').forEach((r) => { r.checked = r.value === s.look; });
  q('back').checked = s.back;
  q('loss').value = s.loss;
  for (const name of ['target', 'lr']) if (document.activeElement !== q(name)) q(name).value = s[name];
  q('draw-box').hidden = source !== 'draw';
  if (what !== 'typing') q('json').value = chainText(s);
  $('[data-pipe-preset]').value = s.chain || s.source || s.size || s.mode ? '' : s.preset;
  const chain = parseChain(s);
  if (!chain.error) listStages(chain.stages);
}

function listStages(stages) {
  const list = q('stages');
  q('count').textContent = `${stages.length} stage${stages.length === 1 ? '' : 's'}`;
  list.replaceChildren(...stages.map((st, i) => {
    const li = document.createElement('li');
    li.dataset.index = String(i);
    const label = document.createElement('span');
    label.className = 'pipe-stage-label';
    const args = Object.entries(st).filter(([k]) => k !== 'op').map(([k, v]) => {
      const t = JSON.stringify(v);
      return `${k}=${t.length > 24 ? `${t.slice(0, 21)}…` : t}`;
    }).join(' ');
    label.textContent = `${st.op}${args ? ` ${args}` : ''}`;
    const buttons = [['↑', 'move up', -1], ['↓', 'move down', 1], ['✕', 'remove', 0]].map(([t, what, d]) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = t;
      b.setAttribute('aria-label', `${what} stage ${i + 1}`);
      b.addEventListener('click', () => editChain((list2) => {
        if (d === 0) list2.splice(i, 1);
        else if (i + d >= 0 && i + d < list2.length) [list2[i], list2[i + d]] = [list2[i + d], list2[i]];
      }));
      return b;
    });
    const err = document.createElement('p');
    err.className = 'field-error';
    err.hidden = true;
    li.append(label, ...buttons, err);
    return li;
  }));
}

function editChain(edit) {
  const chain = parseChain(page.state);
  if (chain.error) return;
  edit(chain.stages);
  page.state.chain = JSON.stringify(chain.stages, null, 1);
  page.state.stage = '';
  changed('chain');
}

function shown(resp) {
  page.resp = resp;
  page.body = exchange.body;
  q('picture-shape').textContent = resp.input_shape.join(' × ');
  draw();
}

function draw() {
  const s = page.state;
  const back = Boolean(page.resp.loss !== undefined);
  const k = s.stage === '' ? null : Number(s.stage);
  strips.held = null;
  strips.show(page.resp, page.picture, s.look, k, back);
  q('grads').hidden = !back;
  q('path-panel').hidden = !back;
  if (back) drawGrads(page.resp);
  if (k !== null && k < page.resp.stages.length) detail.show(page.resp, k, Number(s.step) || 0, back, s.of);
  else detail.hide();
}

function drawGrads(resp) {
  const names = resp.stages.map((st, i) => `${i + 1} ${st.op}`);
  const last = resp.stages[resp.stages.length - 1];
  bars(q('gradplot'), ['picture', ...names.map((n) => `after ${n}`)], [{
    name: 'RMS of ∂L/∂',
    values: [...resp.stages.map((st) => st.grad_input_rms), last.grad_output_rms],
  }], { log: true });
  q('loss-line').textContent = resp.loss
    ? `L = ${resp.loss.value.toPrecision(8)}: ${resp.loss.formula}` : 'ΔY given: no loss';
  const updated = resp.stages.filter((st) => st.updated);
  q('updated').replaceChildren(...updated.map((st) => {
    const p = document.createElement('p');
    p.className = 'pipe-formula';
    const parts = Object.entries(st.updated).map(([name, v]) => `${name} := ${JSON.stringify(round(v))}`);
    p.textContent = `After one SGD step (p := p − η·∂L/∂p), stage ${st.index + 1} (${st.op}): ${parts.join('; ')}`;
    return p;
  }));
}

const round = (v) => (Array.isArray(v) ? v.map(round) : Math.round(v * 1e4) / 1e4);

function pick(level, at) {
  const s = page.state;
  const back = page.resp.loss !== undefined;
  const n = page.resp.stages.length;
  if (back && page.pathMode && level === -1 && at) { showPath(at); return; }
  let k = level;
  let shape = level >= 0 ? page.resp.stages[level].output_shape : null;
  if (back && at) {
    // A cell of level L is an input cell of stage L + 1: its chain rule is there.
    k = Math.min(level + 1, n - 1);
    shape = page.resp.stages[k].input_shape;
    if (level + 1 > n - 1) at = null;
  }
  if (k < 0) return;
  let step = 0;
  if (at) step = at.reduce((acc, v, i) => acc * shape[i] + v, 0);
  s.stage = String(k);
  s.step = String(step);
  if (back && at) s.of = 'grad_input';
  url.save(s);
  document.querySelectorAll('.pipe-strip').forEach((el) => el.classList.toggle('is-selected', el.dataset.level === String(k)));
  detail.show(page.resp, k, step, back, s.of);
  q('detail').scrollIntoView({ block: 'nearest' });
}

async function showPath(at) {
  const list = q('path-steps');
  list.replaceChildren();
  q('path-total').textContent = 'Following the path…';
  const path = await followPath(page.body, page.resp, at);
  list.replaceChildren(...path.steps.map((p) => {
    const li = document.createElement('li');
    li.textContent = p.text;
    return li;
  }));
  q('path-total').textContent = path.total;
  strips.wipe();
  for (const p of path.steps) {
    if (!p.cell) continue;
    const L = strips.level(p.level);
    const [c, r, col] = p.cell.length === 3 ? p.cell : [0, Math.floor(p.cell[0] / L.lay.cols), p.cell[0] % L.lay.cols];
    if (L.maps[c]) frameCellsOn(L.maps[c], [[r, col]]);
  }
}

function showErrors(errors) {
  for (const slot of document.querySelectorAll('[data-error-for]')) slot.hidden = true;
  for (const li of q('stages').querySelectorAll('li')) {
    li.classList.remove('has-error');
    li.querySelector('.field-error').hidden = true;
  }
  for (const e of errors) {
    const loc = e.loc || [e.field];
    if (loc[0] === 'stages' && typeof loc[1] === 'number') {
      const li = q('stages').querySelector(`li[data-index="${loc[1]}"]`);
      if (li) {
        li.classList.add('has-error');
        const p = li.querySelector('.field-error');
        p.textContent = e.msg;
        p.hidden = false;
        continue;
      }
    }
    const name = ['size', 'input'].includes(loc[0]) ? loc[0] : 'stages';
    const slot = $(`[data-error-for="${name}"]`);
    slot.textContent = e.msg;
    slot.hidden = false;
  }
}

// ---- links into the other views -------------------------------------------------------

const where = (path, query) => path + (query.length > LONG ? pack(query) : query);
const cellText = (v) => String(Math.round(v * 10000) / 10000);

function inputOfStage(k) {
  return k === 0 ? page.picture : page.resp.stages[k - 1].output;
}

/** "open this map in the lab": map c of stage k as the lab's input (cut to LAB_CAP). */
function mapLink(k, c) {
  const m = page.resp.stages[k].output[c];
  const h = Math.min(m.length, LAB_CAP);
  const w = Math.min(m[0].length, LAB_CAP);
  const cut = m.length > h || m[0].length > w;
  const s = { ...lab.defaults(), input: [m.slice(0, h).map((row) => row.slice(0, w).map(cellText))],
    kernel: [[[['0', '0', '0'], ['0', '1', '0'], ['0', '0', '0']]]], paddingKind: 'same' };
  return { href: where('/', lab.encode(s)),
    title: `Map ${c + 1} of stage ${k + 1} as the lab's input (values to 4 decimals${cut ? `, its top-left ${h} × ${w}` : ''})` };
}

function kernelOf(stage, channels) {
  const k = stage.kernel;
  if (typeof k === 'string' || (Array.isArray(k) && typeof k[0] === 'string')) {
    const names = typeof k === 'string' ? [k] : k;
    const per = channels / (stage.groups || 1);
    return names.map((n) => Array.from({ length: per }, () => page.kernels[n]));
  }
  return k;
}

const pairOf = (v, d) => (v === undefined ? [String(d), String(d)] : (Array.isArray(v) ? v.map(String) : [String(v), String(v)]));

/** Links from stage k into the view that animates its operation, with its input. */
function stageLinks(k, raw = false) {
  const stage = parseChain(page.state).stages?.[k];
  if (!stage) return [];
  const input = inputOfStage(k);
  const shape = k === 0 ? page.resp.input_shape : page.resp.stages[k - 1].output_shape;
  if (shape.length !== 3) return [];
  const cut = Math.min(shape[1], 64) < shape[1] || Math.min(shape[2], 64) < shape[2];
  const crop = (m) => m.slice(0, 64).map((r) => r.slice(0, 64).map(cellText));
  const note = cut ? ` (its input cut to the top-left 64 × 64 of ${shape[1]} × ${shape[2]})` : '';
  if (stage.op === 'conv2d') {
    const kernel = kernelOf(stage, shape[0]);
    const depth = (v) => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
    const k4 = { 2: [[kernel]], 3: [kernel], 4: kernel }[depth(kernel)];
    const s = { ...lab.defaults(), input: input.map(crop),
      kernel: k4.map((f) => f.map((ch) => ch.map((r) => r.map(cellText)))),
      stride: pairOf(stage.stride, 1), dilation: pairOf(stage.dilation, 1),
      groups: String(stage.groups || 1), paddingMode: stage.padding_mode || 'zeros',
      flip: Boolean(stage.flip_kernel) };
    if (typeof stage.padding === 'string') s.paddingKind = stage.padding;
    else s.padding = pairOf(stage.padding, 0);
    if (stage.bias !== undefined && stage.bias !== null) {
      s.bias = (Array.isArray(stage.bias) ? stage.bias : [stage.bias]).map(String);
    }
    if (raw) return [{ query: lab.encode(s) }];
    return [{ href: where('/', lab.encode(s)), text: 'Step through it in the lab',
      title: `This convolution with its input${note}` }];
  }
  const pools = { max_pool2d: 'max', avg_pool2d: 'avg', min_pool2d: 'min' };
  if (pools[stage.op]) {
    const ks = pairOf(stage.kernel_size, 1);
    const parts = [`input=${crop(input[0]).map((r) => r.join(',')).join(';')}`, `mode=${pools[stage.op]}`,
      `k=${ks.join(',')}`, `stride=${(stage.stride === undefined || stage.stride === null ? ks : pairOf(stage.stride, 1)).join(',')}`,
      `padding=${pairOf(stage.padding, 0).join(',')}`];
    return [{ href: where('/pool', `?${parts.join('&')}`), text: 'Step through it in /pool',
      title: `This pooling on the first map of its input${note}` }];
  }
  return [];
}

/** Backward: a convolution stage opens in /backward with its input, kernel and ΔY. */
function backLinks(k) {
  const stage = parseChain(page.state).stages?.[k];
  const st = page.resp.stages[k];
  if (!stage || stage.op !== 'conv2d') return [];
  const [, h, w] = st.input_shape;
  if (h > 64 || w > 64) return []; // /backward is for inputs a lecture steps through
  const grad = st.grad_output.map((m) => m.map((r) => r.map(cellText)));
  return [{ href: backwardPacked(k, grad), text: 'Step through ΔX and ΔW in /backward',
    title: 'This convolution with its input and this ΔY = ∂L/∂(its output)' }];
}

function backwardPacked(k, grad) {
  const [lab0] = stageLinks(k, true);
  return where('/backward', `${lab0.query}&grad=${codecs.matrix3.enc(grad)}`);
}

// ---- start ---------------------------------------------------------------------------

async function openFile(file) {
  if (!file) return;
  page.file = file;
  page.state.source = 'file';
  if (!page.state.size || sourceOf(page.state) === 'draw') page.state.size = '128';
  const option = [...q('source').options].find((o) => o.value === 'file');
  option.hidden = false;
  option.textContent = `your picture: ${file.name || 'pasted'}`;
  changed('picture');
}

async function main() {
  bindChrome({ url, getState: () => page.state, changed, endpoint: ENDPOINT,
    unpin: () => { detail.hide(); page.state.stage = ''; strips.held = null; strips.clear(); url.save(page.state); },
    body: () => exchange.body });
  const [catalogue, presets] = await Promise.all([api.images(), api.presets()]);
  page.images = catalogue.images;
  for (const k of presets.kernels) page.kernels[k.id] = k.kernel;
  const select = $('[data-pipe-preset]');
  select.append(new Option('(edited)', ''));
  for (const p of PRESETS) select.append(new Option(p.title, p.name));
  select.addEventListener('change', () => {
    if (!select.value) return;
    Object.assign(page.state, { preset: select.value, source: '', size: '', mode: '', chain: '', stage: '', step: '0' });
    changed('preset');
  });
  const source = q('source');
  for (const im of page.images) source.append(new Option(`${im.title} (${im.kind}, ${im.licence})`, im.name));
  source.append(new Option('a digit you draw (28 × 28)', 'draw'));
  const givenOption = new Option('the matrix this link carries', 'given');
  givenOption.hidden = true;
  source.append(givenOption);
  const fileOption = new Option('your picture', 'file');
  fileOption.hidden = true;
  source.append(fileOption);
  source.addEventListener('change', () => {
    page.state.source = source.value;
    changed('picture');
  });
  q('size').addEventListener('input', () => { page.state.size = q('size').value.trim(); changed('typing', true); });
  document.querySelectorAll('[data-pipe="mode"]').forEach((r) => r.addEventListener('change', () => {
    page.state.mode = r.value;
    changed('picture');
  }));
  document.querySelectorAll('[data-pipe="look"]').forEach((r) => r.addEventListener('change', () => {
    page.state.look = r.value;
    changed('look');
  }));
  q('file').addEventListener('change', () => openFile(q('file').files[0]));
  const drop = document.body;
  drop.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  drop.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    openFile(e.dataTransfer.files[0]);
  });
  document.addEventListener('paste', (e) => {
    if (e.target.closest && e.target.closest('textarea, input')) return;
    const file = pastedImage(e);
    if (file) { e.preventDefault(); openFile(file); }
  });
  q('back').addEventListener('change', () => { page.state.back = q('back').checked; page.state.stage = ''; changed('back'); });
  q('loss').addEventListener('change', () => { page.state.loss = q('loss').value; changed('loss'); });
  for (const name of ['target', 'lr']) {
    q(name).addEventListener('input', () => { page.state[name] = q(name).value; changed('typing', true); });
  }
  q('path').addEventListener('click', () => {
    page.pathMode = !page.pathMode;
    q('path').setAttribute('aria-pressed', String(page.pathMode));
    q('path').classList.toggle('is-on', page.pathMode);
  });
  q('clear').addEventListener('click', () => { pad.clear(); page.state.digit = pad.hex(); changed('picture'); });
  q('json').addEventListener('input', () => { page.state.chain = q('json').value; page.state.stage = ''; changed('typing', true); });
  q('apply').addEventListener('click', () => { page.state.chain = q('json').value; changed('chain'); });
  const add = q('add-op');
  for (const op of OPS) add.append(new Option(op, op));
  q('add').addEventListener('click', () => editChain((stages) => {
    const last = page.resp?.stages[page.resp.stages.length - 1];
    const n = last ? last.output_shape.reduce((a, b) => a * b, 1) : 1;
    stages.push(starter(add.value, n));
  }));
  document.addEventListener('keydown', (e) => {
    if (ownsKey(e.target, e.key) || !detail.open || e.ctrlKey || e.metaKey || e.altKey) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1 };
    if (e.key in moves) { e.preventDefault(); detail.go(detail.step + moves[e.key]); }
    else if (e.key === 'Home') { e.preventDefault(); detail.go(0); }
    else if (e.key === 'End') { e.preventDefault(); detail.go(detail.total - 1); }
    else if (e.key === ' ') { e.preventDefault(); detail.toggle(); }
  });
  document.addEventListener('keydown', (e) => {
    if (ownsKey(e.target, e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'b' || e.key === 'B') { page.state.back = !page.state.back; page.state.stage = ''; changed('back'); }
  });
  let resized = null;
  window.addEventListener('resize', () => {
    clearTimeout(resized);
    resized = setTimeout(() => { if (page.resp) draw(); }, 150);
  });
  const wanted = url.preset();
  const restored = wanted ? null : url.load();
  if (restored) page.state = restored;
  else if (wanted) page.state.preset = presetOf(wanted).name;
  if (page.state.source === 'file') page.state.source = ''; // a file is not in the link
  pad.load(page.state.digit);
  changed('init');
  setStatus('');
}

main();
