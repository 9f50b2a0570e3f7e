// One chain-rule path from a cell of the picture to the loss, as deck 003 writes one by
// hand: at each stage the output that the cell's gradient owes most to (the largest
// |upstream × local| of its chain rule), every local derivative ∂y/∂x on the way, and
// ∂L/∂y at the end. Their product is this path's share of ∂L/∂x; the sum over every
// path is the gradient itself.

import * as api from '../../core/api.js';

const fmt = (v) => String(Number(v.toPrecision(6))).replace('-', '−');
const ravel = (at, shape) => at.reduce((acc, v, i) => acc * shape[i] + v, 0);
const pos = (at) => (at.length === 3 ? `map ${at[0] + 1}, row ${at[1] + 1}, column ${at[2] + 1}`
  : `feature ${at[0] + 1}`);

function valueAt(nested, at) {
  let v = nested;
  for (const i of at) v = v[i];
  return v;
}

/** {steps: [{level, cell, text}], total: text} for picture cell `at` (counting from 0). */
export async function followPath(body, resp, at) {
  const total = valueAt(resp.stages[0].grad_input, at);
  const steps = [{ level: -1, cell: at, text: `the picture, ${pos(at)} (counting from 1): ∂L/∂x = ${fmt(total)} over all paths` }];
  const factors = [];
  let cell = at;
  let upstream = null;
  for (let k = 0; k < resp.stages.length; k += 1) {
    const stage = resp.stages[k];
    const answer = await api.pipelineBackward({ ...body, outputs: false, reads: false,
      trace: { stage: k, of: 'grad_input', start: ravel(cell, stage.input_shape), limit: 1 } });
    const step = answer.stages[k].steps[0];
    if (!step.terms) {
      steps.push({ level: k, text: `stage ${k + 1} (${stage.op}): every cell of its channel or window takes part, no single path goes on; its chain rule: ${step.formula}` });
      return { steps, total: `The path stops at stage ${k + 1}; ∂L/∂x = ${fmt(total)} over all paths.` };
    }
    if (!step.terms.length) {
      steps.push({ level: k, text: `stage ${k + 1} (${stage.op}): no output takes this cell (it won no window, or is dropped): every path through it is 0` });
      return { steps, total: `∂L/∂x = ${fmt(total)}.` };
    }
    const best = step.terms.reduce((a, b) => (Math.abs(b.product) > Math.abs(a.product) ? b : a));
    factors.push(best.local);
    upstream = best.upstream;
    steps.push({ level: k, cell: best.from, text: `stage ${k + 1} (${stage.op}): on to ${pos(best.from)}, ∂y/∂x = ${fmt(best.local)}${step.term_count > 1 ? ` (the largest of ${step.term_count} terms)` : ''}` });
    cell = best.from;
  }
  steps.push({ level: resp.stages.length - 1, text: `the loss: ∂L/∂y = ${fmt(upstream)}` });
  const share = factors.reduce((a, b) => a * b, 1) * upstream;
  return { steps, total: `This path: ${[...factors, upstream].map((f) => (f < 0 ? `(${fmt(f)})` : fmt(f))).join(' × ')} = ${fmt(share)}; all paths together give ∂L/∂x = ${fmt(total)}.` };
}
