// What the matrix and backward pages share with the lab: the input and kernel
// editors, the parameter form, the preset and named-kernel selects, the
// "names" (symbolic) switch, the page chrome, the error slots and the request
// loop (exchange.js). The page says what to ask and draws the answer; this
// owns the state.

import * as api from './api.js';
import { toRequest } from './request.js';
import { MatrixEditor } from './editor.js';
import { ParamsForm } from './params.js';
import { fromPreset, syncKernelChannels, withNamedKernel } from './conv-state.js';
import { PARAMS, UrlState } from './url-state.js';
import { bindChrome, setStatus, showPresent } from './page-chrome.js';
import { Exchange } from './exchange.js';

const FIELDS = { padding_mode: 'paddingMode', flip_kernel: 'flip' };
const DEFAULT_PRESET = 'matrix-3x3-2x2';
const $ = (sel) => document.querySelector(sel);

export class Shell {
  /**
   * @param page    "matrix" or "backward": the draft key is convviz.<page>.v1
   * @param extra   the page's parameters beyond the lab's ({key, url, codec, def})
   * @param hooks   {changed(what, typing, {body, errors}), unpin(), errorSlots: {field: fn(msgs)},
   *                 endpoint, call(body, signal), shown(answer, body)}: the last three for the Exchange
   */
  constructor(page, extra, hooks) {
    // The lab's keys and codecs, so a lab link's query opens here too.
    this.url = new UrlState([...PARAMS, ...extra], `convviz.${page}.v1`, ['input', 'kernel']);
    this.hooks = hooks;
    this.state = null;
    this.presets = null;
    const changed = (what, typing) => this.changed(what, typing);
    this.editors = {
      input: new MatrixEditor($('[data-editor="input"]'), 'input', changed),
      kernel: new MatrixEditor($('[data-editor="kernel"]'), 'kernel', changed),
    };
    this.params = new ParamsForm($('.params'), changed);
    this.errorSlots = { symbolic: showSymbolicError, ...hooks.errorSlots };
    // The status line keeps a preset's description unless it says the result is stale.
    const note = () => ($('[data-stage-root]').classList.contains('stale') ? ''
      : $('[data-status]').textContent);
    const shown = (answer, body) => { this.params.showResolved(answer.padding); return hooks.shown(answer, body); };
    this.exchange = new Exchange({ endpoint: hooks.endpoint, call: hooks.call, shown,
      errors: (all) => this.showErrors(all), note });
  }

  /** Load the presets, then the state from the URL, the draft or deck 001's example. */
  async start() {
    this.bind();
    this.presets = await api.presets();
    const names = $('[data-named-kernel]');
    for (const k of this.presets.kernels) names.append(new Option(k.name, k.id));
    const wanted = this.url.preset();
    const restored = wanted === null ? this.url.load() : null;
    if (restored) {
      this.state = restored;
      this.changed('init');
    } else {
      this.applyPreset(wanted || DEFAULT_PRESET, true);
    }
  }

  applyPreset(id, initial = false) {
    const example = this.presets.examples.find((e) => e.id === id && e.op === 'conv2d')
      || this.presets.examples.find((e) => e.id === DEFAULT_PRESET);
    const keep = this.state ? { present: this.state.present, speed: this.state.speed,
      seed: this.state.seed, symbolic: this.state.symbolic } : {};
    this.state = { ...this.url.defaults(), ...fromPreset(example.params), ...keep };
    $('[data-preset]').value = example.id;
    this.hooks.unpin();
    this.changed(initial ? 'init' : 'preset');
    setStatus(example.description);
  }

  /** Something in the state changed: show it, check it, hand the body to the page. */
  changed(what, typing = false) {
    const s = this.state;
    if (what === 'input' || what === 'groups') syncKernelChannels(s);
    if (!typing) { this.editors.input.update(s); this.editors.kernel.update(s); }
    this.params.update(s);
    $('[data-symbolic]').checked = Boolean(s.symbolic);
    showPresent(Boolean(s.present));
    $('[data-stage-root]').classList.toggle('quiz', Boolean(s.hideTodo));
    this.save();
    this.hooks.changed(what, typing, toRequest(s, false));
  }

  save() { return this.url.save(this.state); }

  /** Show local and API errors ({field, msg, where?}) next to the fields they name. */
  showErrors(all) {
    const pick = (...fields) => all.filter((e) => fields.includes(e.field));
    this.editors.input.showErrors(pick('input'));
    this.editors.kernel.showErrors(pick('kernel', 'bias'));
    const byField = {};
    const slots = this.errorSlots;
    for (const [field, show] of Object.entries(slots)) show(pick(field));
    for (const e of all) {
      if (['input', 'kernel', 'bias'].includes(e.field) || e.field in slots) continue;
      const key = FIELDS[e.field]
        || (this.params.field(`${e.field}.h`) || this.params.field(e.field) ? e.field : 'other');
      (byField[key] = byField[key] || []).push(e.msg);
    }
    this.params.showErrors(byField);
  }

  bind() {
    $('[data-preset]').addEventListener('change', (e) => { if (e.target.value) this.applyPreset(e.target.value); });
    $('[data-named-kernel]').addEventListener('change', (e) => {
      const named = this.presets.kernels.find((k) => k.id === e.target.value);
      if (named) { withNamedKernel(this.state, named.kernel); this.changed('kernel'); }
    });
    $('[data-symbolic]').addEventListener('change', (e) => {
      this.state.symbolic = e.target.checked;
      this.changed('symbolic');
    });
    bindChrome({ url: this.url, getState: () => this.state, changed: (what) => this.changed(what),
      unpin: () => this.hooks.unpin(), endpoint: this.hooks.endpoint, body: () => this.exchange.body });
  }
}

function showSymbolicError(errors) {
  const slot = $('[data-error-for="symbolic"]');
  slot.textContent = errors.map((e) => e.msg).join(' ');
  slot.hidden = errors.length === 0;
}
