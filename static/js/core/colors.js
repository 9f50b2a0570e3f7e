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

/** CSS colour of `value` on a scale symmetric about zero up to ±maxAbs. */
export function colour(value, maxAbs) {
  if (!maxAbs || value === 0) return mix(NEG, 0);
  const t = Math.abs(value) / maxAbs;
  return value < 0 ? mix(NEG, t) : mix(POS, t);
}

/** True when text on colour(value) should be light. */
export function darkFill(value, maxAbs) {
  return maxAbs > 0 && Math.abs(value) / maxAbs > 0.62;
}

/** The same scale as a Plotly colorscale, for zmin = −maxAbs, zmax = maxAbs. */
export function plotlyScale() {
  const scale = [];
  for (let k = NEG.length - 1; k >= 0; k -= 1) {
    scale.push([0.5 - (0.5 * k) / (NEG.length - 1), `rgb(${NEG[k].join(',')})`]);
  }
  for (let k = 1; k < POS.length; k += 1) {
    scale.push([0.5 + (0.5 * k) / (POS.length - 1), `rgb(${POS[k].join(',')})`]);
  }
  return scale;
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
