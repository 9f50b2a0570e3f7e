// Feature maps on canvases: one pixel per cell, scaled by CSS with crisp edges, so a
// 512 × 512 map repaints in a few milliseconds. Signed maps are drawn as the user
// picks (diverging around zero, |x|, min–max stretch, or clamped to 0–255, as setosa's
// Image Kernels does) and every map says which; pictures (0–255) are gray.

import { colour } from '../../core/colors.js';

export const LOOKS = {
  diverging: 'diverging around 0',
  abs: '|x|',
  stretch: 'min–max stretch',
  clamp: 'clamped to 0–255',
};
const LUT = (() => {
  const table = new Uint8ClampedArray(257 * 3);
  for (let i = 0; i <= 256; i += 1) {
    const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(colour((i - 128) / 128, 1));
    table.set([Number(m[1]), Number(m[2]), Number(m[3])], i * 3);
  }
  return table;
})();

const fmt = (v) => (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01)
  ? v.toExponential(2) : String(Math.round(v * 1000) / 1000)).replace('-', '−');

/** A value to 6 significant digits, or 4 in exponent form below 0.001 (gradients). */
export function significant(v) {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const t = a < 1e-3 || a >= 1e6 ? v.toExponential(3).replace(/\.?0+e/, 'e') : String(Number(v.toPrecision(6)));
  return t.replace('-', '−');
}

/** The (rows, cols) a stage's output is drawn as: maps as they are, a vector of F
 * features folded row by row into ⌈√F⌉ columns. */
export function layoutOf(shape) {
  if (shape.length === 3) return { maps: shape[0], rows: shape[1], cols: shape[2] };
  const cols = Math.ceil(Math.sqrt(shape[0]));
  return { maps: 1, rows: Math.ceil(shape[0] / cols), cols, features: shape[0] };
}

/** Flat Float64Arrays, one per map, of a stage's nested output. */
export function flatMaps(output, shape) {
  if (shape.length === 1) return [Float64Array.from(output)];
  return output.map((m) => {
    const a = new Float64Array(shape[1] * shape[2]);
    let k = 0;
    for (const row of m) for (const v of row) { a[k] = v; k += 1; }
    return a;
  });
}

function range(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Whole numbers from 0 to 255: a picture's intensities. */
export function isPicture(values) {
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v < 0 || v > 255 || !Number.isInteger(v)) return false;
  }
  return true;
}

/** Paint `values` (rows × cols) into `ctx`'s image; returns the caption of the scale. */
export function paint(ctx, values, rows, cols, look, picture = false) {
  const image = ctx.createImageData(cols, rows);
  const px = image.data;
  const n = rows * cols;
  const [lo, hi] = range(values);
  let caption;
  const gray = (f) => {
    for (let i = 0; i < values.length; i += 1) {
      const g = f(values[i]);
      const o = i * 4;
      px[o] = g; px[o + 1] = g; px[o + 2] = g; px[o + 3] = 255;
    }
  };
  if (picture) {
    gray((v) => v);
    caption = 'gray, 0 black to 255 white';
  } else if (look === 'diverging') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    for (let i = 0; i < values.length; i += 1) {
      const j = Math.round((values[i] / m) * 128 + 128) * 3;
      const o = i * 4;
      px[o] = LUT[j]; px[o + 1] = LUT[j + 1]; px[o + 2] = LUT[j + 2]; px[o + 3] = 255;
    }
    caption = `diverging, ±${fmt(m)} (0 grey)`;
  } else if (look === 'abs') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    gray((v) => (Math.abs(v) / m) * 255);
    caption = `|x|, 0 black to ${fmt(m)} white`;
  } else if (look === 'stretch') {
    const span = hi - lo || 1;
    gray((v) => ((v - lo) / span) * 255);
    caption = `min–max, ${fmt(lo)} black to ${fmt(hi)} white`;
  } else {
    gray((v) => v); // Uint8ClampedArray clamps to 0–255 and rounds
    caption = 'clamped to 0–255 (negatives black)';
  }
  for (let i = values.length; i < n; i += 1) px[i * 4 + 3] = 0; // a folded vector's tail
  ctx.putImageData(image, 0, 0);
  return caption;
}

