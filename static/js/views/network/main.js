// The network page: a stack of layers (a preset, then edited), one request to
// POST /api/network per change, and the answer as a table with every formula, a
// bar chart per layer and the receptive field of a picked output cell. The URL
// holds the whole stack (packed when long).

import * as api from '../../core/api.js';
import { UrlState, codecs } from '../../core/url-state.js';
import { bindChrome, setStatus, showPresent } from '../../core/page-chrome.js';
import { Exchange } from '../../core/exchange.js';
import { bars } from '../../core/plot.js';
import { StackEditor, TYPES } from './stack.js';
import { LayerTable, opsOf } from './table.js';
import { FieldView } from './field.js';
import { linkOf } from './links.js';

const ENDPOINT = '/api/network';
const { list, text, flag } = codecs;
const url = new UrlState([
  { key: 'net', url: 'net', codec: text, def: 'resnet18' },
  { key: 'shape', url: 'shape', codec: list, def: [] },  // [] : the preset's
  { key: 'layers', url: 'layers', codec: text, def: '' },  // JSON; '' : the preset's
  { key: 'ops', url: 'ops', codec: text, def: 'macs' },
  { key: 'bias', url: 'bias', codec: flag, def: false },
  { key: 'at', url: 'at', codec: text, def: '' },
  { key: 'cell', url: 'cell', codec: list, def: [] },  // [] : the middle cell
  { key: 'present', url: 'present', codec: flag, def: false },
], 'convviz.network.v1', ['net']);

const $ = (sel) => document.querySelector(sel);
const q = (name) => $(`[data-net="${name}"]`);
const page = { state: url.defaults(), presets: [], resp: null };

const stack = new StackEditor(q('stack'), (layers) => {
  page.state.layers = JSON.stringify(layers);
  changed('layers');
});
const table = new LayerTable(q('table'), (path) => {
  page.state.at = path;
  page.state.cell = [];
  changed('pick');
}, linkOf);
const field = new FieldView({ input: q('rf-input'), output: q('rf-output'), text: q('rf-text'),
  caption: q('rf-out-caption'), inSize: q('rf-in-size') }, ([i, j]) => {
  page.state.cell = [String(i), String(j)];
  changed('pick');
});
const exchange = new Exchange({ endpoint: ENDPOINT, call: api.network, shown,
  errors: showErrors, note: () => '', restate: true, drop: true });

const presetOf = (name) => page.presets.find((p) => p.name === name) || null;

/** The stack the state names: its own, else its preset's. */
function layersOf(s) {
  if (s.layers) { try { return JSON.parse(s.layers); } catch { return []; } }
  return presetOf(s.net)?.layers ?? [];
}

function shapeOf(s) {
  return s.shape.length ? s.shape : (presetOf(s.net)?.input_shape ?? [3, 32, 32]).map(String);
}

function toRequest(s) {
  const shape = shapeOf(s).map((v) => (/^\d+$/.test(String(v).trim()) ? Number(v) : v));
  const errors = shape.some((v) => typeof v !== 'number' || v < 1)
    ? [{ field: 'input_shape', msg: 'input: channels, height and width are whole numbers from 1' }] : [];
  const preset = presetOf(s.net);
  if (!s.layers && preset) {
    const same = JSON.stringify(shape) === JSON.stringify(preset.input_shape);
    return { body: same ? { preset: s.net } : { preset: s.net, input_shape: shape }, errors };
  }
  return { body: { input_shape: shape, layers: layersOf(s) }, errors };
}

function look() { return { ops: page.state.ops, bias: page.state.bias }; }

function changed(what) {
  const s = page.state;
  showPresent(s.present);
  url.save(s);
  if (what === 'present') return;
  if (what === 'pick' || what === 'look') { draw(); return; }
  if (what !== 'layers') stack.set(layersOf(s));
  q('count').textContent = `${layersOf(s).length} at the top level`;
  shapeOf(s).forEach((v, i) => { const f = $(`[data-shape="${i}"]`); if (f && document.activeElement !== f) f.value = v; });
  q('json').value = JSON.stringify(layersOf(s), null, 1);
  $('[data-net-preset]').value = s.layers ? '' : s.net;
  const { body, errors } = toRequest(s);
  if (!exchange.hold(errors)) exchange.offer(body);
}

function shown(resp) {
  page.resp = resp;
  q('title').textContent = resp.title + (page.state.layers && resp.preset === null && page.state.net
    ? ` (edited from ${presetOf(page.state.net)?.title ?? page.state.net})` : '');
  q('reference').textContent = resp.reference ? `Source: ${resp.reference}` : '';
  q('note').textContent = resp.note;
  q('convention').textContent = resp.convention;
  draw();
  return drawChart(resp);
}

