// What the transposed page highlights, as a pure function of (response,
// loaded scatter steps, step index, focus). No DOM, no arithmetic of the
// convolution: amounts, running sums and windows are the server's.

/** Arrays of the response as (C, H, W) whatever rank the server used. */
export const as3 = (resp, a) => (resp.output_shape.length === 2 ? [a] : a);

/** Index of input cell [ch, r, c] in the scatter (channels, then rows, then columns). */
export function sourceIndex(resp, [ch, r, c]) {
  const [h, w] = [resp.input[0].length, resp.input[0][0].length];
  return (ch * h + r) * w + c;
}

/** Add gather steps (of the equivalent convolution) to a map by output cell "o,r,c". */
export function addStepsByOut(map, steps) {
  for (const step of steps) map.set(step.out.join(','), step);
  return map;
}

/** Every loaded (step, target) pair writing output cell `out` (not cropped). */
export function contributions(store, out) {
  const key = out.join(',');
  const found = [];
  for (const step of store.all()) {
    step.targets.forEach((t, k) => {
      if (!step.cropped[k] && t.join(',') === key) found.push({ step, k });
    });
  }
  return found.sort((a, b) => a.step.index - b.step.index);
}

/**
 * {mode: "step"|"out"|"loading", step, index, outCell, values, written, sources}
 * - "step": step `index` (the player's, or the hovered input cell's) placing its copy
 * - "out":  output cell focus.out and every copy that lands on it
 */
export function sceneOf(resp, store, index, focus) {
  if (focus && focus.kind === 'out') {
    const found = contributions(store, focus.out);
    return { mode: 'out', outCell: focus.out, found, index,
      values: as3(resp, resp.output), step: store.get(index) || null };
  }
  const at = focus && focus.kind === 'in' ? sourceIndex(resp, [focus.ch, focus.r, focus.c]) : index;
  const step = store.get(at);
  if (!step) return { mode: 'loading', index: at };
  const written = step.targets.map((t, k) => ({ t, k })).filter(({ k }) => !step.cropped[k]);
  return { mode: 'step', index: at, step, written,
    outCell: written.length ? written[0].t : null,
    values: as3(resp, step.running_sum) };
}

