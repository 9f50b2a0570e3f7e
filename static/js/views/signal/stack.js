// The WaveNet figure: a stack of causal dilated layers, each layer's connections read
// from the server's own trace of that layer (POST /api/conv1d with causal padding:
// the padded positions each output reads, minus the left padding), and one output's
// connections followed back to the input to count its receptive field. The count is
// traced, node by node; the formula 1 + (k − 1)·Σd is shown beside it, not used for it.

import * as api from '../../core/api.js';

const NS = 'http://www.w3.org/2000/svg';
const MAX_DRAWN = 96;  // time steps drawn; a longer stack is counted, its figure cropped

function svg(tag, attrs = {}, text = '') {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text) node.textContent = text;
  return node;
}

/** For each layer, reads[t] = the input positions (of the layer below) output t reads
 * (negative: causal padding), from the server's trace of one causal layer of length n. */
export async function layerReads(dilations, k, n, signal) {
  return Promise.all(dilations.map(async (d) => {
    const resp = await api.conv1d({ input: new Array(n).fill(0), kernel: new Array(k).fill(1),
      dilation: d, padding: 'causal', trace: { start: 0, limit: n } }, signal);
    const left = resp.padding[0];
    return resp.steps.map((s) => s.window.map((p) => p - left));
  }));
}

/** Nodes reached from output `t` of the top layer, layer by layer down to the input
 * (index 0: the input). */
export function traceBack(reads, t) {
  const reached = new Array(reads.length + 1);
  reached[reads.length] = new Set([t]);
  for (let l = reads.length - 1; l >= 0; l -= 1) {
    const below = new Set();
    for (const u of reached[l + 1]) for (const p of reads[l][u]) if (p >= 0) below.add(p);
    reached[l] = below;
  }
  return reached;
}

/** Draw the stack (input at the bottom) with every connection of output `t` lit. */
export function drawStack(slot, reads, dilations, t, onPick) {
  const n = reads[0].length;
  const first = Math.max(0, Math.min(n - MAX_DRAWN, t - MAX_DRAWN + 1));
  const last = Math.min(n, first + MAX_DRAWN);
  const layers = reads.length + 1;
  const dx = Math.max(8, Math.min(40, 1200 / (last - first)));
  const dy = 56;
  const width = 70 + dx * (last - first);
  const height = dy * layers + 16;
  const xOf = (u) => 60 + (u - first + 0.5) * dx;
  const yOf = (l) => height - 20 - l * dy;
  const reached = traceBack(reads, t);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'stack-plot', role: 'img',
    'aria-label': `${reads.length} causal layers; output ${t} traced to ${reached[0].size} inputs` });
  for (let l = 0; l < reads.length; l += 1) {
    for (let u = first; u < last; u += 1) {
      const on = reached[l + 1].has(u);
      if (!on && last - first > 48) continue;  // dense stacks draw the traced cone only
      for (const p of reads[l][u]) {
        if (p < first) continue;
        root.append(svg('line', { x1: xOf(p), y1: yOf(l), x2: xOf(u), y2: yOf(l + 1),
          class: on ? 'edge lit' : 'edge' }));
      }
    }
  }
  for (let l = 0; l < layers; l += 1) {
    root.append(svg('text', { x: 4, y: yOf(l) + 4, class: 'layer-label' },
      l === 0 ? 'input' : `d = ${dilations[l - 1]}`));
    for (let u = first; u < last; u += 1) {
      const node = svg('circle', { cx: xOf(u), cy: yOf(l), r: Math.min(7, dx / 3),
        class: reached[l].has(u) ? 'node lit' : 'node' });
      if (l === layers - 1) {
        node.classList.add('top');
        node.setAttribute('tabindex', '0');
        node.setAttribute('role', 'button');
        node.setAttribute('aria-label', `trace output ${u}`);
        node.dataset.t = String(u);
        node.addEventListener('click', () => onPick(u));
        node.addEventListener('keydown', (e) => { if (e.key === 'Enter') onPick(u); });
      }
      node.append(svg('title', {}, l === 0 ? `x(${u})` : `layer ${l}, t = ${u}`));
      root.append(node);
    }
  }
  slot.replaceChildren(root);
  return reached;
}
