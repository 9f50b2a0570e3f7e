// The backward page's loaded trace pages. POST /api/conv2d/backward pages the
// ΔX trace (`trace`, `steps`) and the ΔW trace (`kernel_trace`, `kernel_steps`)
// separately; each is a TraceStore (trace.js, as the lab's), and a missing step
// is fetched with its page, the other trace turned off, as the lab's fetchPage (views/lab/main.js) does.

import * as api from '../../core/api.js';
import { TraceStore } from '../../core/trace.js';

const PAGE_VALUES = 200_000; // numbers per page we ask for (about 1 MB of JSON)
const MAX_PAGE = 4096;

/** Steps per page: ΔX steps carry the whole running ΔX, ΔW steps about 5 numbers per ΔY cell. */
export function pageLimits(inputCells, outputCells) {
  const fit = (perStep) => Math.max(1, Math.min(MAX_PAGE, Math.floor(PAGE_VALUES / perStep)));
  return { dx: fit(inputCells + 16), dw: fit(5 * outputCells) };
}

const VIEWS = {
  dx: (resp) => ({ trace: resp.trace, steps: resp.steps }),
  dw: (resp) => ({ trace: resp.kernel_trace, steps: resp.kernel_steps }),
};

export class BackwardTraces {
  /**
   * @param resp    the first response (with a page of each trace)
   * @param body    the request body it answered (trace pages are asked with it)
   * @param limits  {dx, dw}: the page sizes asked for
   * @param onLoad  called after a page arrives (links and frames may use it)
   * @param onError called with a message when a page the frame needs failed
   */
  constructor(resp, body, limits, onLoad, onError) {
    this.body = body;
    this.stores = { dx: new TraceStore(VIEWS.dx(resp), limits.dx), dw: new TraceStore(VIEWS.dw(resp), limits.dw) };
    this.onLoad = onLoad;
    this.onError = onError;
    this.pending = new Set();
    this.dead = false;
  }

  get dx() { return this.stores.dx; }

  get dw() { return this.stores.dw; }

  /** Every ΔX step 0…k is loaded (the formula can list every term). */
  dxUpTo(k) {
    for (let i = 0; i <= k; i += 1) if (!this.dx.has(i)) return false;
    return true;
  }

  /** Ask for the page holding step i of trace `which` ("dx" or "dw") unless loaded or asked. */
  need(which, i, quiet = false) {
    const store = this.stores[which];
    if (i < 0 || i >= store.total || store.has(i)) return;
    // A page the server cut shorter than asked leaves a hole: start the next one at i.
    let start = store.pageStart(i);
    if (store.has(start)) start = i;
    const key = `${which}:${start}`;
    if (this.pending.has(key)) return;
    this.pending.add(key);
    const page = { start, limit: store.pageSize };
    const body = { ...this.body, symbolic: false, full_convolution_trace: false,
      trace: which === 'dx' ? page : false, kernel_trace: which === 'dw' ? page : false };
    api.conv2dBackward(body).then((resp) => {
      if (this.dead) return;
      store.add(VIEWS[which](resp));
      this.onLoad();
    }).catch((err) => {
      if (!this.dead && !quiet) this.onError(`Could not load steps from ${start + 1}: ${err.message}`);
    }).finally(() => this.pending.delete(key));
  }

  /** Forget this response's pages (a new request replaced it). */
  drop() { this.dead = true; }
}
