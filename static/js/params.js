// The parameter form: every /api/conv2d parameter per axis, bound to the
// state both ways, with the API's message shown beside the field it names.

const PAIRS = ['stride', 'padding', 'dilation'];

export class ParamsForm {
  constructor(root, onChange) {
    this.root = root;
    this.onChange = onChange;
    root.addEventListener('input', (event) => this.read(event.target));
    root.addEventListener('change', (event) => this.read(event.target));
  }

  field(name) { return this.root.querySelector(`[data-param="${name}"]`); }

  read(target) {
    const name = target.dataset.param;
    if (!name) return;
    const s = this.state;
    const [key, axis] = name.split('.');
    if (PAIRS.includes(key)) s[key][axis === 'h' ? 0 : 1] = target.value;
    else if (key === 'flip') s.flip = target.checked;
    else if (key === 'hideTodo') s.hideTodo = target.checked;
    else s[key] = target.value;
    this.onChange(key);
  }

  update(state) {
    this.state = state;
    for (const key of PAIRS) {
      this.setValue(`${key}.h`, state[key][0]);
      this.setValue(`${key}.w`, state[key][1]);
    }
    for (const key of ['paddingKind', 'groups', 'paddingMode']) this.setValue(key, state[key]);
    this.field('flip').checked = Boolean(state.flip);
    this.field('hideTodo').checked = Boolean(state.hideTodo);
    const custom = state.paddingKind === 'custom';
    this.field('padding.h').disabled = !custom;
    this.field('padding.w').disabled = !custom;
  }

  setValue(name, value) {
    const field = this.field(name);
    if (field && field !== document.activeElement) field.value = value;
  }

  /** Messages per field ({field: [msg, …]}); fields not named are cleared. */
  showErrors(byField) {
    for (const slot of this.root.querySelectorAll('[data-error-for]')) {
      const messages = byField[slot.dataset.errorFor] || [];
      slot.textContent = messages.join(' ');
      slot.hidden = messages.length === 0;
      const group = slot.closest('.param');
      if (group) group.classList.toggle('invalid', messages.length > 0);
    }
  }
}
