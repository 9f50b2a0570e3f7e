// A diverging, colour-blind-safe scale (blue ↔ neutral grey ↔ orange, after
// ColorBrewer's PuOr/RdBu family): zero is grey, sign is hue, size is depth.
// Negative values are never clamped to black.

const NEG = [[235, 235, 235], [146, 197, 222], [67, 147, 195], [33, 102, 172], [5, 48, 97]];
const POS = [[235, 235, 235], [253, 204, 138], [252, 141, 89], [215, 48, 31], [127, 0, 0]];

function mix(stops, t) {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

// A map is drawn on a scale: a number s (diverging, ±s, zero grey) or, for pictures,
// { gray: true, lo, hi } (lo black, hi white: 0–255 for an image's intensities).

const gray = (value, s) => Math.min(1, Math.max(0, (value - s.lo) / ((s.hi - s.lo) || 1)));

/** Whole numbers from 0 to 255, some above 31: an image's intensities, not a lecture's
 * small integers. */
export function imageLike(nested) {
  let top = 0;
  let ok = true;
  const walk = (v) => {
    if (!ok) return;
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (!Number.isInteger(v) || v < 0 || v > 255) ok = false;
    else if (v > top) top = v;
  };
  walk(nested);
  return ok && top > 31;
}

/** The scale to draw `nested` on: `mode` "auto" (gray for image-like data, when `picture`:
 * an output is gray only where its input was a picture), "gray" or "diverging". Forced
 * gray on other data spans its own range, lowest black. */
export function scaleFor(nested, mode = 'auto', picture = true) {
  if (mode === 'gray' || (mode === 'auto' && picture && imageLike(nested))) {
    if (imageLike(nested)) return { gray: true, lo: 0, hi: 255 };
    let lo = Infinity;
    let hi = -Infinity;
    const walk = (v) => {
      if (Array.isArray(v)) v.forEach(walk);
      else { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    };
    walk(nested);
    return { gray: true, lo: Number.isFinite(lo) ? lo : 0, hi: Number.isFinite(hi) ? hi : 1 };
  }
  return maxAbs(nested);
}

/** CSS colour of `value` on a scale (a number: symmetric about zero up to ±maxAbs). */
export function colour(value, maxAbs) {
  if (maxAbs && maxAbs.gray) {
    const g = Math.round(255 * gray(value, maxAbs));
    return `rgb(${g}, ${g}, ${g})`;
  }
  if (!maxAbs || value === 0) return mix(NEG, 0);
  const t = Math.abs(value) / maxAbs;
  return value < 0 ? mix(NEG, t) : mix(POS, t);
}

/** WCAG relative luminance of an "rgb(r, g, b)" colour. */
export function luminance(css) {
  const [r, g, b] = css.match(/\d+/g).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** True when text on colour(value) should be white rather than black: whichever
 * contrasts more (the two are equal at luminance 0.179, where both are 4.58:1, so every
 * fill gets text of at least 4.5:1). */
export function darkFill(value, maxAbs) {
  return luminance(colour(value, maxAbs)) < 0.179;
}

/** The same scale as a Plotly colorscale (for zmin, zmax as zRange gives). */
export function plotlyScale(s = 1) {
  if (s && s.gray) return [[0, 'rgb(0,0,0)'], [1, 'rgb(255,255,255)']];
  const scale = [];
  for (let k = NEG.length - 1; k >= 0; k -= 1) {
    scale.push([0.5 - (0.5 * k) / (NEG.length - 1), `rgb(${NEG[k].join(',')})`]);
  }
  for (let k = 1; k < POS.length; k += 1) {
    scale.push([0.5 + (0.5 * k) / (POS.length - 1), `rgb(${POS[k].join(',')})`]);
  }
  return scale;
}

/** [zmin, zmax] of a scale. */
export function zRange(s) {
  if (s && s.gray) return [s.lo, s.hi > s.lo ? s.hi : s.lo + 1];
  const m = s || 1;
  return [-m, m];
}

/** Largest |value| in nested arrays (0 when all zero). */
export function maxAbs(nested) {
  let m = 0;
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (Math.abs(v) > m) m = Math.abs(v);
  };
  walk(nested);
  return m;
}
