// The practice page's entry point: one exercise at a time, named by its id in
// the URL (?id=…); the typed answer is kept per id in localStorage; the server
// grades it and writes the worked solution.

import * as api from '../../core/api.js';
import { Picker } from './picker.js';
import { renderGivens } from './givens.js';
import { AnswerForm } from './answer.js';
import { SolutionView } from './solution.js';
import { animatedLinks, availableViews } from './links.js';
import { WorksheetPanel } from './worksheet.js';
import { ownsKey } from '../../core/shortcuts.js';

const DRAFT = 'convviz.practice.v1.';
const PRESENT = 'convviz.practice.present';
const DEFAULT_TYPE = 'conv-output';

const $ = (sel) => document.querySelector(sel);
const page = { ex: null, gen: 0 };

const answer = new AnswerForm($('[data-a="fields"]'), $('[data-a="format-errors"]'), () => {
  saveDraft();
  $('[data-feedback]').classList.add('stale');
});
const solution = new SolutionView($('[data-solution]'));
let picker = null;
let worksheet = null;

function setStatus(text, bad = false) {
  $('[data-status]').textContent = text;
  $('[data-status]').classList.toggle('bad', bad);
}

function saveDraft() {
  if (!page.ex) return;
  try { window.localStorage.setItem(DRAFT + page.ex.id, JSON.stringify(answer.value())); } catch {
    /* private mode: the draft lives in the page only */
  }
}

function loadDraft(id) {
  try { return JSON.parse(window.localStorage.getItem(DRAFT + id) ?? 'null'); } catch { return null; }
}

/** Ask for exercise `id` and show it (errors go next to the picker). */
async function open(id) {
  const gen = ++page.gen;
  setStatus(`Loading ${id}…`);
  try {
    const ex = await api.exercise(id);
    if (gen !== page.gen) return;
    show(ex);
    setStatus('');
  } catch (err) {
    if (gen !== page.gen) return;
    picker.showError(err instanceof api.ApiError ? err.message : `The server did not answer: ${err.message}`);
    setStatus('That exercise could not be loaded: see the message under the seed.', true);
    if (!page.ex) {  // nothing shown yet (a bad link): say so instead of "Loading…"
      $('[data-q="title"]').textContent = 'No exercise loaded';
      $('[data-q="prompt"]').textContent = 'Pick a type, a level and a seed on the left, or press '
        + 'New exercise.';
    }
  }
}

function show(ex) {
  const first = !page.ex;
  page.ex = ex;
  picker.set(ex);
  worksheet.follow(ex);
  const query = `?id=${encodeURIComponent(ex.id)}`;
  // Each exercise after the first is a step in the history: Back returns to the last one.
  if (window.location.search !== query) {
    if (first) window.history.replaceState(null, '', query);
    else window.history.pushState(null, '', query);
  }
  $('[data-twin="exercise"]').href = `/api/exercises/${encodeURIComponent(ex.id)}`;
  document.title = `convviz · practice · ${ex.title}`;
  $('[data-q="title"]').textContent = ex.title;
  $('[data-q="level"]').textContent = `difficulty ${ex.difficulty} · seed ${ex.seed}`;
  $('[data-q="prompt"]').textContent = ex.accepts ? `${ex.prompt} ${ex.accepts}` : ex.prompt;
  renderGivens($('[data-q="givens"]'), ex);
  $('[data-a="name"]').textContent = ex.answer_name;
  $('[data-a="tolerance"]').textContent = ex.tolerance > 0
    ? `answers within ${ex.tolerance} of the exact value count as right.` : 'the answer must be exact.';
  answer.build(ex, loadDraft(ex.id));
  $('[data-feedback]').hidden = true;
  solution.hide();
}

async function check() {
  if (!page.ex) return;
  const ex = page.ex;
  saveDraft();
  try {
    const result = await api.checkAnswer(ex.id, answer.value());
    if (page.ex !== ex) return;
    showResult(result);
  } catch (err) {
    setStatus(`The answer could not be checked: ${err.message}`, true);
  }
}

function showResult(result) {
  answer.clearMarks();
  const box = $('[data-feedback]');
  box.hidden = false;
  box.classList.remove('stale');
  box.dataset.status = result.status;
  const score = $('[data-f="score"]');
  if (result.status === 'format_error') {
    answer.markFormat(result.format_errors);
    score.textContent = 'Not graded'; // the server's message below says what to fix
    delete score.dataset.score;
  } else {
    answer.markCells(result.cells);
    score.textContent = `Score ${Math.round(result.score * 100)} %`;
    score.dataset.score = String(result.score);
  }
  $('[data-f="message"]').textContent = result.message;
}

async function reveal() {
  if (!page.ex) return;
  const ex = page.ex;
  try {
    const sol = await api.exerciseSolution(ex.id);
    let links = [];
    try { links = await animatedLinks(ex, sol, availableViews()); } catch (err) {
      setStatus(`No link into the animated view: ${err.message}`, true);
    }
    if (page.ex !== ex) return;
    solution.show(ex, sol, links);
    $('[data-solution]').scrollIntoView({ block: 'nearest' });
  } catch (err) {
    setStatus(`The solution could not be loaded: ${err.message}`, true);
  }
}

function setPresent(on) {
  document.body.classList.toggle('present', on);
  $('[data-action="present"]').setAttribute('aria-pressed', String(on));
  try { window.localStorage.setItem(PRESENT, on ? '1' : '0'); } catch { /* private mode */ }
}

function bindChrome() {
  $('[data-action="check"]').addEventListener('click', check);
  $('[data-action="solution"]').addEventListener('click', reveal);
  $('[data-action="present"]').addEventListener('click',
    () => setPresent(!document.body.classList.contains('present')));
  $('[data-action="share"]').addEventListener('click', async (e) => {
    try { await navigator.clipboard.writeText(window.location.href); e.target.textContent = 'Link copied'; } catch {
      e.target.textContent = 'Copy failed: use the address bar';
    }
    setTimeout(() => { e.target.textContent = 'Copy link'; }, 1800);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (ownsKey(e.target, e.key)) return;
    if (e.key === 'n' || e.key === 'N') picker.fresh();
    else if (e.key === 's' || e.key === 'S') reveal();
    else if (e.key === 'p' || e.key === 'P') setPresent(!document.body.classList.contains('present'));
  });
}

async function main() {
  bindChrome();
  try { setPresent(window.localStorage.getItem(PRESENT) === '1'); } catch { /* private mode */ }
  let catalog;
  try { catalog = await api.exerciseTypes(); } catch (err) {
    setStatus(`The exercise types could not be loaded: ${err.message}`, true);
    return;
  }
  picker = new Picker($('[data-picker]'), catalog, open);
  worksheet = new WorksheetPanel($('[data-worksheet]'), catalog.max_count);
  window.addEventListener('popstate', () => {
    const back = new URLSearchParams(window.location.search).get('id');
    if (back && back !== page.ex?.id) open(back);
  });
  const id = new URLSearchParams(window.location.search).get('id');
  if (id) { open(id); return; }
  picker.type.value = DEFAULT_TYPE;
  picker.fresh();
}

main();
