// One request at a time for a view page: local problems hold the last result
// (marked stale), a new body goes out debounced (160 ms while typing), the same
// body not twice, and an answer a newer request overtook is dropped.

import { ApiError } from './api.js';
import { remoteErrors } from './request.js';
import { markPainted, setStatus, showTwin } from './page-chrome.js';

const FIX = 'Showing the last valid result: fix the marked fields.';
const FIX_FIRST = 'Nothing to show yet: fix the marked fields.';
const REFUSED = 'The server refused these settings: see the message next to the field.';

export class Exchange {
  /**
   * @param hooks.endpoint  "/api/…" for the JSON twin
   * @param hooks.wire      (body) => the body sent and shown as the twin
   * @param hooks.call      (wired, signal) => Promise of the answer
   * @param hooks.shown     (answer, body) => keep and draw it; may return a promise that
   *                        settles once drawn (heatmaps), for the "painted" mark
   * @param hooks.errors    ([{field, msg}]) => void: beside the fields ([] clears)
   * @param hooks.note      () => the status line once an answer is shown
   * @param hooks.restate   the same body offered again restates the note
   * @param hooks.drop      local problems also drop an answer on its way, and the
   *                        same body is asked again once they are fixed
   */
  constructor(hooks) {
    this.hooks = { wire: (b) => b, note: () => '', ...hooks };
    this.gen = 0;
    this.body = null;
    this.key = null;
    this.answered = false;
    this.controller = null;
    this.timer = null;
  }

  /** Show local problems; true (and the last result stale) when there are any. */
  hold(errors) {
    this.hooks.errors(errors);
    if (!errors.length) return false;
    clearTimeout(this.timer);
    if (this.hooks.drop) {
      this.gen += 1; // an answer still on its way would cover these messages
      this.key = null;
    }
    setStatus(this.answered ? FIX : FIX_FIRST, true);
    return true;
  }

  /** Ask for `body` unless it is the one asked last (a field losing focus fires "change" again). */
  offer(body, typing = false) {
    const key = JSON.stringify(body);
    if (key === this.key && this.answered) {
      if (this.hooks.restate) setStatus(this.hooks.note());
      return;
    }
    this.body = body;
    this.key = key;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.send(), typing ? 160 : 0);
  }

  async send() {
    const gen = ++this.gen;
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    const body = this.body;
    const wired = this.hooks.wire(body);
    showTwin(this.hooks.endpoint, wired);
    try {
      const answer = await this.hooks.call(wired, this.controller.signal);
      if (gen !== this.gen) return;
      this.hooks.errors([]);
      setStatus(this.hooks.note());
      this.answered = true;
      markPainted(this.hooks.shown(answer, body));
    } catch (err) {
      if (err.name === 'AbortError' || gen !== this.gen) return;
      if (!(err instanceof ApiError)) console.error(err.stack);
      this.key = null; // a refused body is asked again next time, so its message stays true
      this.hooks.errors(remoteErrors(err));
      setStatus(REFUSED, true);
    }
  }
}
