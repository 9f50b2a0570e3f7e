// The volume page's state (raw text as typed) as a POST /api/conv3d body, or the local
// problems, each naming its field (and, for a cell, its [depth, row, col]).

import { matrixOf } from '../../core/request.js';
import { parseCell, parseWhole } from '../../core/numbers.js';

const AXES = ['depth', 'height', 'width'];

/** Three whole numbers, one per axis: one number when all agree, else [d, h, w]. */
export function tripleOf(raw, field, name) {
  const parsed = AXES.map((axis, i) => parseWhole(raw[i], `${name} (${axis})`));
  const errors = parsed.filter((p) => p.error).map((p) => ({ field, msg: p.error }));
  const values = parsed.map((p) => p.value);
  return { value: values.every((v) => v === values[0]) ? values[0] : values, errors };
}

/** {body, errors}: the body (trace left to the caller) is sent only when there are no errors. */
export function toRequest(s) {
  const input = matrixOf(s.input, 'input');
  const kernel = matrixOf(s.kernel, 'kernel');
  const errors = [...input.errors, ...kernel.errors];
  const body = { input: input.values, kernel: kernel.values };
  if (String(s.bias ?? '').trim() !== '') {
    const bias = parseCell(s.bias);
    if (bias.error) errors.push({ field: 'bias', msg: `bias: ${bias.error}` });
    body.bias = bias.value ?? 0;
  }
  const stride = tripleOf(s.stride, 'stride', 'stride');
  errors.push(...stride.errors);
  body.stride = stride.value;
  if (s.paddingKind === 'custom') {
    const padding = tripleOf(s.padding, 'padding', 'padding');
    errors.push(...padding.errors);
    body.padding = padding.value;
  } else body.padding = s.paddingKind;
  const dilation = tripleOf(s.dilation, 'dilation', 'dilation');
  errors.push(...dilation.errors);
  body.dilation = dilation.value;
  body.padding_mode = s.paddingMode;
  body.flip_kernel = Boolean(s.flip);
  return { body, errors };
}
