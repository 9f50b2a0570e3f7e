// The formula panels: FormulaPanel, the current output cell's equation with
// the real numbers, one line per input channel when there are several; and
// TermPanel (matrix and backward pages), lines of "label = a·b + c·d + … =
// value". Elements are built once per layout and patched on every step; every
// value goes in as text.

import { fmt, fmtFactor } from './numbers.js';
import { cellName } from './names.js';

const MAX_TERMS = 27;
const HEAD = 9;
const TAIL = 4;
function span(cls, text = '') {
  const el = document.createElement('span');
  el.className = cls;
  el.textContent = text;
  return el;
}

/** The slots every formula panel fills: its title, a note beside it, the lines. */
class Panel {
  constructor(root) {
    this.root = root;
    this.title = root.querySelector('[data-f="cell"]');
    this.where = root.querySelector('[data-f="where"]');
    this.lines = root.querySelector('[data-f="lines"]');
    this.layout = '';
    // What a screen reader announces at each step: the formula in words, once (the panel
    // itself is no longer a live region, or it would be read symbol by symbol).
    root.removeAttribute('aria-live');
    this.spoken = document.createElement('p');
    this.spoken.className = 'sr-only';
    this.spoken.setAttribute('aria-live', 'polite');
    this.spoken.dataset.f = 'spoken';
    root.append(this.spoken);
  }

  /** Say the panel's current content in words. */
  speak() {
    const lines = [...this.lines.querySelectorAll('.eq, .eq-total')].filter((l) => !l.hidden)
      .map((l) => l.textContent).join('; ');
    this.spoken.textContent = inWords(`${this.title.textContent}, ${this.where.textContent}: `
      + lines);
  }
}

/** A formula as a sentence: "3·1 + 2·(−2) = −1" reads "3 times 1 plus 2 times minus 2
 * equals minus 1". */
export function inWords(text) {
  return text.replace(/\s*·\s*/g, ' times ').replace(/\s*\+\s*/g, ' plus ')
    .replace(/\s*=\s*/g, ' equals ').replace(/[()]/g, '').replace(/−/g, 'minus ')
    .replace(/\s+/g, ' ').trim();
}

export class FormulaPanel extends Panel {
  build(channels, taps) {
    const shown = taps > MAX_TERMS ? HEAD + TAIL : taps;
    const lines = [];
    this.rows = [];
    for (let ci = 0; ci < channels; ci += 1) {
      const line = document.createElement('p');
      line.className = 'eq';
      const label = span('eq-label');
      const terms = [];
      const body = span('eq-terms');
      for (let t = 0; t < shown; t += 1) {
        if (t > 0) body.append(span('op', ' + '));
        if (taps > MAX_TERMS && t === HEAD) body.append(span('more', '… '), span('op', '+ '));
        const term = span('term');
        term.append(span('x'), span('op', '·'), span('w'));
        body.append(term);
        terms.push(term);
      }
      line.append(label, body, span('op', ' = '), span('eq-sum'));
      lines.push(line);
      this.rows.push({ line, label, terms });
    }
    this.total = document.createElement('p');
    this.total.className = 'eq eq-total';
    lines.push(this.total);
    this.lines.replaceChildren(...lines);
    this.taps = taps;
  }

  /** Show `formula` (from trace.formulaOf) or a message when the step is not loaded;
   * `secret`: the terms only, every sum shown as "?" (the lab's quiz). */
  render(formula, shape, message = '', secret = false) {
    if (!formula) {
      this.title.textContent = '…';
      this.where.textContent = message;
      this.lines.replaceChildren();
      this.layout = '';
      this.spoken.textContent = '';
      return;
    }
    const [o, r, c] = formula.out;
    const taps = formula.channels[0].terms.length;
    const layout = `${formula.channels.length}x${taps}`;
    if (layout !== this.layout) { this.build(formula.channels.length, taps); this.layout = layout; }
    this.title.textContent = cellName(r, c);
    this.where.textContent = `${shape[0] > 1 ? `output channel ${o + 1}, ` : ''}row ${r + 1}, `
      + `column ${c + 1} (counting from 1)`;
    const several = formula.channels.length > 1;
    formula.channels.forEach((ch, ci) => {
      const row = this.rows[ci];
      row.label.textContent = several ? `channel ${ch.channel + 1}: ` : '';
      const picked = taps > MAX_TERMS ? [...ch.terms.slice(0, HEAD), ...ch.terms.slice(-TAIL)]
        : ch.terms;
      picked.forEach((term, k) => {
        const el = row.terms[k];
        el.children[0].textContent = fmtFactor(term.x);
        el.children[2].textContent = fmtFactor(term.w);
        el.classList.toggle('pad', term.pad);
        el.dataset.tap = String(term.tap);
      });
      const sumEl = row.line.lastChild;
      if (several) sumEl.textContent = secret ? '?' : fmt(ch.sum);
      row.line.hidden = false;
      // one channel: the bias joins the same line, which ends in the value
      if (!several) sumEl.textContent = secret ? '?' : fmt(formula.value);
    });
    this.renderTotal(formula, several, secret);
    this.speak();
  }

  renderTotal(formula, several, secret = false) {
    const parts = [];
    if (several) parts.push(...formula.channels.map((ch) => (secret ? '?' : fmtFactor(ch.sum))));
    const biasText = formula.bias ? fmtFactor(formula.bias) : '';
    this.total.hidden = !several;
    if (!several) {
      const terms = this.rows[0].line.querySelector('.eq-terms');
      let bias = terms.querySelector('.bias');
      if (!bias) { bias = span('bias'); terms.append(bias); }
      bias.textContent = biasText ? ` + ${biasText}` : '';
      bias.title = biasText ? 'bias b' : '';
      return;
    }
    if (biasText) parts.push(biasText);
    this.total.textContent = `${parts.join(' + ')} = ${secret ? '?' : fmt(formula.value)}`;
    this.total.prepend(span('eq-label', formula.bias ? 'sum + b: ' : 'sum: '));
  }
}

export class TermPanel extends Panel {
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
    this.speak();
  }
}
