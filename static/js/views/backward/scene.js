// What the backward page lights, as a pure function of (context, loaded
// traces, player index, focus). Animation and hover are one code path: a
// focus replaces the step's marks, the step keeps the values and the progress.
// No DOM here.
//
// focus: null | {kind: "dx", cell: [ch, r, c]} | {kind: "dy", cell: [o, r, c]}
//        | {kind: "w", weight: [o, ci, r, c]}   (a kernel or ΔW tap)

import { fmt } from '../../core/numbers.js';
import { contributions, dwLines, dxLines, feedLines, feedsOf, gradIndex, inputChannel,
  phaseOf, scatterLines, targetsOf, weightIndex } from './terms.js';

const push = (marks, ch, item) => { (marks[ch] = marks[ch] || []).push(item); };
const empty = () => ({ tap: {}, linked: {}, focus: {}, labels: {} });

/**
 * @returns {{filter, dxStep, dyCurrent, dwCurrent, need: [[trace, i]], marks: {x, dx, k, dw, dy},
 *            formula: {title, where, lines}}}
 *   dxStep: the ΔX step whose running sum ΔX shows (null: the final ΔX; undefined: keep)
 */
export function sceneOf(ctx, traces, index, focus) {
  const marks = { x: empty(), dx: empty(), k: empty(), dw: empty(), dy: empty() };
  const { phase, k, step } = phaseOf(traces, index);
  const scene = { filter: null, marks, need: [], dxStep: null, dyCurrent: null, dwCurrent: -1 };
  if (phase === 'dx') {
    scene.need.push(['dx', k]);
    if (!traces.dxUpTo(k)) scene.need.push(['dx', k - 1]);
    scene.dxStep = step; // undefined until loaded: ΔX keeps what it shows
    scene.dyCurrent = k;
  } else {
    scene.need.push(['dw', k]);
    scene.dwCurrent = k;
  }
  if (focus) return hover(ctx, traces, scene, focus);
  if (!step) {
    scene.formula = { title: '…', where: 'Loading this step…', lines: [] };
    return scene;
  }
  if (phase === 'dx') {
    scatter(ctx, scene, step, true);
    const name = ctx.gradLabel(...step.source);
    scene.formula = { title: `${name} = ${fmt(step.grad)} scattered back`,
      where: `ΔX step ${k + 1} of ${traces.dx.total}: each cell of its window gets ${name}·w (running sums)`,
      lines: dxLines(ctx, traces, k) };
  } else {
    gather(ctx, scene, step);
    scene.formula = { title: ctx.weightLabel(step.weight),
      where: `ΔW step ${k + 1} of ${traces.dw.total}: this weight gathers δy·x over every output cell`,
      lines: dwLines(ctx, step) };
  }
  return scene;
}

/** A scatter step: its ΔY cell, the input cells it reaches with the amounts, its filter. */
function scatter(ctx, scene, s, asStep) {
  const { marks } = scene;
  const [o, r, c] = s.source;
  scene.filter = o;
  if (!asStep) push(marks.dy.focus, o, [r, c]);
  for (const { cell } of targetsOf(s)) {
    const [ch, tr, tc] = cell;
    push(marks.x.tap, ch, [tr, tc]);
    push(marks.dx.linked, ch, [tr, tc]);
    const amounts = contributions(ctx, s, cell).map((t) => `+${fmt(t.amount)}`).join('');
    push(marks.dx.labels, ch, [tr, tc, amounts]);
  }
}

/** A gather step: its weight, the input cells it reads with their δy, the ΔY map of its filter. */
function gather(ctx, scene, s) {
  const { marks } = scene;
  const [o, ci, wr, wc] = s.weight;
  scene.filter = o;
  push(marks.k.focus, ci, [wr, wc]);
  push(marks.dw.focus, ci, [wr, wc]);
  const [, h, w] = ctx.shape;
  const [top, left] = ctx.padding;
  const ch = inputChannel(ctx, o, ci);
  s.window.forEach(([r, c], n) => {
    const [ir, ic] = [r - top, c - left];
    if (s.padding[n] || ir < 0 || ic < 0 || ir >= h || ic >= w) return;
    push(marks.x.tap, ch, [ir, ic]);
    push(marks.x.labels, ch, [ir, ic, `×${fmt(s.grads[n])}`]);
  });
  const [, ho, wo] = ctx.dyShape;
  for (let r = 0; r < ho; r += 1) for (let c = 0; c < wo; c += 1) push(marks.dy.linked, o, [r, c]);
}

function hover(ctx, traces, scene, focus) {
  const { marks } = scene;
  const where = (text) => `${text} (hovering; click pins, Esc unpins)`;
  if (focus.kind === 'dx') {
    const [ch, r, c] = focus.cell;
    push(marks.dx.focus, ch, [r, c]);
    push(marks.x.focus, ch, [r, c]);
    const feeds = feedsOf(ctx, traces, focus.cell);
    for (const f of feeds) {
      const [o, fr, fc] = f.s.source;
      push(marks.dy.linked, o, [fr, fc]);
      push(marks.dy.labels, o, [fr, fc, `×${fmt(f.w)}`]);
      if (scene.filter === null) scene.filter = o;
      if (o === scene.filter) push(marks.k.focus, f.weight[1], f.weight.slice(2));
    }
    scene.formula = { title: ctx.xLabel(...focus.cell),
      where: where(`${feeds.length} ΔY cells scatter to it`), lines: feedLines(ctx, traces, focus.cell, feeds) };
    return scene;
  }
  const i = focus.kind === 'dy' ? gradIndex(ctx, focus.cell) : weightIndex(ctx, focus.weight);
  const store = focus.kind === 'dy' ? traces.dx : traces.dw;
  scene.need.push([focus.kind === 'dy' ? 'dx' : 'dw', i]);
  const s = store.get(i);
  if (!s) {
    scene.formula = { title: '…', where: 'Loading this cell’s step…', lines: [] };
    return scene;
  }
  if (focus.kind === 'dy') {
    scatter(ctx, scene, s, false);
    const name = ctx.gradLabel(...s.source);
    scene.formula = { title: `${name} = ${fmt(s.grad)}`, where: where('the ΔX cells it is scattered to'),
      lines: scatterLines(ctx, s) };
    return scene;
  }
  gather(ctx, scene, s);
  scene.formula = { title: ctx.weightLabel(s.weight), where: where('the input cells it gathers, times δy'),
    lines: dwLines(ctx, s) };
  return scene;
}
