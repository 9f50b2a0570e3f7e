// URL state of the matrix and backward pages: the lab's table of parameters
// (url-state.js, same keys and codecs) plus each page's own, kept under its
// own draft key so the pages never overwrite each other's (or the lab's) draft.

import { PARAMS as LAB } from './url-state.js';

const codec = (key) => LAB.find((p) => p.key === key).codec;
const SYMBOLIC = { key: 'symbolic', url: 'symbolic', codec: codec('flip'), def: false };
const GRAD = { key: 'grad', url: 'grad', codec: codec('input'), def: [[['1']]] };
const EXTRA = { matrix: [SYMBOLIC], backward: [SYMBOLIC, GRAD] };

const clone = (v) => (typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v);

export class PageUrl {
  /** @param page "matrix" or "backward" */
  constructor(page) {
    this.params = [...LAB, ...EXTRA[page]];
    this.storageKey = `convviz.${page}.v1`;
    this.timer = null;
  }

  /** The page's extra keys at their defaults (merged into a lab state). */
  extras() {
    return Object.fromEntries(this.params.filter((p) => !LAB.includes(p))
      .map((p) => [p.key, clone(p.def)]));
  }

  encode(state) {
    const parts = [];
    for (const p of this.params) {
      const value = p.codec.enc(state[p.key]);
      if (p.key === 'input' || p.key === 'kernel' || value !== p.codec.enc(p.def)) {
        parts.push(`${p.url}=${value}`);
      }
    }
    return `?${parts.join('&')}`;
  }

  /** {state} from a query string, {preset} for ?preset=<id>, or null. */
  decode(query) {
    const raw = {};
    for (const part of query.replace(/^\?/, '').split('&')) {
      const at = part.indexOf('=');
      if (at > 0) raw[part.slice(0, at)] = part.slice(at + 1);
    }
    if ('preset' in raw) return { preset: decodeURIComponent(raw.preset) };
    if (!('input' in raw) || !('kernel' in raw)) return null;
    const state = Object.fromEntries(this.params.map((p) => [p.key, clone(p.def)]));
    for (const p of this.params) if (p.url in raw) state[p.key] = p.codec.dec(raw[p.url]);
    return { state };
  }

  /** The URL's state or preset, else the saved draft, else null. */
  load() {
    const fromUrl = this.decode(window.location.search);
    if (fromUrl) return fromUrl;
    try {
      const saved = window.localStorage.getItem(this.storageKey);
      return saved ? this.decode(saved) : null;
    } catch {
      return null;
    }
  }

  /** Write the state to the URL and the draft, at most every 250 ms. */
  save(state) {
    const query = this.encode(state);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (window.location.search !== query) window.history.replaceState(null, '', query);
      try { window.localStorage.setItem(this.storageKey, query); } catch { /* private mode */ }
    }, 250);
    return query;
  }
}
