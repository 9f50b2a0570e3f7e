// The conv view: picks cells or heatmaps by size, wires hover and click on
// the maps to a focus, and draws (response, step, focus) with the formula
// and the shape arithmetic.

import { CellMaps } from './maps-cells.js';
import { linkCells } from '../../core/grid.js';
import { HeatMaps } from './maps-heat.js';
import { FormulaPanel } from '../../core/formula.js';
import { renderArithmetic } from '../../core/arithmetic.js';
import { formulaOf, outShape } from '../../core/trace.js';
import { sceneOf } from './scene.js';

const CELL_LIMIT = 16; // input rows or columns above which maps become heatmaps
const PADDED_LIMIT = 24;

export class ConvStage {
  /**
   * @param root  the stage element
   * @param onFocus(focus|null) hover
   * @param onPick(focus) click
   */
  constructor(root, onFocus, onPick) {
    this.root = root;
    const slot = (name) => root.querySelector(`[data-stage="${name}"]`);
    this.slots = { input: slot('input'), kernel: slot('kernel'), original: slot('original'),
      output: slot('output') };
    this.cells = new CellMaps(this.slots);
    this.heat = new HeatMaps(this.slots, onFocus, onPick);
    this.formula = new FormulaPanel(slot('formula'));
    this.arith = slot('arithmetic');
    this.sizes = { input: slot('input-size'), output: slot('output-size'), kernel: slot('kernel-size') };
    linkCells(root, (node) => this.focusAt(node), onFocus, onPick);
  }

  focusAt(node) {
    const cell = node && node.closest ? node.closest('.grid .cell') : null;
    if (!cell) return null;
    const { kind, ch } = cell.parentElement.dataset;
    const [r, c] = [Number(cell.dataset.r), Number(cell.dataset.c)];
    if (kind === 'input') return { kind: 'in', ch: Number(ch), r, c };
    if (kind === 'output') return { kind: 'out', out: [Number(ch), r, c] };
    if (kind === 'kernel') return { kind: 'tap', o: this.scene ? this.scene.filter : 0,
      t: r * this.resp.kernel[0][0][0].length + c };
    return null;
  }

  /** How maps look: `colors` "auto", "gray" or "diverging"; `whole`: the whole output at
   * once instead of filling in. A new colour mode redraws the maps. */
  setLook({ colors, whole }) {
    this.whole = Boolean(whole);
    if (colors === this.colors) return null;
    this.colors = colors;
    this.cells.colors = colors;
    this.heat.colors = colors;
    return this.resp ? this.setData(this.resp, this.original) : null;
  }

  /** A new response; `original` is the kernel as entered (4-D) when flipped, else null. */
  setData(resp, original) {
    this.resp = resp;
    this.original = original;
    const [, h, w] = [0, resp.arithmetic[0].input_size, resp.arithmetic[1].input_size];
    const [hp, wp] = [resp.padded_input[0].length, resp.padded_input[0][0].length];
    const large = h > CELL_LIMIT || w > CELL_LIMIT || hp > PADDED_LIMIT || wp > PADDED_LIMIT;
    const maps = large ? this.heat : this.cells;
    if (maps !== this.maps) {
      this.cells.key = '';
      this.heat.key = '';
    }
    this.maps = maps;
    this.root.classList.toggle('large', large);
    this.root.classList.toggle('flipped', Boolean(original));
    const ready = maps.setData(resp, original);
    const [cout, ho, wo] = outShape(resp);
    const cin = resp.padded_input.length;
    this.sizes.input.textContent = `${cin > 1 ? `${cin} × ` : ''}${h} × ${w}`
      + (hp !== h || wp !== w ? `, padded to ${hp} × ${wp}` : '');
    this.sizes.output.textContent = `${cout > 1 ? `${cout} × ` : ''}${ho} × ${wo}`;
    const k = resp.kernel;
    this.sizes.kernel.textContent = `${k.length > 1 ? `${k.length} × ` : ''}`
      + `${k[0].length > 1 ? `${k[0].length} × ` : ''}${k[0][0].length} × ${k[0][0][0].length}`;
    renderArithmetic(this.arith, resp);
    return ready;
  }

  /** Draw step `index` under `focus`; rendering is a function of these alone. */
  show(store, links, index, focus) {
    if (!this.resp) return;
    const scene = { ...sceneOf(this.resp, store, links, index, focus), whole: this.whole };
    this.scene = scene;
    this.maps.show(scene);
    const step = scene.step;
    // Quiz: a cell not computed yet (this step's, or one hovered ahead) keeps its sums to itself.
    const secret = Boolean(step) && this.root.classList.contains('quiz') && step.index >= index;
    this.formula.render(step ? formulaOf(this.resp, step) : null, outShape(this.resp),
      focus && focus.kind !== 'out' ? 'Hovering: the linked cells are outlined.' : 'Loading this step…',
      secret);
  }
}
