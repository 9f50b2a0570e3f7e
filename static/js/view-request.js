// Reading a view page's raw-text state into request values: matrices cell by
// cell and whole-number parameters, each problem naming its field (and cell).

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

/** The API's 422 detail as [{field, msg}] (the field is loc[1]). */
export function remoteErrors(err, ApiError) {
  if (err instanceof ApiError) return err.detail.map((d) => ({ field: d.loc[1] ?? 'other', msg: d.msg }));
  return [{ field: 'other', msg: `The server did not answer: ${err.message}` }];
}
