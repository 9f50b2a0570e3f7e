// The answer form: text fields shaped like the answer (one field, a labelled
// row, or rows × cols), moved through with Enter and the arrow keys. It keeps
// the raw text: the server reads and grades it. Feedback marks fields in place.

const key = (index) => index.join(',');

export class AnswerForm {
  /**
   * @param {HTMLElement} root where the fields go
   * @param {HTMLElement} errorList the <ul> for format errors
   * @param {() => void} onInput the user typed
   */
  constructor(root, errorList, onInput) {
    this.root = root;
    this.errorList = errorList;
    this.onInput = onInput;
    this.fields = [];
    this.byIndex = new Map();
    this.kind = 'scalar';
    root.addEventListener('input', (e) => {
      const field = this.fields.find((f) => f.input === e.target);
      if (field) this.unmark(field);
      this.onInput();
    });
    root.addEventListener('keydown', (e) => this.keydown(e));
  }

  /** Build the fields for exercise `ex`, filled from `saved` raw text (or empty). */
  build(ex, saved) {
    this.kind = ex.answer_kind;
    this.shape = ex.answer_shape || [];
    this.fields = [];
    this.byIndex = new Map();
    this.root.replaceChildren();
    this.errorList.replaceChildren();
    const wrap = document.createElement('div');
    wrap.className = `answer-${this.kind}`;
    if (this.kind === 'grid') {
      const [rows, cols] = this.shape;
      wrap.style.setProperty('--cols', String(cols));
      for (let r = 0; r < rows; r += 1) {
        for (let c = 0; c < cols; c += 1) {
          // Named from 1, as the lectures and the feedback do (the API's index is 0-based).
          wrap.append(this.field([r, c], `${ex.answer_name}[${r + 1}, ${c + 1}]`, saved?.[r]?.[c]));
        }
      }
    } else if (this.kind === 'vector') {
      for (let i = 0; i < this.shape[0]; i += 1) {
        const label = ex.answer_labels ? ex.answer_labels[i] : `${ex.answer_name}[${i + 1}]`;
        const item = document.createElement('label');
        item.className = 'answer-item';
        const name = document.createElement('span');
        name.className = 'answer-label';
        name.textContent = label;
        item.append(name, this.field([i], label, saved?.[i]));
        wrap.append(item);
      }
    } else {
      wrap.append(this.field([], ex.answer_name, typeof saved === 'string' ? saved : ''));
    }
    this.root.append(wrap);
  }

  field(index, label, text) {
    const input = document.createElement('input');
    input.type = 'text';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.className = 'answer-cell';
    input.value = typeof text === 'string' ? text : '';
    input.setAttribute('aria-label', label);
    input.dataset.index = key(index);
    const f = { input, index, label, note: null };
    this.fields.push(f);
    this.byIndex.set(key(index), f);
    return input;
  }

  /** The raw text, shaped like the answer: a string, a list, or a list of rows. */
  value() {
    if (this.kind === 'scalar') return this.fields[0].input.value;
    if (this.kind === 'vector') return this.fields.map((f) => f.input.value);
    const [rows, cols] = this.shape;
    return Array.from({ length: rows }, (_, r) => Array.from({ length: cols },
      (_, c) => this.byIndex.get(key([r, c])).input.value));
  }

  focusFirst() { this.fields[0]?.input.focus(); }

  unmark(f) {
    f.input.classList.remove('right', 'wrong', 'invalid');
    f.input.removeAttribute('aria-invalid');
    f.input.removeAttribute('aria-describedby');
    if (f.note) { f.note.remove(); f.note = null; }
  }

  clearMarks() {
    for (const f of this.fields) this.unmark(f);
    this.errorList.replaceChildren();
  }

  /** Mark every field right or wrong from the check's `cells` (shaped like the answer). */
  markCells(cells) {
    for (const f of this.fields) {
      const ok = f.index.reduce((v, i) => v[i], cells);
      f.input.classList.add(ok ? 'right' : 'wrong');
      f.input.classList.remove(ok ? 'wrong' : 'right');
      if (!ok) f.input.setAttribute('aria-invalid', 'true');
    }
  }

  /** Mark the fields the server could not read, each with its reason. */
  markFormat(errors) {
    errors.forEach((err, n) => {
      const f = this.byIndex.get(key(err.index));
      const item = document.createElement('li');
      item.id = `format-error-${n}`;
      item.textContent = f ? `${f.label}: ${err.msg}` : err.msg;
      this.errorList.append(item);
      if (!f) return;
      f.input.classList.add('invalid');
      f.input.setAttribute('aria-invalid', 'true');
      f.input.setAttribute('aria-describedby', item.id);
      f.note = item;
    });
  }

  /** Enter: next field; arrows: neighbours (left/right only at the text's edge). */
  keydown(e) {
    const at = this.fields.findIndex((f) => f.input === e.target);
    if (at < 0 || e.ctrlKey || e.metaKey || e.altKey) return;
    const input = e.target;
    const cols = this.kind === 'grid' ? this.shape[1] : 1;
    let to = null;
    if (e.key === 'Enter') to = e.shiftKey ? at - 1 : at + 1;
    else if (e.key === 'ArrowDown') to = at + cols;
    else if (e.key === 'ArrowUp') to = at - cols;
    else if (e.key === 'ArrowRight' && input.selectionStart === input.value.length) to = at + 1;
    else if (e.key === 'ArrowLeft' && input.selectionEnd === 0) to = at - 1;
    if (to === null) return;
    e.preventDefault();
    if (e.key === 'Enter' && to >= this.fields.length) {
      this.root.closest('section').querySelector('[data-action="check"]').focus();
      return;
    }
    const next = this.fields[to];
    if (next) { next.input.focus(); next.input.select(); }
  }
}
