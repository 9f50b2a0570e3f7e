// Pure helpers for the backward page (no DOM): which step a player index is,
// the lines of the formula panel for a ΔX scatter step or a ΔW gather step,
// numeric and (with the API's names) symbolic. Values come from the traces.

import { fmt, fmtFactor } from './numbers.js';
import { cellLabel } from './matrix-model.js';

/** The kernel as sent, as 4-D; any nested array of depth 2, 3 or 4. */
export function as4(k) {
  const depth = (v) => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
  const d = depth(k);
  return d === 2 ? [[k]] : d === 3 ? [k] : k;
}

/** ΔX steps come first, then ΔW steps: {phase, k, step} for player index i. */
export function phaseOf(resp, i) {
  const nx = resp.trace.total;
  if (i < nx) return { phase: 'dx', k: i, step: resp.steps.find((s) => s.index === i) || null };
  const k = i - nx;
  return { phase: 'dw', k, step: resp.kernel_steps.find((s) => s.index === k) || null };
}

/** Applied tap "o,ci,r,c" → the weight [o, ci, r, c] as given (from the ΔW trace). */
export function tapWeights(resp) {
  const map = new Map();
  for (const s of resp.kernel_steps) map.set([s.weight[0], s.weight[1], ...s.tap].join(','), s.weight);
  return map;
}

const at = (nested, idx) => idx.reduce((v, i) => v[i], nested);

/**
 * The ΔX lines at scatter step k: one per input cell the step reaches, its sum so far.
 * ctx: {resp, kernel (4-D as sent), taps (tapWeights), names (resp.symbolic or null),
 *       shape: [cin, h, w], kw, gradLabel(ch, r, c)}
 */
export function dxLines(ctx, k) {
  const { resp, kernel, taps, names, shape, kw } = ctx;
  const [cin, h, w] = shape;
  const steps = resp.steps.filter((s) => s.index <= k);
  const current = steps.find((s) => s.index === k);
  if (!current) return [];
  const lines = [];
  const seen = new Set();
  current.channels.forEach((ch, ci) => current.targets.forEach((target) => {
    if (!target) return;
    const flat = (ch * h + target[0]) * w + target[1];
    if (seen.has(flat)) return;
    seen.add(flat);
    const numeric = [];
    for (const s of steps) {
      const sci = s.channels.indexOf(ch);
      if (sci < 0) continue;
      s.targets.forEach((t, tap) => {
        if (!t || t[0] !== target[0] || t[1] !== target[1]) return;
        const wt = taps.get([s.source[0], sci, Math.floor(tap / kw), tap % kw].join(','));
        const wv = wt ? at(kernel, wt) : null;
        numeric.push([fmtFactor(s.grad), wv === null ? '?' : fmtFactor(wv), s.index === k]);
      });
    }
    const run = current.running_sum;
    const value = cin > 1 || Array.isArray(run[0][0]) ? run[ch][target[0]][target[1]] : run[target[0]][target[1]];
    const label = `δ${cellLabel('x', ch, target[0], target[1], cin)}`;
    if (names) {
      const f = names.grad_input[flat];
      const sources = new Set(steps.map((s) => ctx.gradLabel(...s.source)));
      const now = ctx.gradLabel(...current.source);
      lines.push({ label: f.label, terms: f.terms.filter(([dy]) => sources.has(dy))
        .map(([dy, wn]) => [dy, wn, dy === now]), sum: '' });
    }
    lines.push({ label: names ? '' : label, terms: numeric, sum: fmt(value) });
    void ci;
  }));
  return lines;
}

/** The ΔW line of gather step `step`: δw = Σ δy·x over the output cells. */
export function dwLines(ctx, step) {
  const { names } = ctx;
  const lines = [];
  if (names) {
    const f = names.grad_kernel[step.index];
    lines.push({ label: f.label, terms: f.terms.map(([a, b]) => [a, b]), sum: '' });
  }
  lines.push({ label: names ? '' : ctx.weightLabel(step.weight),
    terms: step.grads.map((g, i) => [fmtFactor(g), fmtFactor(step.inputs[i])]),
    sum: fmt(step.value) });
  return lines;
}
