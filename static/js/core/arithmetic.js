// The shape-arithmetic panel: per axis, the formula (the lectures' notation
// and Dumoulin & Visin's), the numbers substituted, the floor taken, and the
// padded rows or columns no tap reads. All text comes from the server.

function el(tag, cls, text = '') {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  node.textContent = text;
  return node;
}

const HEADS = { length: ['Length (samples)', 'sample'], depth: ['Depth (slices)', 'slice'],
  height: ['Height (rows)', 'row'], width: ['Width (columns)', 'column'] };

/** Render every axis of `resp.arithmetic` (one for a signal, three for a volume) into `root`. */
export function renderArithmetic(root, resp) {
  const blocks = resp.arithmetic.map((a) => {
    const block = el('div', 'axis');
    block.dataset.axis = a.axis;
    const [title, word] = HEADS[a.axis] || HEADS.width;
    const head = el('h3', '', title);
    const size = el('span', 'axis-size', `${a.output_size}`);
    head.append(' → ', size);
    const formula = el('p', 'axis-formula');
    formula.append(el('span', 'label', 'lecture '), el('span', 'math', a.lecture_formula),
      el('span', 'label', ' paper '), el('span', 'math', a.formula));
    const sub = el('p', 'axis-sub math', a.substituted);
    const facts = el('p', 'axis-facts', `padded size ${a.padded_size} (padding `
      + `${a.padding[0]} + ${a.padding[1]}), effective kernel ${a.effective_kernel_size}, `
      + `${a.ceil_mode ? 'ceil' : 'floor'}: ${a.rounding}.`);
    const why = el('p', 'axis-why', a.explanation);
    block.append(head, formula, sub, facts, why);
    if (a.unvisited.length) {
      const which = `${word}${a.unvisited.length > 1 ? 's' : ''} ${a.unvisited.map((i) => i + 1).join(', ')}`;
      // Only the lab shades them (its legend has a "never read" swatch).
      const shaded = document.querySelector('.sw-unv') ? ', shaded on the input' : '';
      block.append(el('p', 'axis-unvisited', `No kernel tap ever reads padded ${which} `
        + `(counting from 1)${shaded}.`));
    }
    const cite = el('p', 'cite', a.citation);
    block.append(cite);
    return block;
  });
  root.replaceChildren(...blocks);
}
