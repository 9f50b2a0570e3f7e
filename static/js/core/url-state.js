// A page's whole state in the URL (and a draft in localStorage), from one
// table of parameters ({key, url, codec, def}). Every page passes its own
// table and draft key; the lab's table is PARAMS below. Matrix cells keep the
// user's raw text: rows split by ";", cells by ",", channels by "_", filters
// by "~"; each cell is percent-escaped, so any typo survives a reload or a
// shared link.
//
// A long state (a pasted 200×200 matrix) does not fit a query: servers refuse
// request lines past a few kilobytes. Past LONG characters the same query is
// deflated and written base64url after "#z=", the part of a URL a browser never
// sends; plain query links still open. A state too large even so (past
// MAX_LINK, Chromium's URL limit) stays in the draft, and the page says so.

import { deflateSync, inflateSync, strFromU8, strToU8 } from '../vendor/fflate.js';
import { applyEmbed, embedOf, embedQuery } from './embed.js';

const LONG = 1800;
export const MAX_LINK = 2_000_000;
const PACKED = '#z=';

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** "#z=…" holding a query string, deflated. */
export function pack(query) {
  return PACKED + toBase64Url(deflateSync(strToU8(query), { level: 9 }));
}

/** The query string a "#z=…" holds, or null when it holds none. */
export function unpack(hash) {
  if (!hash.startsWith(PACKED)) return null;
  try { return strFromU8(inflateSync(fromBase64Url(hash.slice(PACKED.length)))); } catch { return null; }
}

/** The state part of the page's URL: the packed fragment's query, else the query. */
function currentQuery() {
  return unpack(window.location.hash) ?? window.location.search;
}

// Embedding (core/embed.js): read once from the URL the page opened with (the query, or
// the packed fragment's query), kept in every state written back, so an embedded view
// stays embedded when it saves its state or reloads.
const EMBED = typeof window === 'undefined' ? { embed: false, hide: [] } : (() => {
  const packed = unpack(window.location.hash);
  const flags = embedOf(window.location.search);
  const inner = packed ? embedOf(packed) : { embed: false, hide: [] };
  const found = { embed: flags.embed || inner.embed, hide: [...new Set([...flags.hide, ...inner.hide])] };
  applyEmbed(found);
  return found;
})();

/** What goes after the path for a query: itself when short, else packed after "#". */
function locationOf(query) {
  return query.length > LONG ? `${window.location.pathname}${pack(query)}` : query;
}

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

/** The codecs a page's table of parameters picks from. */
export const codecs = { slice, matrix3, matrix4, list, text, flag };

const clone = (v) => (typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v);

/** The raw (still escaped) values of a query string, by URL key. */
function rawOf(query) {
  const raw = {};
  for (const part of query.replace(/^\?/, '').split('&')) {
    const at = part.indexOf('=');
    if (at > 0) raw[part.slice(0, at)] = part.slice(at + 1);
  }
  return raw;
}

export class UrlState {
  /**
   * @param params      [{key, url, codec, def}]: state key, URL key, codec, default
   * @param storageKey  the page's own draft key in localStorage
   * @param required    URL keys always written, without which a query is not a saved state
   */
  constructor(params, storageKey, required) {
    this.params = params;
    this.storageKey = storageKey;
    this.required = required;
    this.timer = null;
    this.pending = null;
    this.tooLarge = false;
    this.onTooLarge = () => {};  // (tooLarge) => void: the page says so, or stops saying it
    // Leaving the page (a nav link, a reload) writes what is still waiting: nothing typed
    // in the last 250 ms is lost.
    window.addEventListener('pagehide', () => this.flush());
  }

  /** Write a waiting state now. */
  flush() {
    clearTimeout(this.timer);
    if (this.pending) this.pending();
  }

  /** A state with every parameter at its default. */
  defaults() { return Object.fromEntries(this.params.map((p) => [p.key, clone(p.def)])); }

  /** Query string for a state; defaults are left out (the page's embed flags kept). */
  encode(state, { embed = true } = {}) {
    const parts = [];
    for (const p of this.params) {
      const value = p.codec.enc(state[p.key]);
      if (this.required.includes(p.url) || value !== p.codec.enc(p.def)) parts.push(`${p.url}=${value}`);
    }
    const flags = embed ? embedQuery(EMBED) : '';
    if (flags) parts.push(flags);
    return `?${parts.join('&')}`;
  }

  /** State from a query string (missing keys take their defaults); null without the required keys. */
  decode(query) {
    const raw = rawOf(query);
    if (!this.required.every((key) => key in raw)) return null;
    const state = this.defaults();
    for (const p of this.params) if (p.url in raw) state[p.key] = p.codec.dec(raw[p.url]);
    return state;
  }

  /** The id of ?preset=<id> in the page's URL, or null. */
  preset() {
    const raw = rawOf(currentQuery());
    return 'preset' in raw ? unesc(raw.preset) : null;
  }

  /** The state to start from: the URL's, else the saved draft, else null. */
  load() {
    const fromUrl = this.decode(currentQuery());
    if (fromUrl) return fromUrl;
    try {
      const saved = window.localStorage.getItem(this.storageKey);
      return saved ? this.decode(unpack(saved) ?? saved) : null;
    } catch {
      return null;
    }
  }

  /** Write the state to the URL and the draft, at most every 250 ms (browsers throttle). */
  save(state) {
    const query = this.encode(state);
    clearTimeout(this.timer);
    this.pending = () => {
      this.pending = null;
      const where = locationOf(query);
      const tooLarge = where.length > MAX_LINK;
      const now = window.location.search + window.location.hash;
      if (!tooLarge && now !== where && window.location.pathname + now !== where) {
        window.history.replaceState(null, '', where);
      }
      // The draft keeps every state, packed when long (localStorage holds ~5 M characters).
      try {
        window.localStorage.setItem(this.storageKey, query.length > LONG ? pack(query) : query);
      } catch { /* private mode, or full */ }
      if (tooLarge !== this.tooLarge) {
        this.tooLarge = tooLarge;
        this.onTooLarge(tooLarge);
      }
    };
    this.timer = setTimeout(this.pending, 250);
    return query;
  }

  /** A link that restores this state on this page (not embedded). */
  link(state) {
    const where = locationOf(this.encode(state, { embed: false }));
    const path = where.startsWith('?') ? window.location.pathname + where : where;
    return window.location.origin + path;
  }
}

/** Every parameter of the lab (also read by the matrix and backward pages). */
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
  { key: 'example', url: 'ex', codec: text, def: '' },  // the lecture example, until edited
  { key: 'whole', url: 'whole', codec: flag, def: false },  // the lab: whole output at once
  { key: 'colors', url: 'colors', codec: text, def: 'auto' },  // the lab: auto, gray, diverging
  { key: 'glide', url: 'glide', codec: flag, def: false },  // the lab: the window glides
];

/** The lab's URL state (draft key convviz.lab.v1). */
export const lab = new UrlState(PARAMS, 'convviz.lab.v1', ['input', 'kernel']);
export const defaults = () => lab.defaults();
export const encode = (state) => lab.encode(state);
