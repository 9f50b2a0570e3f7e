// The signal page's state (raw text as typed) as a POST /api/conv1d body, or the local
// problems, each naming its field.

import { parseCell, parseWhole } from '../../core/numbers.js';

/** Numbers typed as "1, 2 3; 1/3": {values, errors}; `name` says what they are. */
export function numbersOf(text, field, name) {
  const parts = String(text ?? '').split(/[\s,;]+/).filter((p) => p !== '');
  if (!parts.length) return { values: [], errors: [{ field, msg: `${name}: type at least one number` }] };
  const errors = [];
  const values = parts.map((part, i) => {
    const parsed = parseCell(part);
    if (parsed.error) errors.push({ field, msg: `${name}, number ${i + 1}: ${parsed.error}` });
    return parsed.value ?? 0;
  });
  return { values, errors };
}

function whole(raw, field, name, errors) {
  const parsed = parseWhole(raw, name);
  if (parsed.error) errors.push({ field, msg: parsed.error });
  return parsed.value;
}

/** {body, errors}: the body is sent only when there are no errors. */
export function toRequest(s) {
  const input = numbersOf(s.input, 'input', 'the signal');
  const kernel = numbersOf(s.kernel, 'kernel', 'the kernel');
  const errors = [...input.errors, ...kernel.errors];
  const body = { input: input.values, kernel: kernel.values };
  if (String(s.bias).trim() !== '') {
    const bias = parseCell(s.bias);
    if (bias.error) errors.push({ field: 'bias', msg: `bias: ${bias.error}` });
    body.bias = bias.value ?? 0;
  }
  body.stride = whole(s.stride, 'stride', 'stride', errors);
  body.dilation = whole(s.dilation, 'dilation', 'dilation', errors);
  if (s.pad === 'custom') {
    const left = whole(s.left, 'padding', 'padding on the left', errors);
    const right = whole(s.right, 'padding', 'padding on the right', errors);
    body.padding = left === right ? left : [left, right];
  } else body.padding = s.pad;
  body.padding_mode = s.mode;
  body.flip_kernel = Boolean(s.flip);
  return { body, errors };
}
