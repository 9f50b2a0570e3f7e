// The matrix page's entry point: the shared editors and parameters (shell),
// one request to POST /api/conv2d/matrix per change (debounced), and the
// player over the output cells: step k lights row k of C.

import * as api from '../../core/api.js';
import { Player } from '../../core/player.js';
import { kernel4 } from '../../core/conv-state.js';
import { Shell } from '../../core/conv-shell.js';
import { codecs } from '../../core/url-state.js';
import { MatrixStage } from './view.js';

const $ = (sel) => document.querySelector(sel);
const page = { resp: null, hover: null, pinned: null };

const SYMBOLIC = { key: 'symbolic', url: 'symbolic', codec: codecs.flag, def: false };
const shell = new Shell('matrix', [SYMBOLIC], {
  changed,
  unpin: () => { page.pinned = null; render(); },
  endpoint: '/api/conv2d/matrix',
  call: api.conv2dMatrix,
  shown: (resp, body) => {
    page.resp = resp;
    const ready = stage.setData(resp, kernel4(body.kernel), body.symbolic);
    player.setTotal(resp.output_flat.length);
    player.setRow(resp.output_shape[resp.output_shape.length - 1]);
    player.set(Number(shell.state.step) || 0, true);
    render();
    return ready;
  },
});
const player = new Player($('[data-player-root]'), (index) => {
  shell.state.step = String(index);
  shell.save();
  render();
}, (level) => { shell.state.speed = String(level); shell.save(); });
const stage = new MatrixStage($('[data-stage-root]'), (focus) => { page.hover = focus; render(); });

function changed(what, typing, { body, errors }) {
  const s = shell.state;
  if (String(player.speed) !== s.speed) player.setSpeed(s.speed);
  if (what === 'hideTodo') render();  // the quiz hides or shows values already drawn
  if (what === 'hideTodo' || what === 'present') return;
  if (shell.exchange.hold(errors)) return;
  body.symbolic = Boolean(s.symbolic);
  body.trace = false; // the rows of C say which cells each output reads
  shell.exchange.offer(body, typing);
}

function render() {
  if (!page.resp) return;
  stage.show(player.index, page.hover || page.pinned);
}

$('[data-stage-root]').addEventListener('click', () => {
  page.pinned = page.hover && JSON.stringify(page.hover) !== JSON.stringify(page.pinned)
    ? page.hover : null;
  render();
});

shell.start();
