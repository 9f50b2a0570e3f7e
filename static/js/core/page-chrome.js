// The chrome every page with a player shares: presentation mode, copy link,
// the JSON twin, Esc to unpin, P to present; the status line and error
// placement.

import { ownsKey } from './shortcuts.js';
import { HIDEABLE, snippet } from './embed.js';
import * as api from './api.js';
import { bindExport } from './export-menu.js';

const $ = (sel) => document.querySelector(sel);

/**
 * @param opts.url       the page's UrlState (url-state.js)
 * @param opts.getState  () => the page state
 * @param opts.changed   (what) => void, called after present toggles
 * @param opts.unpin     () => void
 * @param opts.endpoint  "/api/…" for the curl line
 * @param opts.body      () => the last request body
 * @param opts.action    the buttons' data-action-<action> attribute ("page"; the lab's "lab")
 */
export function bindChrome(opts) {
  const button = (name) => $(`[data-action-${opts.action || 'page'}="${name}"]`);
  const togglePresent = () => {
    const s = opts.getState();
    s.present = !s.present;
    opts.changed('present');
  };
  button('present').addEventListener('click', togglePresent);
  // Presenting, the editors fold into a drawer over the stage: E or the button opens it.
  const editors = button('editors');
  const toggleEditors = (open = !document.body.classList.contains('editors-open')) => {
    document.body.classList.toggle('editors-open', open);
    if (editors) editors.setAttribute('aria-expanded', String(open));
  };
  if (editors) editors.addEventListener('click', () => toggleEditors());
  const share = button('share');
  opts.url.onTooLarge = (tooLarge) => {
    share.title = tooLarge ? 'This state is too large for a link (over 2 MB even compressed); '
      + 'it is kept in this browser and restored on reload' : 'Copy a link that restores this exact demo';
    if (tooLarge) setStatus('Too large for a link: this state is kept in this browser only.');
  };
  share.addEventListener('click', async (e) => {
    if (opts.url.tooLarge) {
      e.target.textContent = 'Too large for a link';
      setTimeout(() => { e.target.textContent = 'Copy link'; }, 2400);
      return;
    }
    const link = opts.url.link(opts.getState());
    try { await navigator.clipboard.writeText(link); e.target.textContent = 'Link copied'; } catch {
      e.target.textContent = 'Copy failed: use the address bar';
    }
    setTimeout(() => { e.target.textContent = 'Copy link'; }, 1800);
  });
  $('.twin').addEventListener('toggle', () => showTwin(opts.endpoint, opts.body()));
  bindEmbed(opts);
  bindCode(opts);
  bindExport(opts);
  // The JSON panel covers the stage: a click outside it closes it.
  document.addEventListener('click', (e) => {
    if ($('.twin').open && !e.target.closest('.twin')) $('.twin').open = false;
  });
  document.addEventListener('keydown', (e) => {
    if (ownsKey(e.target, e.key)) return;
    if (e.key === 'Escape' && $('.twin').open) { $('.twin').open = false; return; }
    if (e.key === 'Escape' && document.body.classList.contains('editors-open')) {
      toggleEditors(false);
      return;
    }
    if ((e.key === 'e' || e.key === 'E') && document.body.classList.contains('present')
        && !e.ctrlKey && !e.metaKey && !e.altKey) toggleEditors();
    if (e.key === 'Escape') opts.unpin();
    if ((e.key === 'p' || e.key === 'P') && !e.ctrlKey && !e.metaKey && !e.altKey) togglePresent();
  });
}

// The Code panel's views (POST /api/code), and the part of each page's body they take.
const CODE_VIEWS = {
  '/api/conv2d': ['conv2d', (b) => b],
  '/api/conv2d/matrix': ['conv2d', ({ symbolic, ...b }) => b],
  '/api/conv2d/backward': ['conv2d/backward', (b) => b],
  '/api/conv_transpose2d': ['conv_transpose2d', (b) => b],
  '/api/pool2d': ['pool2d', (b) => b],
  '/api/pipeline': ['pipeline', (b) => ({ input: b.input, stages: b.stages })],
  '/api/conv1d': ['conv1d', (b) => b],
  '/api/conv3d': ['conv3d', (b) => b],
  '/api/network': ['network', (b) => b],
};

