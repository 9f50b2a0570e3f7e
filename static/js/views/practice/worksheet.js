// The worksheet panel of the practice page: the current exercise's type and difficulty,
// from its seed on, as a file to download (GET /api/exercises/export).

const FORMATS = { markdown: 'Markdown, for printing', moodle: 'Moodle XML', gift: 'GIFT',
  qti: 'QTI 1.2 zip (Canvas, Blackboard)', json: 'JSON' };

export class WorksheetPanel {
  /** @param {HTMLElement} root the panel; @param {number} maxCount the largest worksheet */
  constructor(root, maxCount) {
    this.root = root;
    this.maxCount = maxCount;
    this.ex = null;
    this.q = (name) => root.querySelector(`[data-ws="${name}"]`);
    this.q('format').replaceChildren(...Object.entries(FORMATS).map(([value, label]) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      return option;
    }));
    this.q('count').max = String(maxCount);
    // A link that looks like a button answers Space as a button would.
    this.q('download').addEventListener('keydown', (e) => {
      if (e.key === ' ') { e.preventDefault(); e.currentTarget.click(); }
    });
    root.addEventListener('input', () => this.update());
    root.addEventListener('change', () => this.update());
  }

  /** Follow the exercise on screen. */
  follow(ex) { this.ex = ex; this.update(); }

  update() {
    const link = this.q('download');
    const raw = this.q('count').value.trim();
    const count = Number(raw);
    const ok = /^\d+$/.test(raw) && count >= 1 && count <= this.maxCount;
    this.q('error').textContent = ok ? '' : `The number of exercises must be 1 … ${this.maxCount}.`;
    this.q('count').setAttribute('aria-invalid', String(!ok));
    if (!ok || !this.ex) { link.removeAttribute('href'); link.setAttribute('aria-disabled', 'true'); return; }
    const query = new URLSearchParams({ format: this.q('format').value, type: this.ex.type,
      difficulty: String(this.ex.difficulty), seed: String(this.ex.seed), count: String(count),
      answers: String(this.q('answers').checked) });
    link.href = `/api/exercises/export?${query}`;
    link.removeAttribute('aria-disabled');
  }
}
