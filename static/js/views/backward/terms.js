// Pure helpers for the backward page (no DOM): shapes and indices of the
// response, which step a player index is, and the lines of the formula panel
// for a ΔX scatter step, a ΔX cell, a ΔY cell or a ΔW gather step, numeric
// and (with the API's names) symbolic. Every value comes from the traces.

import { fmt, fmtFactor } from '../../core/numbers.js';
import { cellLabel } from '../../core/names.js';

const MAX_TERMS = 36; // terms written out in one ΔW line
const depth = (v) => (Array.isArray(v) ? 1 + depth(v[0]) : 0);

/** The kernel as sent, as 4-D; any nested array of depth 2, 3 or 4. */
export function as4(k) {
  const d = depth(k);
  return d === 2 ? [[k]] : d === 3 ? [k] : k;
}

/** A map of one or more channels as 3-D. */
export const as3 = (a) => (depth(a) === 2 ? [a] : a);

const at = (nested, idx) => idx.reduce((v, i) => v[i], nested);

/**
 * Everything the views read about one response, derived once.
 * input and kernel as sent; names: resp.symbolic or null.
 */
export function contextOf(resp, input, kernel, names) {
  const x = as3(input);
  const k = as4(kernel);
  const dy = as3(resp.grad_output);
  const [cout, g, kh, kw] = [k.length, k[0].length, k[0][0].length, k[0][0][0].length];
  return {
    resp, x, kernel: k, dy, names, dx: as3(resp.grad_input), dk: as4(resp.grad_kernel),
    shape: [x.length, x[0].length, x[0][0].length], kshape: [cout, g, kh, kw],
    dyShape: [dy.length, dy[0].length, dy[0][0].length],
    padding: [resp.padding[0][0], resp.padding[1][0]],
    gradLabel: (o, r, c) => `δ${cellLabel('y', o, r, c, cout)}`,
    xLabel: (ch, r, c) => `δ${cellLabel('x', ch, r, c, x.length)}`,
    weightLabel: ([o, ci, r, c]) => `δ${cellLabel('w', ci, r, c, g)}${cout > 1 ? ` (filter ${o + 1})` : ''}`,
  };
}

/** The input channel that channel ci of filter o reads: its group's offset plus ci (trace.js channelsOf). */
export function inputChannel(ctx, o, ci) {
  const [cout, g] = ctx.kshape;
  return Math.floor(o / (cout / ctx.resp.groups)) * g + ci;
}

/** ΔW step index of weight [o, ci, r, c] of the kernel as given (the trace's order). */
export function weightIndex(ctx, [o, ci, r, c]) {
  const [, g, kh, kw] = ctx.kshape;
  return ((o * g + ci) * kh + r) * kw + c;
}

/** ΔX step index of ΔY cell [o, r, c]: steps run channel, row, column. */
export function gradIndex(ctx, [o, r, c]) {
  const [, ho, wo] = ctx.dyShape;
  return (o * ho + r) * wo + c;
}

/** The weight [o, ci, r, c] as given behind tap t of the applied kernel (rotated 180° when flipped). */
export function givenWeight(ctx, o, ci, t) {
  const [, , kh, kw] = ctx.kshape;
  const [r, c] = [Math.floor(t / kw), t % kw];
  return ctx.resp.flip_kernel ? [o, ci, kh - 1 - r, kw - 1 - c] : [o, ci, r, c];
}

/** ΔX steps come first, then ΔW steps: {phase, k, step} for player index i (step undefined until loaded). */
export function phaseOf(traces, i) {
  const nx = traces.dx.total;
  if (i < nx) return { phase: 'dx', k: i, step: traces.dx.get(i) };
  return { phase: 'dw', k: i - nx, step: traces.dw.get(i - nx) };
}

/** What step s scatters to input cell [ch, r, c]: [{weight, w, amount}] (a padding copy may bring several). */
export function contributions(ctx, s, [ch, r, c]) {
  const out = [];
  s.channels.forEach((sch, ci) => {
    if (sch !== ch) return;
    s.targets.forEach((t, tap) => {
      if (!t || t[0] !== r || t[1] !== c) return;
      const weight = givenWeight(ctx, s.source[0], ci, tap);
      out.push({ weight, w: at(ctx.kernel, weight), amount: s.amounts[ci][tap] });
    });
  });
  return out;
}

/** The input cells step s reaches, once each, as [ch, r, c]. */
export function targetsOf(s) {
  const seen = new Map();
  s.channels.forEach((ch, ci) => s.targets.forEach((t, tap) => {
    if (t) seen.set(`${ch},${t[0]},${t[1]}`, { cell: [ch, t[0], t[1]], ci, tap });
  }));
  return [...seen.values()];
}

