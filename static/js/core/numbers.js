// Numbers as the lab shows and reads them: integers as integers, a real minus
// sign, short decimals; cell text parsed with the reason when it is not a number.

const MINUS = '\u2212';
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const DENOMINATORS = [2, 3, 4, 5, 6, 8, 9, 10, 12, 16, 25, 27, 32, 64, 256];

/** Text for a value: "52", "−3", "0.111" (at most `digits` decimals), but one decimal more
 * when that makes it exact ("0.0625", so that the terms of 1/16 add up). */
export function fmt(value, digits = 3) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  let text;
  if (Number.isInteger(value)) text = String(abs);
  else {
    const places = Number(abs.toFixed(digits + 1)) === abs ? digits + 1 : digits;
    text = abs.toFixed(places).replace(/\.?0+$/, '');
    if (text === '0') text = abs.toExponential(1);
  }
  return (value < 0 && text !== '0' ? MINUS : '') + text;
}

/** A product in a formula: negative numbers in parentheses, "3·(−1)". */
export function fmtFactor(value) {
  const text = fmt(value);
  return value < 0 ? `(${text})` : text;
}

/** Parse what a user typed in a cell: {value} or {error}. Accepts 1/9 and a unicode minus. */
export function parseCell(raw) {
  const text = String(raw ?? '').trim().replace(/\u2212/g, '-');
  if (text === '') return { error: 'empty cell: type a number' };
  // 1e400 reads as Infinity: as much "not a number" as abc, said the same way.
  const tooLarge = { error: `“${raw}” is not a number (too large: at most about 1.8e308)` };
  if (NUMBER.test(text)) return Number.isFinite(Number(text)) ? { value: Number(text) } : tooLarge;
  const parts = text.split('/');
  if (parts.length === 2 && NUMBER.test(parts[0].trim()) && NUMBER.test(parts[1].trim())) {
    const den = Number(parts[1]);
    if (den === 0) return { error: `“${raw}”: division by zero` };
    const value = Number(parts[0]) / den;
    return Number.isFinite(value) && Number.isFinite(den) ? { value } : tooLarge;
  }
  return { error: `“${raw}” is not a number` };
}

/** Parse a whole-number parameter field: {value} or {error}. */
export function parseWhole(raw, name) {
  const text = String(raw ?? '').trim().replace(/\u2212/g, '-');
  if (/^-?\d+$/.test(text)) return { value: Number(text) };
  return { error: `${name} must be a whole number, not “${raw}”` };
}

/** Cell text for a number from a preset or the server: 0.5 stays "0.5" (a short decimal
 * reads as the deck wrote it), 0.111… becomes "1/9" (its decimals would be rounded). */
export function toCellText(value) {
  if (Number.isInteger(value)) return String(value);
  if (/^-?\d+\.\d{1,4}$/.test(String(value))) return String(value);
  for (const d of DENOMINATORS) {
    const n = value * d;
    if (Math.abs(n - Math.round(n)) < 1e-9) return `${Math.round(n)}/${d}`;
  }
  return String(value);
}

/** Small seeded generator (mulberry32): the same seed gives the same fill. */
export function seededIntegers(seed, count, low = -3, high = 5) {
  let a = seed >>> 0;
  const out = [];
  for (let i = 0; i < count; i += 1) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out.push(low + Math.floor(r * (high - low + 1)));
  }
  return out;
}
