// The stack editor: one row per layer (type, arguments as text, move up or down,
// remove), a residual block's body and shortcut nested under it. Every edit
// gives the whole new stack to onChange; a row can be marked with the server's
// message by its JSON path.

import { argsText, parseArgs } from './args.js';

export const TYPES = ['conv2d', 'conv_transpose2d', 'max_pool2d', 'avg_pool2d',
  'adaptive_avg_pool2d', 'adaptive_max_pool2d', 'batch_norm2d', 'local_response_norm', 'relu',
  'relu6', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'gelu', 'silu', 'dropout',
  'flatten', 'linear', 'residual'];
// A new layer of each type, with its required arguments.
export const FRESH = {
  conv2d: { out_channels: 16, kernel_size: 3, padding: 1 },
  conv_transpose2d: { out_channels: 16, kernel_size: 2, stride: 2 },
  max_pool2d: { kernel_size: 2 }, avg_pool2d: { kernel_size: 2 },
  adaptive_avg_pool2d: { output_size: 1 }, adaptive_max_pool2d: { output_size: 1 },
  local_response_norm: { size: 5 }, linear: { out_features: 10 },
  residual: { body: [{ type: 'conv2d', out_channels: 16, kernel_size: 3, padding: 1 }], shortcut: [] },
};

const clone = (v) => JSON.parse(JSON.stringify(v));

export class StackEditor {
  constructor(root, onChange) {
    this.root = root;
    this.onChange = onChange;
    this.layers = [];
    this.opened = new Set();  // residual rows the user unfolded, by path
  }

  set(layers) {
    this.layers = clone(layers);
    this.draw();
  }

  draw() {
    this.root.replaceChildren(...this.items(this.layers, ['layers']));
  }

  items(list, loc) {
    return list.map((layer, i) => this.item(list, i, [...loc, i]));
  }

  item(list, i, loc) {
    const layer = list[i];
    const li = document.createElement('li');
    li.className = `net-layer net-${layer.type}`;
    li.dataset.loc = loc.join('.');
    const head = document.createElement('div');
    head.className = 'net-layer-head';
    const type = document.createElement('select');
    type.setAttribute('aria-label', `layer ${loc.slice(1).join('.')}: type`);
    for (const t of TYPES) type.append(new Option(t, t, false, t === layer.type));
    type.addEventListener('change', () => {
      list[i] = { type: type.value, ...clone(FRESH[type.value] || {}) };
      this.changed();
    });
    const args = document.createElement('input');
    args.type = 'text';
    args.spellcheck = false;
    args.className = 'net-args';
    args.value = argsText(layer);
    args.setAttribute('aria-label', `layer ${loc.slice(1).join('.')} (${layer.type}): arguments`);
    args.hidden = layer.type === 'residual';
    args.addEventListener('keydown', (e) => { if (e.key === 'Enter') args.dispatchEvent(new Event('change')); });
    args.addEventListener('change', () => {
      const { args: parsed, error } = parseArgs(args.value);
      if (error) { this.mark(loc, error); return; }
      list[i] = { type: layer.type, ...parsed };
      this.changed();
    });
    const button = (text, label, action) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.title = label;
      b.setAttribute('aria-label', `${label}: layer ${loc.slice(1).join('.')}`);
      b.addEventListener('click', action);
      return b;
    };
    const tools = document.createElement('span');
    tools.className = 'net-tools';
    tools.append(
      button('↑', 'move up', () => { if (i > 0) { [list[i - 1], list[i]] = [list[i], list[i - 1]]; this.changed(); } }),
      button('↓', 'move down', () => { if (i + 1 < list.length) { [list[i + 1], list[i]] = [list[i], list[i + 1]]; this.changed(); } }),
      button('✕', 'remove', () => { list.splice(i, 1); this.changed(); }));
    head.append(type, tools, args);
    const error = document.createElement('p');
    error.className = 'field-error';
    error.hidden = true;
    li.append(head, error);
    if (layer.type === 'residual') {
      // Folded to one line unless opened (a ResNet has 16 of them); open ones stay open.
      const fold = document.createElement('details');
      fold.className = 'net-fold';
      fold.open = this.opened.has(li.dataset.loc);
      fold.addEventListener('toggle', () => {
        if (fold.open) this.opened.add(li.dataset.loc); else this.opened.delete(li.dataset.loc);
      });
      const summary = document.createElement('summary');
      const count = (l) => (l || []).length;
      summary.textContent = `body: ${count(layer.body)} layers, shortcut: `
        + `${count(layer.shortcut) ? `${count(layer.shortcut)} layers` : 'identity'}`;
      fold.append(summary);
      li.append(fold);
      for (const branch of ['body', 'shortcut']) {
        layer[branch] = layer[branch] || [];
        const sub = document.createElement('div');
        sub.className = 'net-branch';
        const label = document.createElement('p');
        label.className = 'net-branch-name';
        label.textContent = branch === 'body' ? 'body' : 'shortcut (empty: the identity)';
        const ol = document.createElement('ol');
        ol.append(...this.items(layer[branch], [...loc, branch]));
        const add = button('+', `add a layer to the ${branch}`, () => {
          layer[branch].push({ type: 'conv2d', ...clone(FRESH.conv2d) });
          this.changed();
        });
        sub.append(label, ol, add);
        fold.append(sub);
      }
    }
    return li;
  }

  add(type) {
    this.layers.push({ type, ...clone(FRESH[type] || {}) });
    this.changed();
  }

  changed() {
    this.draw();
    this.onChange(clone(this.layers));
  }

  /** Show `msg` on the row at `loc` (["layers", 4, "body", 1, …]); null clears every row. */
  mark(loc, msg) {
    this.root.querySelectorAll('.net-layer > .field-error').forEach((p) => { p.hidden = true; });
    this.root.querySelectorAll('.net-layer.invalid').forEach((li) => li.classList.remove('invalid'));
    if (!loc) return false;
    // The deepest row the path names (a trailing argument name is not a row), unfolded.
    for (let n = loc.length; n > 1; n -= 1) {
      const li = this.root.querySelector(`.net-layer[data-loc="${loc.slice(0, n).join('.')}"]`);
      if (li) {
        for (let up = li.parentElement; up && up !== this.root; up = up.parentElement) {
          if (up.tagName === 'DETAILS') up.open = true;
        }
        li.classList.add('invalid');
        const p = li.querySelector(':scope > .field-error');
        p.textContent = msg;
        p.hidden = false;
        return true;
      }
    }
    return false;
  }
}
