// The volume page's parameter form: core's Fields with three axes per parameter
// (data-param="stride.d", ".h", ".w" for depth, height, width), and the padding cells,
// which only the "cells" padding kind uses (else they show what the server made of it).

import { Fields } from '../../core/fields.js';

const AXES = { d: 0, h: 1, w: 2 };

export class AxisFields extends Fields {
  field(name) { return this.root.querySelector(`[data-param="${name}"]`); }

  read(target) {
    const name = target.dataset && target.dataset.param;
    if (!name || !this.state) return;
    const [key, axis] = name.split('.');
    if (axis) this.state[key][AXES[axis]] = target.value;
    else this.state[key] = target.type === 'checkbox' ? target.checked : target.value;
    this.onChange(key);
  }

  update(state) {
    this.state = state;
    for (const field of this.all()) {
      if (field === document.activeElement) continue;
      const [key, axis] = field.dataset.param.split('.');
      const value = axis ? state[key][AXES[axis]] : state[key];
      if (field.type === 'checkbox') field.checked = Boolean(value);
      else field.value = value;
    }
    const custom = state.paddingKind === 'custom';
    for (const axis of Object.keys(AXES)) {
      const field = this.field(`padding.${axis}`);
      field.disabled = !custom;
      if (custom) field.placeholder = '';
      else field.value = '';
    }
  }

  /** With "same" or "full", the padding the server worked out: "1", or "0/1" for 0 before
   * and 1 after (an even kernel). `padding` is the answer's [[before, after]] per axis. */
  showResolved(padding) {
    Object.keys(AXES).forEach((axis, i) => {
      const field = this.field(`padding.${axis}`);
      const [before, after] = padding[i];
      field.placeholder = field.disabled ? (before === after ? `${before}` : `${before}/${after}`) : '';
    });
  }
}
