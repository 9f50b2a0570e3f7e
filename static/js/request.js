// From the lab's state (raw text everywhere) to a /api/conv2d request body,
// or to the list of local problems, each naming its field and cell.

import { parseCell, parseWhole } from './numbers.js';

function numbers(slices, field, prefix = []) {
  const errors = [];
  const values = slices.map((s, i) => s.map((row, r) => row.map((cell, c) => {
    const parsed = parseCell(cell);
    if (parsed.error) errors.push({ field, where: [...prefix, i, r, c], msg: parsed.error });
    return parsed.value ?? 0;
  })));
  return { values, errors };
}

function pair(raw, field, name) {
  const h = parseWhole(raw[0], `${name} (height)`);
  const w = parseWhole(raw[1], `${name} (width)`);
  const errors = [h, w].filter((x) => x.error).map((x) => ({ field, msg: x.error }));
  const value = h.value === w.value ? h.value : [h.value, w.value];
  return { value, errors };
}

/** {body, errors}: errors is empty when the body can be sent. */
export function toRequest(state, trace = true) {
  const errors = [];
  const input = numbers(state.input, 'input');
  errors.push(...input.errors);
  const filters = state.kernel.map((f, o) => numbers(f, 'kernel', [o]));
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
  const stride = pair(state.stride, 'stride', 'stride');
  const dilation = pair(state.dilation, 'dilation', 'dilation');
  errors.push(...stride.errors, ...dilation.errors);
  body.stride = stride.value;
  if (state.paddingKind === 'custom') {
    const padding = pair(state.padding, 'padding', 'padding');
    errors.push(...padding.errors);
    body.padding = padding.value;
  } else {
    body.padding = state.paddingKind;
  }
  body.dilation = dilation.value;
  const groups = parseWhole(state.groups, 'groups');
  if (groups.error) errors.push({ field: 'groups', msg: groups.error });
  body.groups = groups.value;
  body.padding_mode = state.paddingMode;
  body.flip_kernel = Boolean(state.flip);
  body.trace = trace;
  return { body, errors };
}
