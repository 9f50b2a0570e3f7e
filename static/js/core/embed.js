// Embedding a view in a slide or a course page: `embed=1` in a view's state shows only
// its stage and player (no top bar, no editors), `hide=formula,arithmetic` hides named
// panels too (as TensorFlow Playground's URL does), and the Embed panel gives the
// <iframe> snippet for the current state. The server lets a page be framed only by the
// origins CONVVIZ_FRAME_ANCESTORS names.

/** Panels a `hide=` list may name: their selector and what they are, in words. */
export const HIDEABLE = {
  formula: ['.formula', 'the formula'],
  arithmetic: ['.arithmetic', 'the size arithmetic'],
  player: ['.player', 'the player'],
  legend: ['.legend', 'the legends'],
  keys: ['.keys', 'the keys'],
  status: ['.status', 'the status line'],
  input: ['.map-input', 'the input map'],
  kernel: ['.map-kernel', 'the kernel'],
  readout: ['.pipe-readout, [data-readout]', 'the hover readout'],
};

/** {embed, hide} of a query string ("?embed=1&hide=formula,keys&…"). */
export function embedOf(query) {
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  const hide = (params.get('hide') || '').split(',').map((h) => h.trim())
    .filter((h) => h in HIDEABLE);
  return { embed: params.get('embed') === '1', hide };
}

/** The query part that keeps embedding across saves of the state ('' when none). */
export function embedQuery({ embed, hide }) {
  const parts = [];
  if (embed) parts.push('embed=1');
  if (hide.length) parts.push(`hide=${hide.join(',')}`);
  return parts.join('&');
}

/** Set the page's classes for embedding. */
export function applyEmbed({ embed, hide }, body = document.body) {
  body.classList.toggle('embed', embed);
  for (const name of Object.keys(HIDEABLE)) body.classList.toggle(`hide-${name}`, hide.includes(name));
}

/** The <iframe> snippet of `link` (a full URL of the state) embedded, hiding `hide`. */
export function snippet(link, hide, title, size = [960, 600]) {
  const url = new URL(link);
  const extra = embedQuery({ embed: true, hide });
  const packed = url.hash.startsWith('#z=');
  // A packed state's query is in the fragment: the flags go in a query of their own.
  const query = packed ? `?${extra}` : `${url.search ? `${url.search}&` : '?'}${extra}`;
  const src = `${url.origin}${url.pathname}${query}${packed ? url.hash : ''}`;
  const esc = (t) => t.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${esc(src)}" width="${size[0]}" height="${size[1]}" title="${esc(title)}" `
    + 'style="border: 0" loading="lazy" allow="clipboard-write"></iframe>';
}
