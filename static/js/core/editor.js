// The matrix editor: a grid of text fields per slice (input channels; kernel
// filters × channels, with a bias field per filter), resize buttons, seeded
// random fill, paste and copy as text. Cells hold the raw text typed; bad
// cells are marked in place with the reason, never cleared.

import { formatMatrix, parseMatrixText } from './matrix-text.js';
import { seededIntegers } from './numbers.js';

const LARGE = 16; // above this many rows or columns, edit as text

const resize = (slice, rows, cols) => Array.from({ length: rows }, (_, r) =>
  Array.from({ length: cols }, (_, c) => slice[r]?.[c] ?? '0'));

export class MatrixEditor {
  /** kind "input" edits state.input (C,H,W); kind "kernel" state.kernel and state.bias.
   * `outputs(state)`: how many output channels take a bias, when they are not the blocks
   * (transposed convolution: the blocks are input channels); their fields come last. */
  constructor(root, kind, onChange, { outputs = null } = {}) {
    this.root = root;
    this.kind = kind;
    this.onChange = onChange;
    this.outputs = outputs;
    this.shape = '';
    this.body = root.querySelector('[data-edit="slices"]');
    this.text = root.querySelector('textarea[data-edit="text"]');
    this.textError = root.querySelector('[data-edit="text-error"]');
    this.errorList = root.querySelector('[data-error-for]');
    root.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-edit]');
      if (button) this.act(button.dataset.edit);
    });
    this.body.addEventListener('input', (event) => this.typed(event.target));
    this.body.addEventListener('keydown', (event) => this.move(event));
    // Text typed in the box and not applied yet is the user's: the grid never overwrites it.
    this.textDirty = false;
    this.textStyle = 'plain';
    this.text.addEventListener('input', () => { this.textDirty = true; });
  }

  /** An open text box follows the grid, unless it holds text of the user's own. */
  syncText() {
    if (this.text.hidden || this.textDirty || document.activeElement === this.text) return;
    this.text.value = formatMatrix(this.blocks().flat(), this.textStyle);
  }

  blocks() { return this.kind === 'input' ? [this.state.input] : this.state.kernel; }

  setBlocks(blocks) {
    if (this.kind === 'input') this.state.input = blocks[0];
    else {
      this.state.kernel = blocks;
      this.state.bias = this.outputs ? this.state.bias
        : blocks.map((_, o) => this.state.bias[o] ?? '');
    }
  }

  act(action) {
    const blocks = this.blocks();
    const [h, w] = [blocks[0][0].length, blocks[0][0][0].length];
    const reshape = (rows, cols) => blocks.map((b) => b.map((s) => resize(s, rows, cols)));
    if (action === 'add-row') this.setBlocks(reshape(h + 1, w));
    else if (action === 'del-row' && h > 1) this.setBlocks(reshape(h - 1, w));
    else if (action === 'add-col') this.setBlocks(reshape(h, w + 1));
    else if (action === 'del-col' && w > 1) this.setBlocks(reshape(h, w - 1));
    else if (action === 'add-slice') {
      if (this.kind === 'input') this.setBlocks([[...blocks[0], resize([], h, w)]]);
      else this.setBlocks([...blocks, JSON.parse(JSON.stringify(blocks[blocks.length - 1]))]);
    } else if (action === 'del-slice') {
      if (this.kind === 'input' && blocks[0].length > 1) this.setBlocks([blocks[0].slice(0, -1)]);
      if (this.kind === 'kernel' && blocks.length > 1) this.setBlocks(blocks.slice(0, -1));
    } else if (action === 'random') this.random(blocks);
    else if (action === 'text') { this.showText(this.text.hidden); return; }
    else if (action === 'apply') { this.paste(); return; }
    else if (action === 'copy') { this.copy(); return; }
    else return;
    this.onChange(this.kind);
  }

  random(blocks) {
    const seed = Number(this.state.seed) || 1;
    const count = blocks.flat(3).length;
    const [low, high] = this.kind === 'input' ? [0, 9] : [-2, 2];
    const values = seededIntegers(seed * 7919 + (this.kind === 'input' ? 0 : 1), count, low, high);
    let i = 0;
    this.setBlocks(blocks.map((b) => b.map((s) => s.map((row) => row.map(() => String(values[i++]))))));
    this.state.seed = String(seed + 1);
  }

  paste() {
    const parsed = parseMatrixText(this.text.value);
    this.textError.textContent = parsed.error ? `Not applied: ${parsed.error}` : '';
    if (parsed.error) return;
    this.textDirty = false;
    if (this.kind === 'input') this.setBlocks([parsed.slices]);
    else if (parsed.depth === 4) {
      const per = parsed.slices.length / parsed.filters;
      this.setBlocks(Array.from({ length: parsed.filters },
        (_, o) => parsed.slices.slice(o * per, (o + 1) * per)));
    } else this.setBlocks([parsed.slices]);
    this.onChange(this.kind);
  }

  async copy() {
    const style = this.root.querySelector('[data-edit="format"]').value;
    this.showText(true);
    this.textStyle = style;
    this.textDirty = false;
    this.text.value = formatMatrix(this.blocks().flat(), style);
    this.text.select();
    try { await navigator.clipboard.writeText(this.text.value); } catch { /* selected instead */ }
  }

  showText(open) {
    this.text.parentElement.hidden = !open;
    this.text.hidden = !open;
    if (open && (!this.text.value || !this.textDirty)) {
      this.text.value = formatMatrix(this.blocks().flat(), this.textStyle);
    }
    this.root.querySelector('button[data-edit="text"]').setAttribute('aria-expanded', String(open));
  }

  typed(field) {
    if (field.dataset.bias !== undefined) this.state.bias[Number(field.dataset.bias)] = field.value;
    else {
      const { b, s, r, c } = field.dataset;
      this.blocks()[Number(b)][Number(s)][Number(r)][Number(c)] = field.value;
    }
    this.syncText();
    this.onChange(this.kind, true);
  }

  move(event) {
    const field = event.target;
    const step = { ArrowUp: -1, ArrowDown: 1, Enter: 1 }[event.key];
    if (!step || field.dataset.r === undefined) return;
    const { b, s, c } = field.dataset;
    const next = this.body.querySelector(`input[data-b="${b}"][data-s="${s}"]`
      + `[data-r="${Number(field.dataset.r) + step}"][data-c="${c}"]`);
    if (next) { event.preventDefault(); next.focus(); next.select(); }
  }

  /** Show the state: rebuild the fields when the shape changed, else patch their text. */
  update(state) {
    this.state = state;
    const blocks = this.blocks();
    const outputs = this.outputs ? this.outputs(state) : 0;
    if (outputs) {  // one value (a link's "bias=3") stands for every output channel
      const one = state.bias.length === 1 ? state.bias[0] : undefined;
      state.bias = Array.from({ length: outputs }, (_, o) => one ?? state.bias[o] ?? '');
    }
    const shape = JSON.stringify([blocks.length, blocks[0].length, blocks[0][0].length,
      blocks[0][0][0].length, outputs]);
    const [h, w] = [blocks[0][0].length, blocks[0][0][0].length];
    const large = h > LARGE || w > LARGE;
    this.root.querySelector('[data-edit="shape"]').textContent = this.kind === 'input'
      ? `${blocks[0].length} × ${h} × ${w}` : `${blocks.length} × ${blocks[0].length} × ${h} × ${w}`;
    this.root.classList.toggle('large', large);
    if (shape !== this.shape) {
      this.shape = shape;
      this.body.replaceChildren(...(large ? [] : blocks.map((b, i) => this.block(b, i))));
      if (outputs) this.body.append(this.outputBias(outputs));
      if (large) this.showText(true);
    }
    for (const field of this.body.querySelectorAll('input')) {
      if (field === document.activeElement) continue;
      const { b, s, r, c, bias } = field.dataset;
      field.value = bias !== undefined ? state.bias[Number(bias)] ?? ''
        : blocks[Number(b)][Number(s)][Number(r)][Number(c)];
    }
    this.syncText();
  }

  block(slices, b) {
    const block = document.createElement('div');
    block.className = 'edit-block';
    if (this.kind === 'kernel') {
      const cap = document.createElement('div');
      cap.className = 'edit-caption';
      cap.textContent = this.state.kernel.length > 1 ? `Filter ${b + 1}` : 'Filter';
      block.append(cap);
    }
    const row = document.createElement('div');
    row.className = 'edit-slices';
    slices.forEach((slice, s) => row.append(this.slice(slice, b, s, slices.length)));
    if (this.kind === 'kernel' && !this.outputs) row.append(this.biasField(b));
    block.append(row);
    return block;
  }

  slice(slice, b, s, count) {
    const wrap = document.createElement('div');
    wrap.className = 'edit-slice';
    if (count > 1) {
      const cap = document.createElement('div');
      cap.className = 'edit-caption';
      cap.textContent = `channel ${s + 1}`;
      wrap.append(cap);
    }
    const table = document.createElement('div');
    table.className = 'edit-grid';
    table.style.setProperty('--cols', String(slice[0].length));
    slice.forEach((row, r) => row.forEach((_, c) => {
      const field = document.createElement('input');
      Object.assign(field.dataset, { b: String(b), s: String(s), r: String(r), c: String(c) });
      field.setAttribute('aria-label', `${this.kind} ${count > 1 ? `channel ${s + 1} ` : ''}`
        + `row ${r + 1} column ${c + 1}`);
      field.inputMode = 'decimal';
      field.spellcheck = false;
      table.append(field);
    }));
    wrap.append(table);
    return wrap;
  }

  /** One bias field per output channel, in a row of their own. */
  outputBias(count) {
    const row = document.createElement('div');
    row.className = 'edit-slices output-bias';
    for (let o = 0; o < count; o += 1) {
      const label = this.biasField(o);
      label.firstChild.textContent = count > 1 ? `bias, output channel ${o + 1}` : 'bias b';
      label.lastChild.setAttribute('aria-label', `bias of output channel ${o + 1}`);
      row.append(label);
    }
    return row;
  }

  biasField(b) {
    const label = document.createElement('label');
    label.className = 'bias-field';
    label.textContent = 'bias b';
    const field = document.createElement('input');
    field.dataset.bias = String(b);
    field.placeholder = '0';
    field.setAttribute('aria-label', `bias of filter ${b + 1}`);
    label.append(field);
    return label;
  }

  /** Mark bad cells (from the local check) and list every message under the grid. */
  showErrors(errors) {
    for (const field of this.body.querySelectorAll('input.invalid')) {
      field.classList.remove('invalid');
      field.removeAttribute('aria-invalid');
      field.title = '';
    }
    for (const error of errors) {
      if (!error.where) continue;
      const w = error.where;
      const selector = error.field === 'bias' ? `input[data-bias="${w[0]}"]`
        : this.kind === 'input' ? `input[data-b="0"][data-s="${w[0]}"][data-r="${w[1]}"][data-c="${w[2]}"]`
          : `input[data-b="${w[0]}"][data-s="${w[1]}"][data-r="${w[2]}"][data-c="${w[3]}"]`;
      const field = this.body.querySelector(selector);
      if (field) {
        field.classList.add('invalid');
        field.setAttribute('aria-invalid', 'true');
        field.title = error.msg;
      }
    }
    this.errorList.replaceChildren(...errors.map((error) => {
      const item = document.createElement('li');
      item.textContent = describe(error, this.kind);
      return item;
    }));
  }
}

function describe(error, kind) {
  const w = error.where;
  if (!w) return error.msg;
  if (error.field === 'bias') return `bias of filter ${w[0] + 1}: ${error.msg}`;
  const [r, c] = w.slice(-2);
  const slice = kind === 'input' ? `channel ${w[0] + 1}, ` : `filter ${w[0] + 1}, channel ${w[1] + 1}, `;
  return `${slice}row ${r + 1}, column ${c + 1}: ${error.msg}`;
}
