// The picture and one strip per stage: every map of every stage on a canvas, its scale
// named under it; hovering a cell outlines what it depends on in every strip before it.

import { cellAt, flatMaps, frameCells, isPicture, layoutOf, mapElement, outline, paint, paintRgb,
  significant as fmt } from './maps.js';
import { countOf, dependsOn } from './depends.js';

const MAX_MAPS = 16; // maps drawn per stage; the rest are named

const OP_NAMES = { conv2d: 'convolution', conv_transpose2d: 'transposed convolution',
  max_pool2d: 'max pooling', avg_pool2d: 'average pooling', min_pool2d: 'min pooling',
  max_unpool2d: 'max-unpooling', batch_norm2d: 'batch norm', local_response_norm: 'local response norm',
  local_contrast_norm: 'local contrast norm', magnitude: 'magnitude √Σx²', flatten: 'flatten',
  linear: 'fully connected', dropout: 'dropout' };


export class Strips {
  /**
   * @param root       the element the strips go in
   * @param hooks.pick (stage) => open a stage's detail
   * @param hooks.open (stage, map) => the lab link of one map, {href, title}
   * @param hooks.read (text) => the readout line
   */
  constructor(root, hooks) {
    this.root = root;
    this.hooks = hooks;
    this.levels = []; // level −1 (picture) at index 0: {maps: [map], values: [Float64Array], shape}
    this.resp = null;
    this.held = null; // the cell the detail steps through: {k, at}
  }

  level(k) { return this.levels[k + 1]; }

  /** Draw every level; `back`: the gradients ∂L/∂(each level) instead of the values. */
  show(resp, picture, look, selected, back = false) {
    this.resp = resp;
    this.back = back;
    clearTimeout(this.revealTimer);
    this.root.replaceChildren();
    this.levels = [];
    // One size for every map: four of the widest stage's maps side by side, 144–360 px.
    const most = Math.min(4, Math.max(1, ...resp.stages.map((st) => (st.output_shape.length === 3 ? st.output_shape[0] : 1))));
    const width = this.root.clientWidth || 800;
    this.side = Math.round(Math.min(360, Math.max(144, (width - 40) / most - 14)));
    if (back) {
      this.addLevel(-1, '∂L/∂ picture', resp.stages[0].grad_input, resp.input_shape, 'diverging',
        selected, null);
      resp.stages.forEach((s, k) => {
        const name = OP_NAMES[s.op] || s.op;
        this.addLevel(k, `∂L/∂ ${k + 1} · ${name}`, s.grad_output, s.output_shape, 'diverging',
          selected, s);
      });
      this.reveal();
      return;
    }
    this.addLevel(-1, 'Picture', picture, resp.input_shape, look, selected);
    resp.stages.forEach((s, k) => {
      const name = OP_NAMES[s.op] || s.op;
      this.addLevel(k, `${k + 1} · ${name}`, s.output, s.output_shape, look, selected, s);
    });
  }

  /** Backward: the gradient maps fill in from the loss to the picture, a stage at a time. */
  reveal() {
    const sections = [...this.root.querySelectorAll('.pipe-strip')];
    sections.forEach((el) => el.classList.add('pipe-pending'));
    let i = sections.length - 1;
    const next = () => {
      if (i < 0) { this.root.dataset.revealed = 'all'; return; }
      sections[i].classList.remove('pipe-pending');
      i -= 1;
      this.revealTimer = setTimeout(next, 220);
    };
    delete this.root.dataset.revealed;
    next();
  }

  addLevel(k, title, output, shape, look, selected, stage = null) {
    const section = document.createElement('section');
    section.className = 'pipe-strip';
    section.dataset.level = String(k);
    if (k === selected) section.classList.add('is-selected');
    const head = document.createElement('header');
    const h = document.createElement(stage ? 'button' : 'h3');
    h.className = 'pipe-strip-title';
    h.textContent = title;
    if (stage) {
      h.type = 'button';
      h.title = 'Step through this stage cell by cell';
      h.addEventListener('click', () => this.hooks.pick(k));
    }
    const info = document.createElement('span');
    info.className = 'pipe-strip-info';
    let range = stage ? `, values ${fmt(stage.range[0])} to ${fmt(stage.range[1])}` : '';
    if (this.back) {
      const [lo, hi] = flatRange(output);
      range = `, gradients ${fmt(lo)} to ${fmt(hi)}`;
    }
    info.textContent = `${shape.join(' × ')}${range}`;
    head.append(h, info);
    const row = document.createElement('div');
    row.className = 'pipe-maps';
    section.append(head, row);
    this.root.append(section);
    const lay = layoutOf(shape);
    const values = flatMaps(output, shape);
    const maps = [];
    const rgb = !stage && !this.back && shape[0] === 3;
    if (rgb) {
      const m = mapElement(lay.rows, lay.cols, 'colour', this.side);
      paintRgb(m.pix.getContext('2d'), values, lay.rows, lay.cols);
      m.scale.textContent = 'R, G, B 0–255';
      m.fig.classList.add('pipe-rgb');
      row.append(m.fig);
    }
    values.slice(0, MAX_MAPS).forEach((v, c) => {
      const label = lay.features ? `${lay.features} features, row by row`
        : (rgb ? ['red', 'green', 'blue'][c] : (stage ? `map ${c + 1}` : 'gray'));
      const m = mapElement(lay.rows, lay.cols, label, this.side);
      m.fig.dataset.map = String(c);
      m.scale.textContent = paint(m.pix.getContext('2d'), v, lay.rows, lay.cols, look,
        !stage && !this.back && isPicture(v));
      m.over.addEventListener('pointermove', (e) => this.hover(k, c, m, e));
      m.over.addEventListener('pointerleave', () => this.clear());
      m.over.addEventListener('click', (e) => {
        const at = cellAt(m, e);
        if (at) this.hooks.pick(k, this.atOf(lay, c, at));
      });
      if (stage && !this.back && lay.features === undefined) {
        const link = this.hooks.open(k, c);
        if (link) {
          const a = document.createElement('a');
          a.href = link.href;
          a.className = 'pipe-open';
          a.textContent = 'open in the lab';
          a.title = link.title;
          m.fig.querySelector('figcaption').append(a);
        }
      }
      maps.push(m);
      row.append(m.fig);
    });
    if (values.length > MAX_MAPS) {
      const more = document.createElement('p');
      more.className = 'hint';
      more.textContent = `and ${values.length - MAX_MAPS} more maps (drawn: the first ${MAX_MAPS})`;
      row.append(more);
    }
    this.levels.push({ k, maps, values, shape, lay, section, look });
  }

