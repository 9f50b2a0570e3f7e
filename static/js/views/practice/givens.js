// The exercise's givens: matrices as read-only coloured grids (one per channel),
// everything else (sizes, stride, a mode, a flag) as labelled text.

import { Grid } from '../../core/grid.js';
import { fmt } from '../../core/numbers.js';
import { maxAbs } from '../../core/colors.js';

const isMatrix = (v) => Array.isArray(v) && Array.isArray(v[0]);
const isStack = (v) => isMatrix(v) && Array.isArray(v[0][0]);

/** Text for a given that is not a matrix (its own text when the server wrote one). */
function asText(given) {
  if (given.text) return given.text;
  const v = given.value;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return fmt(v);
  if (Array.isArray(v)) return v.map(fmt).join(' × ');
  return String(v);
}

function matrixFigure(parent, given) {
  const box = document.createElement('section');
  box.className = 'given-matrix';
  box.dataset.given = given.name;
  const head = document.createElement('h3');
  const slices = isStack(given.value) ? given.value : [given.value];
  const [rows, cols] = [slices[0].length, slices[0][0].length];
  head.textContent = `${given.label} `;
  const size = document.createElement('span');
  size.className = 'size';
  size.textContent = slices.length > 1 ? `${slices.length} × ${rows} × ${cols}` : `${rows} × ${cols}`;
  head.append(size);
  const maps = document.createElement('div');
  maps.className = 'maps';
  const scale = maxAbs(given.value);
  slices.forEach((values, ch) => {
    const caption = slices.length > 1 ? `${given.label}[${ch}]` : '';
    const grid = new Grid(maps, rows, cols, { kind: 'given', caption, channel: ch });
    grid.setValues(values, scale);
  });
  box.append(head, maps);
  parent.append(box);
}

/** Replace the givens in `root` by those of exercise `ex`. */
export function renderGivens(root, ex) {
  root.replaceChildren();
  const matrices = document.createElement('div');
  matrices.className = 'given-matrices';
  const facts = document.createElement('dl');
  facts.className = 'given-facts';
  for (const given of ex.givens) {
    if (isMatrix(given.value)) { matrixFigure(matrices, given); continue; }
    const dt = document.createElement('dt');
    dt.textContent = given.label;
    const dd = document.createElement('dd');
    dd.textContent = asText(given);
    dd.dataset.given = given.name;
    facts.append(dt, dd);
  }
  if (matrices.childElementCount) root.append(matrices);
  if (facts.childElementCount) root.append(facts);
}
