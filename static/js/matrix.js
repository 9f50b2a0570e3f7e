// The matrix page's entry point: the shared editors and parameters (shell),
// one request to POST /api/conv2d/matrix per change (debounced), and the
// player over the output cells: step k lights row k of C.

import * as api from './api.js';
import { Player } from './player.js';
import { kernel4 } from './lab-state.js';
import { Shell, remoteErrors } from './matrix-shell.js';
import { codecs } from './url-state.js';
import { MatrixStage } from './matrix-view.js';

const $ = (sel) => document.querySelector(sel);
const page = { resp: null, hover: null, pinned: null, gen: 0, timer: null, key: null, body: null,
  controller: null };

const SYMBOLIC = { key: 'symbolic', url: 'symbolic', codec: codecs.flag, def: false };
const shell = new Shell('matrix', [SYMBOLIC], {
  changed,
  unpin: () => { page.pinned = null; render(); },
  errorSlots: { symbolic: showSymbolicError },
});
const player = new Player($('[data-player-root]'), (index) => {
  shell.state.step = String(index);
  shell.save();
  render();
}, (level) => { shell.state.speed = String(level); shell.save(); });
const stage = new MatrixStage($('[data-stage-root]'), (focus) => { page.hover = focus; render(); });

function showSymbolicError(errors) {
  const slot = $('[data-error-for="symbolic"]');
  slot.textContent = errors.map((e) => e.msg).join(' ');
  slot.hidden = errors.length === 0;
}

function changed(what, typing, { body, errors }) {
  const s = shell.state;
  $('[data-symbolic]').checked = Boolean(s.symbolic);
  if (String(player.speed) !== s.speed) player.setSpeed(s.speed);
  if (what === 'hideTodo' || what === 'present') return;
  shell.showErrors(errors);
  if (errors.length) {
    clearTimeout(page.timer);
    shell.setStatus('Showing the last valid result: fix the marked fields.', true);
    return;
  }
  body.symbolic = Boolean(s.symbolic);
  body.trace = false; // the rows of C say which cells each output reads
  const key = JSON.stringify(body);
  if (key === page.key && page.resp) return;
  page.key = key;
  page.body = body;
  clearTimeout(page.timer);
  page.timer = setTimeout(send, typing ? 160 : 0);
}

async function send() {
  const gen = ++page.gen;
  if (page.controller) page.controller.abort();
  page.controller = new AbortController();
  const body = page.body;
  updateTwin();
  try {
    const resp = await api.conv2dMatrix(body, page.controller.signal);
    if (gen !== page.gen) return;
    shell.showErrors([]);
    const stale = $('[data-stage-root]').classList.contains('stale');
    shell.setStatus(stale ? '' : $('[data-status]').textContent);
    page.resp = resp;
    stage.setData(resp, kernel4(body.kernel), body.symbolic);
    player.setTotal(resp.output_flat.length);
    player.set(Number(shell.state.step) || 0, true);
    render();
  } catch (err) {
    if (err.name === 'AbortError' || gen !== page.gen) return;
    if (!(err instanceof api.ApiError)) console.error(err.stack);
    page.key = null;
    shell.showErrors(remoteErrors(err));
    shell.setStatus('The server refused these settings: see the message next to the field.', true);
  }
}

function render() {
  if (!page.resp) return;
  stage.show(player.index, page.hover || page.pinned);
}

function updateTwin() {
  if (!$('.twin').open || !page.body) return;
  const json = JSON.stringify(page.body);
  $('[data-twin="body"]').textContent = JSON.stringify(page.body, null, 1).slice(0, 20000);
  $('[data-twin="curl"]').textContent = `curl -s ${window.location.origin}/api/conv2d/matrix `
    + `-H 'content-type: application/json' -d '${json.length > 4000 ? '@body.json' : json}'`;
}

$('[data-symbolic]').addEventListener('change', (e) => {
  shell.state.symbolic = e.target.checked;
  shell.changed('symbolic');
});
$('[data-stage-root]').addEventListener('click', () => {
  page.pinned = page.hover && JSON.stringify(page.hover) !== JSON.stringify(page.pinned)
    ? page.hover : null;
  render();
});
$('.twin').addEventListener('toggle', updateTwin);

shell.start();
