// From a page's state (raw text everywhere) to a request body, or to the list
// of local problems, each naming its field (and cell); and the API's refusals
// in the same {field, msg} shape.

import { ApiError } from './api.js';
import { parseCell, parseWhole } from './numbers.js';

/** Slices (C, H, W) of cell text → {values, errors}; `prefix` leads each error's `where`. */
export function matrixOf(slices, field, prefix = []) {
  const errors = [];
  const values = slices.map((s, i) => s.map((row, r) => row.map((cell, c) => {
    const parsed = parseCell(cell);
    if (parsed.error) errors.push({ field, where: [...prefix, i, r, c], msg: parsed.error });
    return parsed.value ?? 0;
  })));
  return { values, errors };
}

/** A per-axis pair of whole numbers: one number when both agree, else [h, w]. */
export function pairOf(raw, field, name) {
  const h = parseWhole(raw[0], `${name} (height)`);
  const w = parseWhole(raw[1], `${name} (width)`);
  const errors = [h, w].filter((x) => x.error).map((x) => ({ field, msg: x.error }));
  return { value: h.value === w.value ? h.value : [h.value, w.value], errors };
}

/** One whole number. */
export function wholeOf(raw, field) {
  const parsed = parseWhole(raw, field);
  return { value: parsed.value, errors: parsed.error ? [{ field, msg: parsed.error }] : [] };
}

/** The API's 422 detail as [{field, msg}] (the field is loc[1]); other failures under "other". */
export function remoteErrors(err) {
  if (err instanceof ApiError) {
    return err.detail.map((d) => ({ field: d.loc[1] ?? 'other', msg: d.msg, loc: d.loc.slice(1) }));
  }
  return [{ field: 'other', msg: `The server did not answer: ${err.message}` }];
}

/** The lab's state as a /api/conv2d body: {body, errors}, errors empty when it can be sent. */
export function toRequest(state, trace = true) {
  const errors = [];
  const input = matrixOf(state.input, 'input');
  errors.push(...input.errors);
  const filters = state.kernel.map((f, o) => matrixOf(f, 'kernel', [o]));
  filters.forEach((f) => errors.push(...f.errors));
  const kernel = filters.map((f) => f.values);

  const body = {
    input: input.values.length === 1 ? input.values[0] : input.values,
    kernel: kernel.length === 1 && kernel[0].length === 1 ? kernel[0][0] : kernel,
  };
  const biasText = state.bias.map((b) => String(b).trim());
  if (biasText.some((b) => b !== '')) {
    const bias = biasText.map((b, o) => {
      const parsed = parseCell(b === '' ? '0' : b);
      if (parsed.error) errors.push({ field: 'bias', where: [o], msg: parsed.error });
      return parsed.value ?? 0;
    });
    body.bias = bias.length === 1 ? bias[0] : bias;
  }
  const stride = pairOf(state.stride, 'stride', 'stride');
  const dilation = pairOf(state.dilation, 'dilation', 'dilation');
  errors.push(...stride.errors, ...dilation.errors);
  body.stride = stride.value;
  if (state.paddingKind === 'custom') {
    const padding = pairOf(state.padding, 'padding', 'padding');
    errors.push(...padding.errors);
    body.padding = padding.value;
  } else {
    body.padding = state.paddingKind;
  }
  body.dilation = dilation.value;
  const groups = wholeOf(state.groups, 'groups');
  errors.push(...groups.errors);
  body.groups = groups.value;
  body.padding_mode = state.paddingMode;
  body.flip_kernel = Boolean(state.flip);
  body.trace = trace;
  return { body, errors };
}
