// The chrome the matrix and backward pages share with the lab: the input and
// kernel editors, the parameter form, the preset and named-kernel selects,
// presentation mode, the shared link, the status line and the error slots.
// The page owns the request and the drawing; this owns the state.

import * as api from './api.js';
import { toRequest } from './request.js';
import { MatrixEditor } from './editor.js';
import { ParamsForm } from './params.js';
import { fromPreset, syncKernelChannels, withNamedKernel } from './lab-state.js';
import { PARAMS, UrlState } from './url-state.js';

const FIELDS = { padding_mode: 'paddingMode', flip_kernel: 'flip' };
const DEFAULT_PRESET = 'matrix-3x3-2x2';
const $ = (sel) => document.querySelector(sel);

export class Shell {
  /**
   * @param page    "matrix" or "backward": the draft key is convviz.<page>.v1
   * @param extra   the page's parameters beyond the lab's ({key, url, codec, def})
   * @param hooks   {changed(what, typing, {body, errors}), unpin(), errorSlots: {field: fn(msgs)}}
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
    this.setStatus(example.description);
  }

  /** Something in the state changed: show it, check it, hand the body to the page. */
  changed(what, typing = false) {
    const s = this.state;
    if (what === 'input' || what === 'groups') syncKernelChannels(s);
    if (!typing) { this.editors.input.update(s); this.editors.kernel.update(s); }
    this.params.update(s);
    document.body.classList.toggle('present', Boolean(s.present));
    $('[data-action-page="present"]').setAttribute('aria-pressed', String(Boolean(s.present)));
    $('[data-stage-root]').classList.toggle('quiz', Boolean(s.hideTodo));
    this.save();
    this.hooks.changed(what, typing, toRequest(s, false));
  }

  save() { return this.url.save(this.state); }

  setStatus(text, stale = false) {
    $('[data-status]').textContent = text;
    $('[data-stage-root]').classList.toggle('stale', stale);
  }

  /** Show local and API errors ({field, msg, where?}) next to the fields they name. */
  showErrors(all) {
    const pick = (...fields) => all.filter((e) => fields.includes(e.field));
    this.editors.input.showErrors(pick('input'));
    this.editors.kernel.showErrors(pick('kernel', 'bias'));
    const byField = {};
    const slots = this.hooks.errorSlots || {};
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
    const present = () => { this.state.present = !this.state.present; this.changed('present'); };
    $('[data-action-page="present"]').addEventListener('click', present);
    $('[data-action-page="share"]').addEventListener('click', async (e) => {
      const link = this.url.link(this.state);
      try { await navigator.clipboard.writeText(link); e.target.textContent = 'Link copied'; } catch {
        e.target.textContent = 'Copy failed: use the address bar';
      }
      setTimeout(() => { e.target.textContent = 'Copy link'; }, 1800);
    });
    document.addEventListener('keydown', (e) => {
      if (e.target.closest && e.target.closest('input, textarea, select')) return;
      if (e.key === 'Escape') this.hooks.unpin();
      if ((e.key === 'p' || e.key === 'P') && !e.ctrlKey && !e.metaKey) present();
    });
  }
}

/** API error details as {field, msg}: the field is the body key the API names. */
export function remoteErrors(err) {
  if (err && Array.isArray(err.detail)) {
    return err.detail.map((d) => ({ field: d.loc[1] ?? 'other', msg: d.msg }));
  }
  return [{ field: 'other', msg: `The server did not answer: ${err.message}` }];
}
