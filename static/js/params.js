// The /api/conv2d parameter form (_params.html) of the lab, matrix and
// backward pages: the shared form (fields.js) plus the padding cells, which
// only a "cells" padding kind uses.

import { Fields } from './fields.js';

export class ParamsForm extends Fields {
  field(name) { return this.root.querySelector(`[data-param="${name}"]`); }

  update(state) {
    super.update(state);
    const custom = state.paddingKind === 'custom';
    this.field('padding.h').disabled = !custom;
    this.field('padding.w').disabled = !custom;
  }
}
