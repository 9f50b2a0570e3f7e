// The /api/conv2d parameter form (_params.html) of the lab, matrix and
// backward pages: the shared form (fields.js) plus the padding cells, which
// only a "cells" padding kind uses.

import { Fields } from './fields.js';

export class ParamsForm extends Fields {
  field(name) { return this.root.querySelector(`[data-param="${name}"]`); }

  update(state) {
    super.update(state);
    const custom = state.paddingKind === 'custom';
    for (const axis of ['h', 'w']) {
      const field = this.field(`padding.${axis}`);
      field.disabled = !custom;
      if (custom) field.placeholder = '';
      else field.value = ''; // the placeholder shows what "same" or "full" came to
    }
  }

  /** With "same" or "full", show the padding the server worked out: "1", or "1/2" for top 1
   * and bottom 2 (an even kernel). `padding` is the answer's [[top, bottom], [left, right]]. */
  showResolved(padding) {
    ['h', 'w'].forEach((axis, i) => {
      const field = this.field(`padding.${axis}`);
      const [before, after] = padding[i];
      field.placeholder = field.disabled ? (before === after ? `${before}` : `${before}/${after}`) : '';
    });
  }
}
