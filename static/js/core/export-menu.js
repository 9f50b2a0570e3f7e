// The Export panel: the current state's stage as a figure for slides (POST /api/figure):
// SVG, PNG, an animated GIF of every step, or TikZ for LaTeX, in the light, dark or print
// theme; downloaded, opened in a tab, or as the curl command that makes it.

import * as api from './api.js';

// The figure views (POST /api/figure), and the part of each page's body they take.
// (The figure sets the trace itself: the page's own trace settings are left out.)
const untraced = ({ trace, kernel_trace: kt, full_convolution_trace: ft, ...b }) => b;
const FIGURE_VIEWS = {
  '/api/conv1d': ['conv1d', untraced],
  '/api/conv2d': ['conv2d', untraced],
  '/api/conv3d': ['conv3d', untraced],
  '/api/conv2d/matrix': ['conv2d/matrix', untraced],
  '/api/conv2d/backward': ['conv2d/backward', untraced],
  '/api/conv_transpose2d': ['conv_transpose2d', untraced],
  '/api/pool2d': ['pool2d', untraced],
  '/api/max_unpool2d': ['max_unpool2d', untraced],
  '/api/pipeline': ['pipeline', (b) => ({ input: b.input, stages: b.stages })],
  '/api/network': ['network', (b) => b],
};
const SUFFIX = { svg: 'svg', png: 'png', gif: 'gif', tikz: 'tex' };

/** Which step the page shows: its step, a pipeline's stage, a network's layer. */
async function stepOf(view, state, request) {
  if (view === 'pipeline') return Number(state.stage) || 0;
  if (view === 'network') {
    if (!state.at) return 0;
    try {
      const answer = await api.network(request);
      return Math.max(0, answer.layers.findIndex((l) => l.path === state.at));
    } catch { return 0; }
  }
  return Number(state.step) || 0;
}

/**
 * @param opts.endpoint  the page's "/api/…"
 * @param opts.body      () => the last request body
 * @param opts.getState  () => the page state (its step, stage or layer)
 */
export function bindExport(opts) {
  const panel = document.querySelector('.export-panel');
  if (!panel) return;
  const view = FIGURE_VIEWS[opts.endpoint];
  if (!view) { panel.hidden = true; return; }
  const q = (n) => panel.querySelector(`[data-export="${n}"]`);
  const theme = () => q('theme').value;
  const format = () => q('format').value;
  q('scale-box').hidden = !['png', 'gif'].includes(format());
  q('format').addEventListener('change', () => {
    q('scale-box').hidden = !['png', 'gif'].includes(format());
    q('step-note').hidden = format() === 'gif';
    // a GIF holds every step: 1× unless asked (the server's default too)
    q('scale').value = format() === 'gif' ? '1' : '2';
  });
  // A page in the dark theme exports dark by default; print stays a choice.
  if (document.documentElement.dataset.theme === 'dark') q('theme').value = 'dark';

  const request = async () => {
    const body = opts.body();
    if (!body) return null;
    const inner = view[1](body);
    const figure = {
      view: view[0], request: inner, format: format(), theme: theme(),
      step: await stepOf(view[0], opts.getState(), inner),
    };
    if (['png', 'gif'].includes(figure.format)) figure.scale = Number(q('scale').value);
    return figure;
  };
  const describe = async () => {
    const figure = await request();
    if (!figure) return;
    q('step-note').textContent = `Step ${figure.step + 1} of this state, as the stage shows it now.`;
    const json = JSON.stringify(figure);
    q('curl').textContent = `curl -s ${window.location.origin}/api/figure -H 'content-type: `
      + `application/json' -d '${json.length > 4000 ? '@figure.json' : json}' -o convviz.${SUFFIX[figure.format]}`;
  };
  const fetchFigure = async () => {
    const figure = await request();
    if (!figure) throw new Error('no state to draw yet');
    q('status').textContent = figure.format === 'gif' ? 'Drawing every step…' : 'Drawing…';
    return api.figure(figure);
  };
  const run = async (then) => {
    try {
      const { blob, name } = await fetchFigure();
      const url = URL.createObjectURL(blob);
      then(url, name);
      q('status').textContent = `${name}: ${(blob.size / 1024).toFixed(1)} KB`;
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      q('status').textContent = `No figure: ${err.message}`;
    }
  };
  q('download').addEventListener('click', () => run((url, name) => {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    panel.append(a); // inside the panel: a click outside it would close it
    a.click();
    a.remove();
  }));
  q('open').addEventListener('click', () => run((url) => { window.open(url, '_blank', 'noopener'); }));
  for (const n of ['format', 'theme', 'scale']) q(n).addEventListener('change', describe);
  panel.addEventListener('toggle', () => { if (panel.open) describe(); });
  document.addEventListener('click', (e) => {
    if (panel.open && !e.target.closest('.export-panel')) panel.open = false;
  });
}
