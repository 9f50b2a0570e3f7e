// The backward page's stage: x beside ΔX, W beside ΔW, ΔY with Δb and the
// formula panel, drawn from a scene (scene.js). Maps are cells, or
// heatmaps above the cell limit; they are built once per shape, then patched.
// Hovering a map cell reports a focus; clicking one pins it.

import { fmt, fmtFactor } from '../../core/numbers.js';
import { maxAbs } from '../../core/colors.js';
import { TermPanel } from '../../core/formula.js';
import { mapsFor } from './maps.js';
import { FullConvolutionPanel } from './full.js';
import { as3 } from './terms.js';

const sizeClass = (n) => (n <= 7 ? 'size-l' : n <= 11 ? 'size-m' : 'size-s');
const captions = (n, word) => Array.from({ length: n }, (_, c) => (n > 1 ? `${word} ${c + 1}` : ''));

export class BackwardStage {
  /** onFocus(focus|null) on hover, onPick(focus) on click; focus as in scene.js. */
  constructor(root, onFocus, onPick) {
    this.root = root;
    this.onFocus = onFocus;
    this.onPick = onPick;
    this.slot = (name) => root.querySelector(`[data-view="${name}"]`);
    this.formula = new TermPanel(this.slot('formula'));
    this.full = new FullConvolutionPanel(this.slot.bind(this));
    this.key = '';
    this.filter = 0;
    const fromCell = (e) => {
      const cell = e.target.closest && e.target.closest('.grid .cell');
      return cell && this.ctx ? this.focusOf(cell.parentElement.dataset.kind,
        Number(cell.parentElement.dataset.ch), Number(cell.dataset.r), Number(cell.dataset.c)) : null;
    };
    root.addEventListener('pointerover', (e) => { const f = fromCell(e); if (f) onFocus(f); });
    root.addEventListener('pointerout', (e) => {
      const to = e.relatedTarget;
      if (fromCell(e) && !(to && to.closest && to.closest('.grid .cell'))) onFocus(null);
    });
    root.addEventListener('click', (e) => { const f = fromCell(e); if (f) onPick(f); });
  }

  /** The focus of map `kind`'s cell (ch, r, c); null for maps that link nothing. */
  focusOf(kind, ch, r, c) {
    if (kind === 'input' || kind === 'dx') return { kind: 'dx', cell: [ch, r, c] };
    if (kind === 'output') return { kind: 'dy', cell: [ch, r, c] };
    if (kind === 'kernel' || kind === 'dw') return { kind: 'w', weight: [this.filter, ch, r, c] };
    return null;
  }

  maps(slot, shape, kind, word, opts) {
    const parent = this.slot(slot);
    parent.classList.remove('size-l', 'size-m', 'size-s');
    parent.classList.add(sizeClass(Math.max(shape[1], shape[2])));
    const hover = (ch, r, c) => this.onFocus(r === null ? null : this.focusOf(kind, ch, r, c));
    const pick = (ch, r, c) => this.onPick(this.focusOf(kind, ch, r, c));
    return mapsFor(parent, shape, kind, captions(shape[0], word), hover, pick, opts);
  }

  /** Settles when the heatmaps (if any) have drawn their values. */
  ready() { return Promise.all([this.mx, this.mdx, this.mdy].map((m) => m.ready)); }

  /** A new response's context (terms.js contextOf). */
  setData(ctx) {
    this.ctx = ctx;
    const { resp, shape, kshape, dyShape } = ctx;
    const key = JSON.stringify([shape, kshape, dyShape]);
    if (key !== this.key) {
      this.key = key;
      for (const s of ['input', 'dx', 'kernel', 'dw', 'dy']) this.slot(s).replaceChildren();
      this.mx = this.maps('input', shape, 'input', 'channel');
      this.mdx = this.maps('dx', shape, 'dx', 'channel');
      this.mk = this.maps('kernel', kshape.slice(1), 'kernel', 'channel', { cellsOnly: true });
      this.mdw = this.maps('dw', kshape.slice(1), 'dw', 'channel', { cellsOnly: true });
      this.mdy = this.maps('dy', dyShape, 'output', 'channel');
    }
    this.root.classList.toggle('large', this.mx.heat || this.mdy.heat);
    this.mx.setValues(ctx.x, maxAbs(ctx.x));
    this.mdy.setValues(ctx.dy, maxAbs(ctx.dy));
    this.dxScale = maxAbs(ctx.dx);
    this.dxShown = undefined;
    this.filter = -1;
    this.full.setData(resp, ctx);
    this.slot('note').textContent = resp.note;
    this.root.classList.toggle('flipped', Boolean(resp.flip_kernel));
    const db = resp.grad_bias.map((v, o) => {
      const all = ctx.names ? ctx.names.grad_bias[o] : ctx.dy[o].flat().map(fmtFactor);
      const terms = all.length <= 16 ? all.join(' + ')
        : `${all.slice(0, 3).join(' + ')} + … + ${all[all.length - 1]} (${all.length} terms)`;
      return `Δb${resp.grad_bias.length > 1 ? `${o + 1}` : ''} = ${terms} = ${fmt(v)}`;
    });
    this.slot('db').textContent = db.join('   ');
  }

  showFilter(o) {
    if (o === this.filter) return;
    this.filter = o;
    this.mk.setValues(this.ctx.kernel[o], maxAbs(this.ctx.kernel));
    this.mdw.setValues(this.ctx.dk[o], maxAbs(this.ctx.dk));
  }

  /** Draw a scene: values and progress of its step, marks of its step or focus. */
  show(scene) {
    if (!this.ctx) return;
    this.showFilter(scene.filter ?? Math.max(0, this.filter));
    if (scene.dxStep !== undefined && scene.dxStep !== this.dxShown) {
      this.dxShown = scene.dxStep;
      this.mdx.setValues(scene.dxStep ? as3(scene.dxStep.running_sum) : this.ctx.dx, this.dxScale);
    }
    const { marks } = scene;
    const [, g, kh, kw] = this.ctx.kshape;
    const perFilter = g * kh * kw;
    const wFlat = scene.dwCurrent - this.filter * perFilter;
    // ΔW of other filters than the one shown: all done or all to do.
    const dwCurrent = wFlat >= perFilter ? null : wFlat < 0 ? -1 : wFlat;
    this.mx.draw(marks.x);
    this.mdx.draw(marks.dx);
    this.mk.draw({ ...marks.k, current: null });
    this.mdw.draw({ ...marks.dw, current: dwCurrent, hideTodo: true });
    this.mdy.draw({ ...marks.dy, current: scene.dyCurrent });
    const f = scene.formula;
    this.formula.render(f.title, f.where, f.lines);
  }
}
