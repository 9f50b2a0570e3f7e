// What to highlight, as a pure function of (response, loaded steps, step
// index, focus). Both map renderers (cells and heatmaps) draw a scene; hover
// and animation are one code path. No DOM here.

import { channelsOf, gapCells, kernelSize, outShape, stepIndex } from '../../core/trace.js';
import { fmt } from '../../core/numbers.js';

function box(window) {
  const rows = window.map((p) => p[0]);
  const cols = window.map((p) => p[1]);
  return [Math.min(...rows), Math.max(...rows), Math.min(...cols), Math.max(...cols)];
}

/**
 * @param resp   the /api/conv2d response
 * @param store  TraceStore of the loaded steps
 * @param links  trace.linksOf(loaded steps)
 * @param index  current step index
 * @param focus  null, {kind: "out", out}, {kind: "in", ch, r, c} or {kind: "tap", o, t}
 */
export function sceneOf(resp, store, links, index, focus) {
  const [, , w] = outShape(resp);
  const [kh, kw] = kernelSize(resp);
  const scene = {
    index, filter: 0, window: [], gaps: [], box: null, channels: [], weights: [],
    current: null, outFocus: null, outLinked: [], inFocus: null, inLinked: [], tapFocus: null,
    step: null,
  };
  let stepNo = index;
  if (focus && focus.kind === 'out') stepNo = stepIndex(resp, focus.out);
  const step = store.get(stepNo);
  if (!focus || focus.kind === 'out') {
    if (step) {
      scene.step = step;
      scene.filter = step.out[0];
      scene.window = step.window;
      scene.gaps = gapCells(step);
      scene.box = box(step.window);
      scene.channels = channelsOf(resp, step.out[0]);
      scene.weights = scene.channels.map((_, ci) => step.window.map(([r, c], t) =>
        [r, c, `×${fmt(resp.kernel[step.out[0]][ci][Math.floor(t / kw)][t % kw])}`]));
    }
    if (focus) scene.outFocus = focus.out;
    scene.current = store.get(index)?.out ?? [Math.floor(index / (w * outShape(resp)[1])),
      Math.floor(index / w) % outShape(resp)[1], index % w];
    return scene;
  }
  if (focus.kind === 'in') {
    scene.inFocus = [focus.ch, focus.r, focus.c];
    const readers = (links.byInput.get(`${focus.r},${focus.c}`) || [])
      .filter((link) => channelsOf(resp, link.out[0]).includes(focus.ch));
    scene.outLinked = readers.map((link) => [...link.out,
      `k${Math.floor(link.tap / kw) + 1}${(link.tap % kw) + 1}`]);
    scene.filter = readers.length ? readers[0].out[0] : 0;
    return scene;
  }
  // a kernel tap: every padded input cell it multiplies, on its filter's channels
  scene.filter = focus.o;
  scene.tapFocus = focus.t;
  scene.channels = channelsOf(resp, focus.o);
  scene.inLinked = [...(links.byTap.get(focus.t) || [])].map((key) => key.split(',').map(Number));
  scene.current = null;
  scene.kernelSize = [kh, kw];
  return scene;
}