function symbolicLine(ctx, cell, keep) {
  const [, h, w] = ctx.shape;
  const f = ctx.names.grad_input[(cell[0] * h + cell[1]) * w + cell[2]];
  return { label: f.label, terms: f.terms.filter(([dy]) => keep(dy)).map(([dy, wn]) => [dy, wn, false]), sum: '' };
}

/**
 * The ΔX lines at scatter step k: one per input cell it reaches, with its sum so far.
 * With every step 0…k loaded each term is listed; otherwise the sum before the step
 * (ΔX of step k − 1, from the server) stands for the earlier terms.
 */
export function dxLines(ctx, traces, k) {
  const current = traces.dx.get(k);
  const complete = traces.dxUpTo(k);
  const steps = complete ? Array.from({ length: k + 1 }, (_, i) => traces.dx.get(i)) : [current];
  const before = k > 0 ? traces.dx.get(k - 1) : null;
  const now = ctx.gradLabel(...current.source);
  const lines = [];
  for (const { cell } of targetsOf(current)) {
    const terms = [];
    for (const s of steps) {
      for (const t of contributions(ctx, s, cell)) terms.push([fmtFactor(s.grad), fmtFactor(t.w), s.index === k]);
    }
    const value = at(as3(current.running_sum), cell);
    if (ctx.names && complete) {
      const sources = new Set(steps.map((s) => ctx.gradLabel(...s.source)));
      const line = symbolicLine(ctx, cell, (dy) => sources.has(dy));
      line.terms.forEach((term) => { term[2] = term[0] === now; });
      lines.push(line);
    }
    const prev = complete || k === 0 ? null : before ? fmt(at(as3(before.running_sum), cell)) : '…';
    lines.push({ label: ctx.names && complete ? '' : ctx.xLabel(...cell),
      op: prev === null ? ' = ' : ` = ${prev} + `, terms, sum: fmt(value) });
  }
  return lines;
}

/** A hovered ΔX cell: every loaded step that scatters to it. [{s, weight, w, amount}] */
export function feedsOf(ctx, traces, cell) {
  const found = [];
  for (const s of traces.dx.all()) for (const t of contributions(ctx, s, cell)) found.push({ s, ...t });
  return found.sort((a, b) => a.s.index - b.s.index);
}

/** The lines of a hovered ΔX cell: δx = Σ δy·w = ΔX (the final value). */
export function feedLines(ctx, traces, cell, feeds) {
  const lines = [];
  const complete = traces.dx.complete();
  if (ctx.names) lines.push(symbolicLine(ctx, cell, () => true));
  lines.push({ label: ctx.names ? '' : ctx.xLabel(...cell),
    terms: feeds.map((f) => [fmtFactor(f.s.grad), fmtFactor(f.w)]),
    tail: complete ? '' : ' + … (steps not loaded yet)', sum: fmt(at(ctx.dx, cell)) });
  return lines;
}

/** The lines of a hovered ΔY cell (its scatter step): δx += δy·w per input cell it reaches. */
export function scatterLines(ctx, s) {
  return targetsOf(s).flatMap(({ cell }) => contributions(ctx, s, cell).map((t) => ({
    label: ctx.xLabel(...cell), op: ' += ', terms: [[fmtFactor(s.grad), fmtFactor(t.w)]], sum: fmt(t.amount) })));
}

/** The ΔW line of gather step `step`: δw = Σ δy·x over the output cells. */
export function dwLines(ctx, step) {
  const lines = [];
  if (ctx.names) {
    const f = ctx.names.grad_kernel[step.index];
    lines.push({ label: f.label, terms: f.terms.map(([a, b]) => [a, b]), sum: '' });
  }
  // Under the names, the numbers follow them term by term: the names leave out the taps
  // that read padding (0), so the numbers do too, and say so.
  const kept = step.grads.map((_, i) => i).filter((i) => !(ctx.names && step.padding[i]));
  const padded = step.grads.length - kept.length;
  // A large map would fill the screen with terms: the first ones, then how many more.
  const shown = kept.length > MAX_TERMS ? MAX_TERMS - 4 : kept.length;
  const more = kept.length - shown;
  lines.push({ label: ctx.names ? '' : ctx.weightLabel(step.weight),
    terms: kept.slice(0, shown).map((i) => [fmtFactor(step.grads[i]), fmtFactor(step.inputs[i])]),
    tail: (more ? ` + … (${more} more terms, one per ΔY cell)` : '')
      + (padded ? ` (and ${padded} padding tap${padded > 1 ? 's' : ''} reading 0)` : ''),
    sum: fmt(step.value) });
  return lines;
}
