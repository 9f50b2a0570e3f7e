// URL state for a view page with its own table of parameters ({key, url,
// codec, def}, codecs from url-state.js): the whole demo, step included, in
// the query string, and a draft in localStorage under the page's own key.

const clone = (v) => (typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : v);

export class PageUrl {
  /** `required`: URL keys without which a query is not a saved state. */
  constructor(params, storageKey, required) {
    this.params = params;
    this.storageKey = storageKey;
    this.required = required;
    this.timer = null;
  }

  defaults() { return Object.fromEntries(this.params.map((p) => [p.key, clone(p.def)])); }

  encode(state) {
    const parts = [];
    for (const p of this.params) {
      const value = p.codec.enc(state[p.key]);
      if (this.required.includes(p.url) || value !== p.codec.enc(p.def)) parts.push(`${p.url}=${value}`);
    }
    return `?${parts.join('&')}`;
  }

  decode(query) {
    const raw = {};
    for (const part of query.replace(/^\?/, '').split('&')) {
      const at = part.indexOf('=');
      if (at > 0) raw[part.slice(0, at)] = part.slice(at + 1);
    }
    if (!this.required.every((key) => key in raw)) return null;
    const state = this.defaults();
    for (const p of this.params) if (p.url in raw) state[p.key] = p.codec.dec(raw[p.url]);
    return state;
  }

  /** The URL's state, else the saved draft, else null. */
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

  link(state) { return window.location.origin + window.location.pathname + this.encode(state); }
}