  atOf(lay, c, [r, col]) {
    return lay.features !== undefined ? [r * lay.cols + col] : [c, r, col];
  }

  valueAt(k, at) {
    const L = this.level(k);
    if (at.length === 1) return L.values[0][at[0]];
    return L.values[at[0]][at[1] * L.shape[2] + at[2]];
  }

  hover(k, c, m, e) {
    const cell = cellAt(m, e);
    const L = this.level(k);
    if (!cell) return;
    const at = this.atOf(L.lay, c, cell);
    if (at.length === 1 && at[0] >= L.lay.features) return;
    this.mark(k, at, false);
  }

  /** Outline `at` of level k and everything it depends on; `detail`: the stepped cell. */
  mark(k, at, detail) {
    if (!detail) this.clear(false);
    const L = this.level(k);
    const pos = at.length === 3 ? `map ${at[0] + 1}, row ${at[1] + 1}, column ${at[2] + 1}`
      : `feature ${at[0] + 1}`;
    const where = k < 0 ? 'the picture' : `stage ${k + 1}`;
    let text = `${where}, ${pos} (counting from 1): ${this.back ? '∂L/∂(this cell) = ' : ''}${fmt(this.valueAt(k, at))}`;
    this.drawOn(L, at.length === 3 ? at[0] : 0, null, null, at.length === 3 ? [at[1], at[2]]
      : [Math.floor(at[0] / L.lay.cols), at[0] % L.lay.cols]);
    if (k >= 0) {
      const levels = dependsOn(this.resp.stages, k, at);
      for (const d of levels) {
        const D = this.level(d.level);
        if (!D) continue;
        this.drawDepends(D, d);
      }
      const pic = levels.find((d) => d.level === -1);
      if (pic) text += `; it depends on ${countOf(pic, this.level(-1).shape)} of the picture`;
    }
    this.hooks.read(text);
  }

  drawDepends(D, d) {
    D.maps.forEach((m, c) => {
      if (D.lay.features !== undefined) {
        if (d.all) this.drawOn(D, c, 'all', 'all');
        else if (d.feature !== undefined) {
          this.drawOn(D, c, [Math.floor(d.feature / D.lay.cols)], [d.feature % D.lay.cols]);
        }
        return;
      }
      const mapIndex = Number(m.fig.dataset.map);
      const inChannel = d.all || d.channels === 'all' || d.channels.includes(mapIndex);
      if (!inChannel) return;
      this.drawOn(D, c, d.all ? 'all' : d.rows, d.all ? 'all' : d.cols);
    });
    if (D.k === -1 && D.shape[0] === 3 && D.section.querySelector('.pipe-rgb')) {
      // the colour picture shows the union over its channels
      const fig = D.section.querySelector('.pipe-rgb');
      const box = { over: fig.querySelector('.pipe-over'), rows: D.lay.rows, cols: D.lay.cols };
      outline(box, d.all ? 'all' : d.rows, d.all ? 'all' : d.cols);
    }
  }

  /** Backward, stage k's chain rule for one cell of its input (level k − 1): that cell,
   * and every output of stage k (level k) its gradient comes from. */
  markGrad(k, at, step) {
    this.wipe();
    const I = this.level(k - 1);
    const O = this.level(k);
    const cellOf = (L, a) => (a.length === 3 ? [a[0], [a[1], a[2]]]
      : [0, [Math.floor(a[0] / L.lay.cols), a[0] % L.lay.cols]]);
    const [ci, cell] = cellOf(I, at);
    this.drawOn(I, ci, null, null, cell);
    if (!step || !step.terms) return;
    const byMap = new Map();
    for (const t of step.terms) {
      const [c, rc] = cellOf(O, t.from);
      if (!byMap.has(c)) byMap.set(c, []);
      byMap.get(c).push(rc);
    }
    for (const [c, cells] of byMap) if (O.maps[c]) frameCells(O.maps[c], cells);
  }

  drawOn(L, c, rows, cols, current = null) {
    const m = L.maps[c];
    if (m) outline(m, rows, cols, current);
  }

  /** Every outline off. */
  wipe() {
    for (const L of this.levels) for (const m of L.maps) outline(m, null, null);
    for (const fig of this.root.querySelectorAll('.pipe-rgb')) {
      const over = fig.querySelector('.pipe-over');
      over.getContext('2d').clearRect(0, 0, over.width, over.height);
    }
  }

  /** Every outline off but the stepped cell's. */
  clear(readout = true) {
    this.wipe();
    if (this.held && this.held.grad) this.markGrad(this.held.k, this.held.at, this.held.step);
    else if (this.held) this.mark(this.held.k, this.held.at, true);
    else if (readout) this.hooks.read('');
  }
}


function flatRange(nested) {
  let lo = Infinity;
  let hi = -Infinity;
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else { if (v < lo) lo = v; if (v > hi) hi = v; }
  };
  walk(nested);
  return [lo, hi];
}
