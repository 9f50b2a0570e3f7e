// Pure helpers over the server's conv2d response and its steps: no DOM, no
// arithmetic of the convolution itself (the server did that), only reading
// and indexing what it sent.

/** The output as (C_out, H_out, W_out) whatever rank the server used. */
export function output3(resp) {
  return resp.output_shape.length === 2 ? [resp.output] : resp.output;
}

/** [C_out, H_out, W_out] of the output. */
export function outShape(resp) {
  const s = resp.output_shape;
  return s.length === 2 ? [1, s[0], s[1]] : s;
}

/** Step index of output cell [o, r, c]: steps run channel, then row, then column. */
export function stepIndex(resp, out) {
  const [, h, w] = outShape(resp);
  return (out[0] * h + out[1]) * w + out[2];
}

/** Input channels filter `o` reads (its group's slice of the input). */
export function channelsOf(resp, o) {
  const perGroup = resp.kernel[0].length;
  const filtersPerGroup = resp.kernel.length / resp.groups;
  const first = Math.floor(o / filtersPerGroup) * perGroup;
  return Array.from({ length: perGroup }, (_, i) => first + i);
}

/** [kH, kW] of the applied kernel. */
export function kernelSize(resp) {
  return [resp.kernel[0][0].length, resp.kernel[0][0][0].length];
}

/** Tap t as [row, col] inside the kernel (taps run row by row). */
export function tapPos(resp, t) {
  const kw = kernelSize(resp)[1];
  return [Math.floor(t / kw), t % kw];
}

/** Padded cells inside the window's bounding box that no tap reads (dilation gaps). */
export function gapCells(step) {
  const rows = step.window.map((p) => p[0]);
  const cols = step.window.map((p) => p[1]);
  const taken = new Set(step.window.map((p) => `${p[0]},${p[1]}`));
  const gaps = [];
  for (let r = Math.min(...rows); r <= Math.max(...rows); r += 1) {
    for (let c = Math.min(...cols); c <= Math.max(...cols); c += 1) {
      if (!taken.has(`${r},${c}`)) gaps.push([r, c]);
    }
  }
  return gaps;
}

/**
 * The terms of one step's equation, per input channel of the filter's group:
 * {out, channels: [{channel, terms: [{x, w, product, pad, tap}], sum}], bias, value}.
 */
export function formulaOf(resp, step) {
  const o = step.out[0];
  const [, kw] = kernelSize(resp);
  const channels = channelsOf(resp, o).map((channel, ci) => ({
    channel,
    sum: step.partial_sums[ci],
    terms: step.window.map(([r, c], t) => ({
      tap: t,
      x: resp.padded_input[channel][r][c],
      w: resp.kernel[o][ci][Math.floor(t / kw)][t % kw],
      product: step.products[ci][t],
      pad: step.padding[t],
    })),
  }));
  return { out: step.out, channels, bias: step.bias, value: step.value };
}

/**
 * Links from the loaded steps: for each padded input cell "r,c" the steps that
 * read it and through which tap; for each tap the padded cells it reads.
 */
export function linksOf(steps) {
  const byInput = new Map();
  const byTap = new Map();
  for (const step of steps) {
    step.window.forEach(([r, c], t) => {
      const key = `${r},${c}`;
      if (!byInput.has(key)) byInput.set(key, []);
      byInput.get(key).push({ index: step.index, out: step.out, tap: t });
      if (!byTap.has(t)) byTap.set(t, new Set());
      byTap.get(t).add(key);
    });
  }
  return { byInput, byTap };
}

/** Loaded trace pages of one response; `get(i)` is the step or undefined. */
export class TraceStore {
  /** `limit` is the page size asked for; the server may answer with smaller pages. */
  constructor(resp, limit) {
    this.total = resp.trace.total;
    this.pageSize = resp.trace.next_start !== null ? Math.max(1, resp.trace.count) : limit;
    this.steps = new Map();
    this.add(resp);
  }

  add(resp) {
    for (const step of resp.steps) this.steps.set(step.index, step);
  }

  get(i) { return this.steps.get(i); }

  has(i) { return this.steps.has(i); }

  /** Start of the page that holds step i. */
  pageStart(i) { return Math.floor(i / this.pageSize) * this.pageSize; }

  complete() { return this.steps.size === this.total; }

  /**
   * Fetch the page holding step i, unless it is here or on its way: `fetch(start, limit)`
   * resolves to an answer with `steps`; then `done()`. A failure goes to `failed(err,
   * start)`. A store belongs to one answer: a page arriving after a newer answer lands in
   * the old store, and `done` decides whether to draw.
   */
  async load(i, fetch, { done, failed }) {
    const start = this.pageStart(i);
    this.loading = this.loading || new Set();
    if (this.has(start) || this.loading.has(start)) return;
    this.loading.add(start);
    try {
      this.add(await fetch(start, this.pageSize));
      done();
    } catch (err) {
      failed(err, start);
    } finally {
      this.loading.delete(start);
    }
  }

  all() { return [...this.steps.values()]; }
}
