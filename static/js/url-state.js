// The lab's whole state in the URL (and a draft in localStorage), from one
// table of parameters. Matrix cells keep the user's raw text: rows split by
// ";", cells by ",", channels by "_", filters by "~"; each cell is
// percent-escaped, so any typo survives a reload or a shared link.

const STORAGE_KEY = 'convviz.lab.v1';

const esc = (cell) => encodeURIComponent(cell).replace(/[_~!'()*]/g,
  (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const unesc = (cell) => { try { return decodeURIComponent(cell); } catch { return cell; } };

const slice = {
  enc: (s) => s.map((row) => row.map(esc).join(',')).join(';'),
  dec: (t) => t.split(';').map((row) => row.split(',').map(unesc)),
};
const matrix3 = {
  enc: (m) => m.map(slice.enc).join('_'),
  dec: (t) => t.split('_').map(slice.dec),
};
const matrix4 = {
  enc: (m) => m.map(matrix3.enc).join('~'),
  dec: (t) => t.split('~').map(matrix3.dec),
};
const list = { enc: (l) => l.map(esc).join(','), dec: (t) => t.split(',').map(unesc) };
const text = { enc: esc, dec: unesc };
const flag = { enc: (b) => (b ? '1' : '0'), dec: (t) => t === '1' };

/** Every parameter of the lab: state key, URL key, codec, default. */
export const PARAMS = [
  { key: 'input', url: 'input', codec: matrix3, def: [[['1', '2'], ['3', '4']]] },
  { key: 'kernel', url: 'kernel', codec: matrix4, def: [[[['1']]]] },
  { key: 'bias', url: 'bias', codec: list, def: [''] },
  { key: 'stride', url: 'stride', codec: list, def: ['1', '1'] },
  { key: 'paddingKind', url: 'pad', codec: text, def: 'custom' },
  { key: 'padding', url: 'padding', codec: list, def: ['0', '0'] },
  { key: 'dilation', url: 'dilation', codec: list, def: ['1', '1'] },
  { key: 'groups', url: 'groups', codec: text, def: '1' },
  { key: 'paddingMode', url: 'mode', codec: text, def: 'zeros' },
  { key: 'flip', url: 'flip', codec: flag, def: false },
  { key: 'step', url: 'step', codec: text, def: '0' },
  { key: 'speed', url: 'speed', codec: text, def: '2' },
  { key: 'hideTodo', url: 'quiz', codec: flag, def: false },
  { key: 'present', url: 'present', codec: flag, def: false },
  { key: 'seed', url: 'seed', codec: text, def: '1' },
];

const clone = (v) => (typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v);

/** A state with every parameter at its default. */
export function defaults() {
  return Object.fromEntries(PARAMS.map((p) => [p.key, clone(p.def)]));
}

/** Query string for a state; defaults are left out. */
export function encode(state) {
  const parts = [];
  for (const p of PARAMS) {
    const value = p.codec.enc(state[p.key]);
    if (p.key === 'input' || p.key === 'kernel' || value !== p.codec.enc(p.def)) {
      parts.push(`${p.url}=${value}`);
    }
  }
  return `?${parts.join('&')}`;
}

/** State from a query string (missing keys take their defaults); null when empty. */
export function decode(query) {
  const raw = {};
  for (const part of query.replace(/^\?/, '').split('&')) {
    const at = part.indexOf('=');
    if (at > 0) raw[part.slice(0, at)] = part.slice(at + 1);
  }
  if (!('input' in raw) || !('kernel' in raw)) return null;
  const state = defaults();
  for (const p of PARAMS) {
    if (p.url in raw) state[p.key] = p.codec.dec(raw[p.url]);
  }
  return state;
}

/** The state to start from: the URL's, else the saved draft, else null. */
export function load() {
  const fromUrl = decode(window.location.search);
  if (fromUrl) return fromUrl;
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    return saved ? decode(saved) : null;
  } catch {
    return null;
  }
}

let timer = null;

/** Write the state to the URL and the draft, at most every 250 ms (browsers throttle). */
export function save(state) {
  const query = encode(state);
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (window.location.search !== query) {
      window.history.replaceState(null, '', query);
    }
    try { window.localStorage.setItem(STORAGE_KEY, query); } catch { /* private mode */ }
  }, 250);
  return query;
}

/** The codecs, for pages that keep their own table of parameters (page-url.js). */
export const codecs = { slice, matrix3, matrix4, list, text, flag };
