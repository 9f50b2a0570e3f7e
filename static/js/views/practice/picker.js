// The exercise picker: type (grouped by family), difficulty, seed. It names an
// exercise id "<type>.<difficulty>.<seed>.v<version>" and asks for it; the
// server decides whether the id is valid.

const $$ = (root, sel) => [...root.querySelectorAll(sel)];

export class Picker {
  /**
   * @param {HTMLFormElement} root the picker form
   * @param {object} catalog GET /api/exercises/types
   * @param {(id: string) => void} onPick asked for an exercise id
   */
  constructor(root, catalog, onPick) {
    this.root = root;
    this.catalog = catalog;
    this.onPick = onPick;
    this.type = root.querySelector('[data-pick="type"]');
    this.seed = root.querySelector('[data-pick="seed"]');
    this.error = root.querySelector('[data-pick="error"]');
    this.fillTypes();
    this.type.addEventListener('change', () => this.pick());
    for (const radio of $$(root, '[data-pick="difficulty"]')) {
      radio.addEventListener('change', () => this.pick());
    }
    // A seed being typed is not asked for yet: an answer arriving meanwhile must not undo it.
    this.seed.addEventListener('input', () => { this.typing = true; this.showError(''); });
    root.addEventListener('submit', (e) => { e.preventDefault(); this.pick(); });
    root.querySelector('[data-action="new"]').addEventListener('click', () => this.fresh());
  }

  fillTypes() {
    const families = new Map();
    for (const t of this.catalog.types) {
      if (!families.has(t.family)) {
        const group = document.createElement('optgroup');
        group.label = t.family;
        families.set(t.family, group);
        this.type.append(group);
      }
      families.get(t.family).append(new Option(t.title, t.type));
    }
  }

  spec(type) { return this.catalog.types.find((t) => t.type === type); }

  get difficulty() {
    const on = this.root.querySelector('[data-pick="difficulty"]:checked');
    return on ? Number(on.value) : 1;
  }

  /** Show the exercise's type, level and seed in the fields. */
  set(ex) {
    this.type.value = ex.type;
    for (const radio of $$(this.root, '[data-pick="difficulty"]')) {
      radio.checked = Number(radio.value) === ex.difficulty;
    }
    if (!this.typing) this.seed.value = String(ex.seed);
    this.root.querySelector('[data-pick="id"]').textContent = ex.id;
    this.notes();
    this.showError('');
  }

  notes() {
    const spec = this.spec(this.type.value);
    const level = spec?.levels.find((l) => l.level === this.difficulty);
    this.root.querySelector('[data-pick="type-note"]').textContent = spec ? spec.description : '';
    this.root.querySelector('[data-pick="level-note"]').textContent = level
      ? `Level ${level.level}: ${level.description}` : '';
  }

  /** The id the fields name, or null (with the reason shown) when the seed is not a seed. */
  id() {
    const spec = this.spec(this.type.value);
    const text = this.seed.value.trim();
    const [low, high] = this.catalog.seed_range;
    if (!/^\d+$/.test(text) || Number(text) < low || Number(text) > high) {
      this.showError(`The seed is a whole number from ${low} to ${high}, not “${this.seed.value}”.`);
      return null;
    }
    return `${spec.type}.${this.difficulty}.${Number(text)}.v${spec.version}`;
  }

  pick() {
    this.typing = false;
    this.notes();
    const id = this.id();
    if (id) this.onPick(id);
  }

  /** A fresh random seed for the chosen type and difficulty. */
  fresh() {
    const [low, high] = this.catalog.seed_range;
    const draw = new Uint32Array(1);
    window.crypto.getRandomValues(draw);
    this.seed.value = String(low + (draw[0] % (high - low + 1)));
    this.pick();
  }

  showError(text) {
    this.error.textContent = text;
    this.seed.classList.toggle('invalid', Boolean(text));
    this.seed.setAttribute('aria-invalid', String(Boolean(text)));
  }
}