/** The Code panel: the PyTorch and NumPy snippets of the current request. */
function bindCode(opts) {
  const panel = $('.code-panel');
  if (!panel) return;
  const view = CODE_VIEWS[opts.endpoint];
  if (!view) { panel.hidden = true; return; }
  const q = (n) => panel.querySelector(`[data-code="${n}"]`);
  const fill = async () => {
    const body = opts.body();
    if (!body) return;
    q('pytorch').textContent = 'Writing the code…';
    try {
      const answer = await api.code({ view: view[0], request: view[1](body) });
      q('pytorch').textContent = answer.pytorch;
      q('numpy').textContent = answer.numpy || '';
      q('numpy').hidden = !answer.numpy;
      panel.querySelector('[data-code-head="numpy"]').hidden = !answer.numpy;
      panel.querySelector('[data-code-copy="numpy"]').hidden = !answer.numpy;
    } catch (err) {
      q('pytorch').textContent = `No code for this state: ${err.message}`;
      q('numpy').textContent = '';
    }
  };
  panel.addEventListener('toggle', () => { if (panel.open) fill(); });
  for (const button of panel.querySelectorAll('[data-code-copy]')) {
    button.addEventListener('click', async () => {
      const text = q(button.dataset.codeCopy).textContent;
      try { await navigator.clipboard.writeText(text); button.textContent = 'Copied'; } catch {
        button.textContent = 'Select and copy the text above';
      }
      setTimeout(() => { button.textContent = `Copy the ${button.dataset.codeCopy === 'numpy' ? 'NumPy' : 'PyTorch'}`; }, 1800);
    });
  }
  document.addEventListener('click', (e) => {
    if (panel.open && !e.target.closest('.code-panel')) panel.open = false;
  });
}

/** The Embed panel: the snippet of the current state, with the panels ticked hidden. */
function bindEmbed(opts) {
  const panel = $('.embed-panel');
  if (!panel) return;
  const q = (n) => panel.querySelector(`[data-embed="${n}"]`);
  const present = Object.entries(HIDEABLE).filter(([, [sel]]) => document.querySelector(sel));
  q('hide').replaceChildren(...present.map(([name, [, words]]) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = name;
    box.addEventListener('change', () => fill());
    label.append(box, ` hide ${words}`);
    return label;
  }));
  const fill = () => {
    const hide = [...q('hide').querySelectorAll('input:checked')].map((b) => b.value);
    const link = opts.url.link(opts.getState());
    const text = snippet(link, hide, `convviz: ${document.title.replace(/^convviz · /, '')}`);
    q('snippet').value = text;
    q('open').href = /src="([^"]+)"/.exec(text)[1].replace(/&amp;/g, '&');
  };
  panel.addEventListener('toggle', () => { if (panel.open) fill(); });
  q('copy').addEventListener('click', async (e) => {
    fill();
    try { await navigator.clipboard.writeText(q('snippet').value); e.target.textContent = 'Snippet copied'; } catch {
      q('snippet').select();
      e.target.textContent = 'Press Ctrl+C to copy';
    }
    setTimeout(() => { e.target.textContent = 'Copy the snippet'; }, 1800);
  });
  document.addEventListener('click', (e) => {
    if (panel.open && !e.target.closest('.embed-panel')) panel.open = false;
  });
}

/** Present mode on the body and the button. */
export function showPresent(on, action = 'page') {
  document.body.classList.toggle('present', on);
  $(`[data-action-${action}="present"]`).setAttribute('aria-pressed', String(on));
}

export function showTwin(endpoint, body) {
  if (!$('.twin').open || !body) return;
  const json = JSON.stringify(body);
  $('[data-twin="body"]').textContent = JSON.stringify(body, null, 1).slice(0, 20000);
  $('[data-twin="curl"]').textContent = `curl -s ${window.location.origin}${endpoint} `
    + `-H 'content-type: application/json' -d '${json.length > 4000 ? '@body.json' : json}'`;
}

export function setStatus(text, stale = false) {
  $('[data-status]').textContent = text;
  $('[data-stage-root]').classList.toggle('stale', stale);
}

/**
 * Put each error beside its field: matrix fields go to their editor, the rest
 * to the parameter form (unknown names under "other").
 */
export function placeErrors(errors, editors, fields, alias = {}) {
  const byField = {};
  const forEditor = Object.fromEntries(Object.keys(editors).map((k) => [k, []]));
  for (const e of errors) {
    const name = alias[e.field] || e.field;
    if (name in forEditor) { forEditor[name].push(e); continue; }
    const key = fields.has(name) ? name : 'other';
    (byField[key] = byField[key] || []).push(e.msg);
  }
  for (const [k, editor] of Object.entries(editors)) editor.showErrors(forEditor[k]);
  fields.showErrors(byField);
}

/** Mark, once `ready` settles, that the page has drawn an answer in full (heatmaps
 * included): benchmarks/bench_views.py times a parameter change to this mark. */
export function markPainted(ready) {
  Promise.resolve(ready).finally(() => {
    performance.clearMarks('convviz:painted');
    performance.mark('convviz:painted');
  });
}
