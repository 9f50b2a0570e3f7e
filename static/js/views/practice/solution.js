// The worked solution: the server's steps as text, the answer (a grid, a
// labelled list or one number) and the links into the animated views.

import { Grid } from '../../core/grid.js';
import { maxAbs } from '../../core/colors.js';

// The key as the steps write it ("35/9", "−3"): the same form in the steps and the answer.
const shown = (text) => String(text).replace(/-/g, '\u2212');

export class SolutionView {
  /** @param {HTMLElement} root the solution panel */
  constructor(root) {
    this.root = root;
    this.steps = root.querySelector('[data-s="steps"]');
    this.answer = root.querySelector('[data-s="answer"]');
    this.links = root.querySelector('[data-s="links"]');
  }

  hide() {
    this.root.hidden = true;
    this.steps.replaceChildren();
    this.answer.replaceChildren();
    this.links.replaceChildren();
  }

  /** Show solution `sol` of exercise `ex`; `links` are [{href, text}] (maybe empty). */
  show(ex, sol, links) {
    this.steps.replaceChildren(...sol.steps.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }));
    this.answer.replaceChildren();
    if (ex.answer_kind === 'grid') {
      const maps = document.createElement('div');
      maps.className = 'maps';
      const grid = new Grid(maps, sol.answer.length, sol.answer[0].length,
        { kind: 'answer', caption: ex.answer_name });
      grid.setValues(sol.answer, maxAbs(sol.answer), sol.answer_text.map((row) => row.map(shown)));
      this.answer.append(maps);
    } else {
      const list = document.createElement('dl');
      list.className = 'answer-list';
      const texts = ex.answer_kind === 'vector' ? sol.answer_text : [sol.answer_text];
      texts.forEach((text, i) => {
        const dt = document.createElement('dt');
        dt.textContent = ex.answer_kind === 'vector' && ex.answer_labels
          ? ex.answer_labels[i] : ex.answer_name;
        const dd = document.createElement('dd');
        dd.textContent = shown(text);
        list.append(dt, dd);
      });
      this.answer.append(list);
    }
    this.links.replaceChildren();
    if (links.length === 0) {
      this.links.textContent = 'No animated view of this kind of exercise yet.';
    }
    links.forEach((link, i) => {
      if (i > 0) this.links.append(' · ');
      const a = document.createElement('a');
      a.href = link.href;
      a.textContent = link.text;
      a.dataset.watch = String(i);
      this.links.append(a);
    });
    this.root.hidden = false;
  }
}