function draw() {
  const resp = page.resp;
  if (!resp) return;
  const s = page.state;
  const t = resp.total;
  const opsName = s.ops === 'flops' ? 'FLOPs' : 'MACs';
  const biasAdds = resp.layers.filter((r) => ['conv2d', 'conv_transpose2d', 'linear'].includes(r.type))
    .reduce((n, r) => n + r.other_ops, 0);
  const ops = (s.ops === 'flops' ? t.flops : t.macs) + (s.bias ? biasAdds : 0);
  const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const items = [['parameters', t.params.toLocaleString('en-US')],
    [`${opsName}${s.bias ? ' + bias adds' : ''}`, ops.toLocaleString('en-US')],
    ['other operations', t.other_ops.toLocaleString('en-US')],
    ['parameter memory', `${mb(t.parameter_bytes)} (float32)`],
    ['activation memory', `${mb(t.activation_bytes)} (every layer's output, one sample)`],
    ['output', resp.output_shape.join(' × ')], ['layers', String(t.layers)]];
  q('totals').replaceChildren(...items.flatMap(([k, v]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dd.dataset.total = k;
    return [dt, dd];
  }));
  document.querySelectorAll('[data-net="ops"]').forEach((r) => { r.checked = r.value === s.ops; });
  q('bias').checked = s.bias;
  const picked = resp.layers.find((r) => r.path === s.at)
    || [...resp.layers].reverse().find((r) => r.receptive_field) || null;
  table.set(resp, look(), picked ? picked.path : '');
  field.show(resp, picked, s.cell.filter((v) => v !== '').map(Number));
}

function drawChart(resp) {
  const rows = resp.layers.filter((r) => r.params || r.macs);
  return bars(q('chart'), rows.map((r) => `${r.path} ${r.type}`), [
    { name: 'parameters', values: rows.map((r) => r.params) },
    { name: page.state.ops === 'flops' ? 'FLOPs' : 'MACs', values: rows.map((r) => opsOf(r, look())), axis: 2 },
  ]);
}

function showErrors(errors) {
  stack.mark(null);
  for (const slot of document.querySelectorAll('[data-error-for]')) slot.hidden = true;
  for (const e of errors) {
    const loc = e.loc || [e.field];
    if (loc[0] === 'layers' && stack.mark(loc, e.msg)) continue;
    const slot = $(`[data-error-for="${loc[0] === 'input_shape' ? 'input_shape' : 'layers'}"]`);
    slot.textContent = e.msg;
    slot.hidden = false;
  }
}

async function main() {
  bindChrome({ url, getState: () => page.state, changed, endpoint: ENDPOINT,
    unpin: () => {}, body: () => exchange.body });
  page.presets = (await api.networks()).networks;
  const select = $('[data-net-preset]');
  select.append(new Option('(edited)', ''));
  for (const p of page.presets) select.append(new Option(p.title, p.name));
  select.addEventListener('change', () => {
    if (!select.value) return;
    Object.assign(page.state, { net: select.value, layers: '', shape: [], at: '', cell: [] });
    changed('preset');
  });
  const add = q('add-type');
  for (const t of TYPES) add.append(new Option(t, t));
  q('add').addEventListener('click', () => stack.add(add.value));
  q('apply-json').addEventListener('click', () => {
    const err = q('json-error');
    try {
      const layers = JSON.parse(q('json').value);
      if (!Array.isArray(layers)) throw new Error('the stack is a list of layers: [ … ]');
      err.hidden = true;
      page.state.layers = JSON.stringify(layers);
      changed('json');
    } catch (e) {
      err.textContent = `Not applied: ${e.message}`;
      err.hidden = false;
    }
  });
  document.querySelectorAll('[data-shape]').forEach((f) => f.addEventListener('change', () => {
    const shape = shapeOf(page.state).slice();
    shape[Number(f.dataset.shape)] = f.value.trim();
    page.state.shape = shape;
    changed('shape');
  }));
  document.querySelectorAll('[data-net="ops"]').forEach((r) => r.addEventListener('change', () => {
    page.state.ops = r.value;
    changed('look');
    if (page.resp) drawChart(page.resp);
  }));
  q('bias').addEventListener('change', () => {
    page.state.bias = q('bias').checked;
    changed('look');
    if (page.resp) drawChart(page.resp);
  });
  const wanted = url.preset();
  const restored = wanted ? null : url.load();
  if (restored) page.state = restored;
  else if (wanted && presetOf(wanted)) page.state.net = wanted;
  if (!presetOf(page.state.net) && !page.state.layers) page.state.net = 'resnet18';
  changed('init');
  setStatus('');
}

main();
