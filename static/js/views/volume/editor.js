// The volume page's editors: core's MatrixEditor over one stack of depth slices
// (state.input or state.kernel, each (D, H, W) as typed), its slices named
// "depth 1", "depth 2", … instead of channels. Resizing, Random, paste and copy
// as text, and the marking of bad cells are the core editor's.

import { MatrixEditor } from '../../core/editor.js';
import { seededIntegers } from '../../core/numbers.js';

const RANGES = { input: [0, 9], kernel: [-1, 2] };

export class SliceEditor extends MatrixEditor {
  /** `key`: "input" or "kernel", the state field this editor owns. The core editor runs in
   * its "input" mode (one block, its slices added and removed), reporting `key`. */
  constructor(root, key, onChange) {
    super(root, 'input', (what, typing = false) => onChange(key, typing));
    this.key = key;
  }

  blocks() { return [this.state[this.key]]; }

  setBlocks(blocks) { this.state[this.key] = blocks[0]; }

  random(blocks) {
    const seed = Number(this.state.seed) || 1;
    const [low, high] = RANGES[this.key];
    const values = seededIntegers(seed * 7919 + (this.key === 'input' ? 0 : 1),
      blocks.flat(3).length, low, high);
    let i = 0;
    this.setBlocks(blocks.map((b) => b.map((s) => s.map((row) => row.map(() => String(values[i++]))))));
    this.state.seed = String(seed + 1);
  }

  /** A slice of the core editor's, captioned and labelled by its depth (always, even alone). */
  slice(slice, b, s, count) {
    const wrap = super.slice(slice, b, s, count);
    let cap = wrap.querySelector('.edit-caption');
    if (!cap) {
      cap = document.createElement('div');
      cap.className = 'edit-caption';
      wrap.prepend(cap);
    }
    cap.textContent = `depth ${s + 1}`;
    for (const field of wrap.querySelectorAll('input')) {
      const { r, c } = field.dataset;
      field.setAttribute('aria-label', `${this.key} depth ${s + 1} row ${Number(r) + 1} `
        + `column ${Number(c) + 1}`);
    }
    return wrap;
  }

  /** Bad cells marked by the core editor; the list under the grid says depth, not channel. */
  showErrors(errors) {
    super.showErrors(errors);
    const items = this.errorList.children;
    errors.forEach((error, i) => {
      if (!error.where || !items[i]) return;
      const [d, r, c] = error.where;
      items[i].textContent = `depth ${d + 1}, row ${r + 1}, column ${c + 1}: ${error.msg}`;
    });
  }
}
