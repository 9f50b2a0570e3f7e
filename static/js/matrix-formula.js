// The formula panel of the matrix and backward pages: a title and lines of
// "label = a·b + c·d + … = value". Elements are built once per layout (lines
// × terms) and patched on every step; every value goes in as text.

function span(cls, text = '') {
  const el = document.createElement('span');
  el.className = cls;
  el.textContent = text;
  return el;
}

export class TermPanel {
  constructor(root) {
    this.root = root;
    this.title = root.querySelector('[data-f="cell"]');
    this.where = root.querySelector('[data-f="where"]');
    this.lines = root.querySelector('[data-f="lines"]');
    this.layout = '';
  }

  build(lines) {
    this.rows = lines.map((line) => {
      const p = document.createElement('p');
      p.className = 'eq';
      const label = span('eq-label');
      const body = span('eq-terms');
      const terms = line.terms.map((_, t) => {
        if (t > 0) body.append(span('op', ' + '));
        const term = span('term');
        term.append(span('x'), span('op', '·'), span('w'));
        body.append(term);
        return term;
      });
      const tail = span('bias');
      body.append(tail);
      const sum = span('eq-sum');
      const equals = span('op', ' = ');
      const op = span('op', ' = ');
      p.append(label, op, body, equals, sum);
      return { p, label, op, body, terms, tail, sum, equals };
    });
    this.lines.replaceChildren(...this.rows.map((r) => r.p));
  }

  /**
   * @param title  e.g. "δx₂₂"
   * @param where  a note beside it
   * @param lines  [{label, op?, terms: [[a, b, fresh?]], tail, sum}]
   */
  render(title, where, lines) {
    this.title.textContent = title;
    this.where.textContent = where;
    const layout = lines.map((l) => l.terms.length).join(',');
    if (layout !== this.layout) { this.build(lines); this.layout = layout; }
    lines.forEach((line, i) => {
      const row = this.rows[i];
      row.label.textContent = line.label;
      row.op.textContent = line.op || ' = ';
      row.p.dataset.label = line.label;
      line.terms.forEach(([a, b, fresh], t) => {
        const term = row.terms[t];
        term.children[0].textContent = a;
        term.children[2].textContent = b;
        term.classList.toggle('fresh', Boolean(fresh));
      });
      row.tail.textContent = line.tail || (line.terms.length ? '' : '0');
      row.sum.textContent = line.sum ?? '';
      row.equals.textContent = line.sum ? ' = ' : '';
      row.p.classList.toggle('eq-cont', !line.label);
    });
  }
}
