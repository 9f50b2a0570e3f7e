// The decks' 1-based cell names, shared by every view: h₁₁ for an output
// cell, x₁₁ / w₂₂ / y⁽²⁾₁₃ for the cells of a named matrix.

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const digits = (n, set) => String(n).split('').map((d) => set[Number(d)]).join('');

/** The lectures' 1-based name of output cell (row, col): h₁₁, h₁₀,₂. */
export function cellName(row, col) {
  return cellLabel('h', 0, row, col);
}

/** The decks' 1-based name: x₁₁, x₁₀,₂; with several channels x⁽²⁾₁₃ (as the API's). */
export function cellLabel(letter, ch, r, c, channels = 1) {
  const [R, C] = [r + 1, c + 1];
  const rc = R < 10 && C < 10 ? `${digits(R, SUB)}${digits(C, SUB)}`
    : `${digits(R, SUB)},${digits(C, SUB)}`;
  return channels > 1 ? `${letter}⁽${digits(ch + 1, SUP)}⁾${rc}` : `${letter}${rc}`;
}