/** Paint three maps as one colour picture. */
export function paintRgb(ctx, maps, rows, cols) {
  const image = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i += 1) {
    for (let c = 0; c < 3; c += 1) image.data[i * 4 + c] = maps[c][i];
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** CSS size of a map of rows × cols: its longer side `side`, the same for every map of
 * the page, so a pooled map sits under the map it pools and outlines line up by eye. */
export function cssSize(rows, cols, side) {
  const zoom = side / Math.max(rows, cols);
  return [Math.round(cols * zoom), Math.round(rows * zoom)];
}

/** A map element: pixels, an overlay for outlines, and its caption. */
export function mapElement(rows, cols, label, side) {
  const fig = document.createElement('figure');
  fig.className = 'pipe-map';
  const box = document.createElement('div');
  box.className = 'pipe-box';
  const [w, h] = cssSize(rows, cols, side);
  box.style.width = `${w}px`;
  box.style.height = `${h}px`;
  const pix = document.createElement('canvas');
  pix.width = cols;
  pix.height = rows;
  pix.className = 'pipe-pix';
  const over = document.createElement('canvas');
  over.className = 'pipe-over';
  const dpr = window.devicePixelRatio || 1;
  over.width = Math.round(w * dpr);
  over.height = Math.round(h * dpr);
  box.append(pix, over);
  const cap = document.createElement('figcaption');
  const name = document.createElement('span');
  name.className = 'pipe-map-name';
  name.textContent = label;
  const scale = document.createElement('span');
  scale.className = 'pipe-scale';
  cap.append(name, scale);
  fig.append(box, cap);
  return { fig, box, pix, over, scale, rows, cols };
}

/** The cell under a pointer event on a map's box, or null. */
export function cellAt(map, event) {
  const r = map.box.getBoundingClientRect();
  const row = Math.floor(((event.clientY - r.top) / r.height) * map.rows);
  const col = Math.floor(((event.clientX - r.left) / r.width) * map.cols);
  if (row < 0 || col < 0 || row >= map.rows || col >= map.cols) return null;
  return [row, col];
}

/** Outline cells on a map's overlay: `rows` and `cols` (sorted index lists, or 'all')
 * span a product set; `current`, one cell drawn stronger. */
export function outline(map, rows, cols, current = null) {
  const ctx = map.over.getContext('2d');
  const W = map.over.width;
  const H = map.over.height;
  ctx.clearRect(0, 0, W, H);
  delete map.over.dataset.rows;
  delete map.over.dataset.cols;
  delete map.over.dataset.cells;
  if (!rows && !current) return;
  const sx = W / map.cols;
  const sy = H / map.rows;
  const all = (n) => Array.from({ length: n }, (_, i) => i);
  const runs = (list) => {
    const out = [];
    for (const v of list) {
      if (out.length && out[out.length - 1][1] === v - 1) out[out.length - 1][1] = v;
      else out.push([v, v]);
    }
    return out;
  };
  if (rows) {
    const rr = runs(rows === 'all' ? all(map.rows) : rows);
    const cc = runs(cols === 'all' ? all(map.cols) : cols);
    ctx.fillStyle = 'rgba(255, 214, 0, 0.35)';
    for (const [r0, r1] of rr) for (const [c0, c1] of cc) {
      ctx.fillRect(c0 * sx, r0 * sy, (c1 - c0 + 1) * sx, (r1 - r0 + 1) * sy);
    }
    const r0 = rr[0][0]; const r1 = rr[rr.length - 1][1];
    const c0 = cc[0][0]; const c1 = cc[cc.length - 1][1];
    // What is outlined, as runs counting from 0 ("19-22"), for a reader of the page's DOM.
    map.over.dataset.rows = rr.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
    map.over.dataset.cols = cc.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
    ctx.lineWidth = Math.max(2, Math.min(sx, sy) / 4);
    ctx.strokeStyle = '#111';
    ctx.strokeRect(c0 * sx, r0 * sy, (c1 - c0 + 1) * sx, (r1 - r0 + 1) * sy);
    ctx.strokeStyle = '#ffd600';
    ctx.setLineDash([4, 3]);
    ctx.strokeRect(c0 * sx, r0 * sy, (c1 - c0 + 1) * sx, (r1 - r0 + 1) * sy);
    ctx.setLineDash([]);
  }
  if (current) {
    const [r, c] = current;
    ctx.lineWidth = Math.max(2, Math.min(sx, sy) / 3);
    ctx.strokeStyle = '#d00000';
    ctx.strokeRect(c * sx, r * sy, sx, sy);
  }
}

/** Frame single cells ([row, col] pairs) on a map's overlay, over what it shows. */
export function frameCells(map, cells, colour = '#7c3aed') {
  const ctx = map.over.getContext('2d');
  const sx = map.over.width / map.cols;
  const sy = map.over.height / map.rows;
  ctx.lineWidth = Math.max(2, Math.min(sx, sy) / 4);
  ctx.strokeStyle = colour;
  for (const [r, c] of cells) ctx.strokeRect(c * sx, r * sy, sx, sy);
  map.over.dataset.cells = cells.map(([r, c]) => `${r}:${c}`).join(',');
}
