// A parameter form: fields named data-param="key" (one value) or "key.h" /
// "key.w" (a per-axis pair), checkboxes as booleans, bound to the state both
// ways; messages shown beside the field they name. params.js extends it.

export class Fields {
  constructor(root, onChange) {
    this.root = root;
    this.onChange = onChange;
    root.addEventListener('input', (event) => this.read(event.target));
    root.addEventListener('change', (event) => this.read(event.target));
  }

  all() { return [...this.root.querySelectorAll('[data-param]')]; }

  read(target) {
    const name = target.dataset && target.dataset.param;
    if (!name || !this.state) return;
    const [key, axis] = name.split('.');
    if (axis) this.state[key][axis === 'h' ? 0 : 1] = target.value;
    else this.state[key] = target.type === 'checkbox' ? target.checked : target.value;
    this.onChange(key);
  }

  update(state) {
    this.state = state;
    for (const field of this.all()) {
      if (field === document.activeElement) continue;
      const [key, axis] = field.dataset.param.split('.');
      const value = axis ? state[key][axis === 'h' ? 0 : 1] : state[key];
      if (field.type === 'checkbox') field.checked = Boolean(value);
      else field.value = value;
    }
  }

  /** Does a field (or error slot) carry this name? */
  has(key) { return Boolean(this.root.querySelector(`[data-error-for="${key}"]`)); }

  /** Messages per field ({key: [msg, …]}); fields not named are cleared. */
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
