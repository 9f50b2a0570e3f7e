// Changes to the lab's state that are more than one field: loading a preset
// or a named kernel, keeping the kernel's channels in step with the input.

import { toCellText } from './numbers.js';
import { defaults } from './url-state.js';

const depth = (v) => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
const texts = (nested) => (Array.isArray(nested) ? nested.map(texts) : toCellText(nested));
const pair = (v, def) => (v === undefined ? def : Array.isArray(v) ? v.map(String)
  : [String(v), String(v)]);

/** A fresh state from a preset's request body (presets of op "conv2d"). */
export function fromPreset(params, keep = {}) {
  const state = { ...defaults(), ...keep };
  state.input = depth(params.input) === 2 ? [texts(params.input)] : texts(params.input);
  const k = params.kernel;
  state.kernel = depth(k) === 2 ? [[texts(k)]] : depth(k) === 3 ? [texts(k)] : texts(k);
  const bias = params.bias === undefined ? [] : [].concat(params.bias).map(toCellText);
  state.bias = state.kernel.map((_, o) => bias[bias.length === 1 ? 0 : o] ?? '');
  state.stride = pair(params.stride, ['1', '1']);
  state.dilation = pair(params.dilation, ['1', '1']);
  if (typeof params.padding === 'string') {
    state.paddingKind = params.padding;
    state.padding = ['0', '0'];
  } else {
    state.paddingKind = 'custom';
    state.padding = pair(params.padding, ['0', '0']);
  }
  state.groups = String(params.groups ?? 1);
  state.paddingMode = params.padding_mode ?? 'zeros';
  state.flip = Boolean(params.flip_kernel);
  state.step = '0';
  return state;
}

/** One filter of a named kernel, repeated over the channels each filter reads. */
export function withNamedKernel(state, kernel) {
  const slice = texts(kernel);
  const perFilter = state.kernel[0].length;
  state.kernel = [Array.from({ length: perFilter }, () => slice.map((row) => [...row]))];
  state.bias = [state.bias[0] ?? ''];
}

/** Give every filter C_in / groups channels (copying its last one) when that divides. */
export function syncKernelChannels(state) {
  const groups = Number(state.groups);
  const cin = state.input.length;
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0) return;
  const want = cin / groups;
  state.kernel = state.kernel.map((filter) => {
    const next = filter.slice(0, want);
    while (next.length < want) next.push(next[next.length - 1].map((row) => [...row]));
    return next;
  });
}

/** The kernel of a request body as 4-D (C_out, C_in/groups, kH, kW). */
export function kernel4(kernel) {
  const d = depth(kernel);
  return d === 2 ? [[kernel]] : d === 3 ? [kernel] : kernel;
}
