// The Plotly wrapper: the only module that touches window.Plotly. plotly.js
// is loaded from our own static files on first use (never a CDN).

import { plotlyScale, zRange } from './colors.js';

const SRC = '/static/vendor/plotly.min.js';
let loading = null;

/** Resolve once window.Plotly is there. */
export function ensurePlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = SRC;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error('plotly.js did not load'));
      document.head.append(script);
    });
  }
  return loading;
}

// Cells are drawn at 1-based positions (x0 = y0 = 1), so that the axes and the hover
// count from 1 like the decks (h₁₁) and the formula panel. Callers think in 0-based
// cells, as the API does: shapes are shifted on their way in, hovers on their way out.
const BASE = 1;
const shifted = (shapes) => shapes.map((s) => ({ ...s, x0: s.x0 + BASE, x1: s.x1 + BASE,
  y0: s.y0 + BASE, y1: s.y1 + BASE }));

// The text colour follows the theme (the page's --ink, read when a plot is drawn).
const FONT_BASE = { family: 'Inter, system-ui, sans-serif', size: 16 };
const ink = () => getComputedStyle(document.body).getPropertyValue('--ink').trim() || '#1d2433';
const fontNow = () => ({ ...FONT_BASE, color: ink() });

/** Draw (or redraw) a heatmap of the 2-D array `z` on a scale (colors.js: ±s, or gray),
 * rows top to bottom. */
export async function heatmap(div, z, scale, { title = '', onHover = null, onClick = null,
  label = true } = {}) {
  const Plotly = await ensurePlotly();
  const [zmin, zmax] = zRange(scale);
  const trace = {
    type: 'heatmap', z, zmin, zmax, colorscale: plotlyScale(scale), xgap: 0, ygap: 0,
    x0: BASE, y0: BASE,
    // label false: no hover label (the caller shows the hovered value itself); hover events still fire
    ...(label ? { hovertemplate: 'row %{y}, column %{x} (counting from 1): %{z}<extra></extra>' }
      : { hoverinfo: 'none' }),
    colorbar: { thickness: 14, outlinewidth: 0, tickfont: fontNow() },
  };
  const layout = {
    title: { text: title, font: { ...fontNow(), size: 18 } },
    margin: { l: 44, r: 10, t: title ? 40 : 10, b: 30 }, font: fontNow(),
    xaxis: { constrain: 'domain', showgrid: false, zeroline: false, side: 'top' },
    yaxis: { autorange: 'reversed', scaleanchor: 'x', constrain: 'domain', showgrid: false,
      zeroline: false },
    paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)',
    shapes: div.layout ? div.layout.shapes : [],
  };
  await Plotly.react(div, [trace], layout, { displayModeBar: false, responsive: true });
  if (!div.dataset.bound) {
    div.dataset.bound = '1';
    const cell = (e) => [e.points[0].y - BASE, e.points[0].x - BASE];
    div.on('plotly_hover', (e) => div.hoverCb && div.hoverCb(...cell(e)));
    // A relayout (the outlines a hover draws) makes Plotly send unhover while the mouse
    // is still on the plot: only a mouse that has left the plot ends the hover.
    div.on('plotly_unhover', () => div.hoverCb && !div.matches(':hover') && div.hoverCb(null));
    div.on('plotly_click', (e) => div.clickCb && div.clickCb(...cell(e)));
  }
  div.hoverCb = onHover;
  div.clickCb = onClick;
}

/** Rectangles around cells ([r, c] pairs), for `shapes`. */
export function cellRects(cells, { line = '#111', width = 2, fill = 'rgba(0,0,0,0)', dash = 'solid' } = {}) {
  return cells.map(([r, c]) => ({
    type: 'rect', x0: c - 0.5, x1: c + 0.5, y0: r - 0.5, y1: r + 0.5,
    line: { color: line, width, dash }, fillcolor: fill,
  }));
}

/** One rectangle around rows r0…r1 and columns c0…c1. */
export function areaRect([r0, r1, c0, c1], line = '#111', width = 3) {
  return { type: 'rect', x0: c0 - 0.5, x1: c1 + 0.5, y0: r0 - 0.5, y1: r1 + 0.5,
    line: { color: line, width } };
}

/** Replace the overlay shapes of a drawn heatmap. */
export function setShapes(div, shapes) {
  if (!window.Plotly || !div.data) return Promise.resolve();
  return window.Plotly.relayout(div, { shapes: shifted(shapes) });
}

/** New values for a drawn heatmap on the same scale: cheaper than a redraw. */
export function restyleZ(div, z) {
  return window.Plotly.restyle(div, { z: [z] });
}

/** A cheap digest of a nested array of numbers (shape and values), to tell "unchanged". */
export function fingerprint(nested) {
  let h = 2166136261;
  let n = 0;
  const walk = (v) => {
    if (Array.isArray(v)) { h = Math.imul(h ^ (v.length + 0x9e37), 16777619); v.forEach(walk); return; }
    const bits = Math.round(v * 1e6) | 0;
    h = Math.imul(h ^ bits, 16777619);
    h = Math.imul(h ^ (Math.floor(v) | 0), 16777619);
    n += 1;
  };
  walk(nested);
  return `${n}:${h >>> 0}`;
}

/** A bar chart of several series over the same categories (each {name, values, axis}:
 * axis 2 puts a series on a second y axis, at the right). */
export async function bars(div, categories, series, { title = '', log = false } = {}) {
  const Plotly = await ensurePlotly();
  const traces = series.map((s) => ({
    type: 'bar', name: s.name, x: categories, y: s.values, yaxis: s.axis === 2 ? 'y2' : 'y',
    offsetgroup: s.name, hovertemplate: `%{x}: %{y:,}<extra>${s.name}</extra>`,
  }));
  const layout = {
    title: { text: title, font: { ...fontNow(), size: 18 } }, font: fontNow(), barmode: 'group',
    margin: { l: 70, r: 70, t: title ? 40 : 10, b: 90 },
    xaxis: { type: 'category', tickangle: -60, automargin: true },
    yaxis: log ? { title: { text: series[0]?.name ?? '' }, type: 'log', exponentformat: 'power' }
      : { title: { text: series[0]?.name ?? '' }, rangemode: 'tozero' },
    yaxis2: { title: { text: series[1]?.name ?? '' }, overlaying: 'y', side: 'right',
      rangemode: 'tozero' },
    legend: { orientation: 'h', y: 1.12 },
    paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)',
  };
  await Plotly.react(div, traces, layout, { displayModeBar: false, responsive: true });
}
