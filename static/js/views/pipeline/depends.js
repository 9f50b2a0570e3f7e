// Which cells of every earlier stage, and of the picture, one cell depends on: the
// stages' reads (POST /api/pipeline with reads: true, per axis from the engine's index
// maps) composed from that stage back to the picture. A product set of channels ×
// rows × columns reads a product set again, so each level is three index sets.

const unionOf = (spec, chosen, size) => {
  if (spec === 'same') return chosen;
  if (spec === 'all') return 'all';
  if (chosen === 'all') return 'all';
  const out = new Set();
  for (const o of chosen) for (const i of spec[o]) out.add(i);
  return [...out].sort((a, b) => a - b);
};

/**
 * @param stages  the response's stages (with reads and shapes)
 * @param k       the stage of the cell
 * @param at      its position: [channel, row, col], or [feature]
 * @returns       one entry per level from stage k − 1 down to the picture (level −1):
 *                {level, all} or {level, channels, rows, cols} (index lists or 'all')
 */
export function dependsOn(stages, k, at) {
  let set = at.length === 3
    ? { channels: [at[0]], rows: [at[1]], cols: [at[2]] } : { feature: at[0] };
  const levels = [];
  for (let s = k; s >= 0; s -= 1) {
    const r = stages[s].reads;
    const inShape = stages[s].input_shape;
    if (!r) return levels;
    if (r.all || set.all) set = { all: true };
    else if (r.same) { /* a vector stage: the same feature */ } else if (r.flatten) {
      const [, h, w] = inShape;
      const f = set.feature;
      set = { channels: [Math.floor(f / (h * w))], rows: [Math.floor(f / w) % h], cols: [f % w] };
    } else {
      set = { channels: unionOf(r.channels, set.channels, inShape[0]),
        rows: unionOf(r.height, set.rows, inShape[1]), cols: unionOf(r.width, set.cols, inShape[2]) };
    }
    levels.push({ level: s - 1, ...set });
  }
  return levels;
}

/** How many cells a level holds, in words. */
export function countOf(entry, shape) {
  if (entry.all) return 'every cell';
  if (entry.feature !== undefined) return '1 feature';
  const n = (v, size) => (v === 'all' ? size : v.length);
  const c = n(entry.channels, shape[0]);
  const cells = c * n(entry.rows, shape[1]) * n(entry.cols, shape[2]);
  return `${cells.toLocaleString('en-US')} cell${cells === 1 ? '' : 's'} in ${c} map${c === 1 ? '' : 's'}`;
}
