// Matrices as text, both ways: plain rows (spaces, commas, semicolons,
// newlines; blank lines between channels), NumPy (`np.array([[..]])` or its
// printed form) and LaTeX (`\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}`).
// Cells stay strings, so a typo is kept and marked, never dropped.

const ENV = /\\(begin|end)\{[pbvBV]?matrix\*?\}/g;

function tokenizeBrackets(text) {
  const tokens = [];
  const re = /\[|\]|[^\s,;\[\]]+/g;
  let m;
  while ((m = re.exec(text)) !== null) tokens.push(m[0]);
  return tokens;
}

function parseNested(tokens) {
  let i = 0;
  function list() {
    const items = [];
    i += 1; // '['
    while (i < tokens.length && tokens[i] !== ']') {
      if (tokens[i] === '[') items.push(list());
      else { items.push(tokens[i]); i += 1; }
    }
    if (tokens[i] !== ']') throw new Error('a “[” is never closed');
    i += 1;
    return items;
  }
  if (tokens[0] !== '[') throw new Error('expected “[”');
  const value = list();
  if (i !== tokens.length) throw new Error('text after the last “]”');
  return value;
}

function depth(value) {
  let d = 0;
  while (Array.isArray(value)) { d += 1; value = value[0]; }
  return d;
}

function plainSlice(block) {
  return block.split(/\n|;|\\\\/).map((row) => row.trim())
    .filter((row) => row !== '')
    .map((row) => row.split(/[\s,&]+/).filter((cell) => cell !== ''));
}

/**
 * Parse text into slices: an array of 2-D arrays of cell strings (one per
 * channel, or per filter×channel for 4-D NumPy input, flattened).
 * Returns {slices, depth} or {error}.
 */
export function parseMatrixText(text) {
  let src = String(text).replace(/\r/g, '').trim();
  if (src === '') return { error: 'nothing to paste' };
  src = src.replace(/^\s*(np\.|numpy\.)?array\s*\(/, '').replace(/,?\s*dtype\s*=\s*[\w.]+\s*/, '')
    .replace(/\)\s*$/, '');
  try {
    if (src.includes('[')) {
      const nested = parseNested(tokenizeBrackets(src));
      const d = depth(nested);
      const slices = d === 2 ? [nested] : d === 3 ? nested : d === 4 ? nested.flat() : null;
      if (!slices) return { error: `a ${d}-D array; give 2-D, 3-D or 4-D` };
      const result = check(slices, d);
      return d === 4 && result.slices ? { ...result, filters: nested.length } : result;
    }
    if (/\\begin\{/.test(src)) {
      const blocks = src.split(/\\begin\{[pbvBV]?matrix\*?\}/).map((b) => b.replace(ENV, ''))
        .filter((b) => b.trim() !== '');
      return check(blocks.map(plainSlice), blocks.length > 1 ? 3 : 2);
    }
    const blocks = src.split(/\n\s*\n/).filter((b) => b.trim() !== '');
    return check(blocks.map(plainSlice), blocks.length > 1 ? 3 : 2);
  } catch (err) {
    return { error: err.message };
  }
}

function check(slices, d) {
  for (const [s, slice] of slices.entries()) {
    if (!Array.isArray(slice) || slice.length === 0) return { error: 'an empty matrix' };
    const width = slice[0].length;
    for (const [r, row] of slice.entries()) {
      if (!Array.isArray(row)) return { error: 'mixed nesting depth' };
      if (row.length !== width) {
        const where = slices.length > 1 ? `slice ${s + 1}, ` : '';
        return { error: `${where}row ${r + 1} has ${row.length} values, row 1 has ${width}` };
      }
    }
    if (slice.length !== slices[0].length || width !== slices[0][0].length) {
      return { error: `slice ${s + 1} is ${slice.length}×${width}, slice 1 is `
        + `${slices[0].length}×${slices[0][0].length}` };
    }
  }
  return { slices: slices.map((slice) => slice.map((row) => row.map(String))), depth: d };
}

function cellText(v) {
  return String(v).trim().replace(/\u2212/g, '-');
}

/** Text for a list of 2-D slices in the given style: "plain", "numpy" or "latex". */
export function formatMatrix(slices, style = 'plain') {
  const clean = slices.map((s) => s.map((row) => row.map(cellText)));
  if (style === 'numpy') {
    const two = (s) => `[${s.map((row) => `[${row.join(', ')}]`).join(',\n  ')}]`;
    const body = clean.length === 1 ? two(clean[0]) : `[${clean.map(two).join(',\n ')}]`;
    return `np.array(${body})`;
  }
  if (style === 'latex') {
    return clean.map((s) => `\\begin{pmatrix}\n${s.map((row) => row.join(' & ')).join(' \\\\\n')}`
      + '\n\\end{pmatrix}').join('\n\n');
  }
  return clean.map((s) => {
    // A loop, not Math.max(...cells): spreading 262,144 cells overflows the call stack.
    let width = 0;
    for (const row of s) for (const c of row) if (c.length > width) width = c.length;
    return s.map((row) => row.map((c) => c.padStart(width)).join(' ')).join('\n');
  }).join('\n\n');
}
