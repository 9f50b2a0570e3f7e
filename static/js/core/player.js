// The player: one step index over the trace, and the controls that move it
// (buttons, timeline, speed, keyboard). It knows nothing of convolution.

import { ownsKey } from './shortcuts.js';

const SPEEDS = { 1: 0.5, 2: 1, 3: 2, 4: 4, 5: 8, 6: 20, 7: 60 }; // steps per second


export class Player {
  /**
   * @param {HTMLElement} root the player's controls
   * @param {(index: number) => void} onStep called whenever the index changes
   * @param {(level: number) => void} onSpeed called when the speed control moves
   */
  constructor(root, onStep, onSpeed = () => {}) {
    this.root = root;
    this.onStep = onStep;
    this.onSpeed = onSpeed;
    this.index = 0;
    this.total = 0;
    this.timer = null;
    this.speed = 2;
    this.row = 0;  // steps in one output row (setRow), for stepping by whole rows
    this.q = (name) => root.querySelector(`[data-player="${name}"]`);
    root.addEventListener('click', (event) => {
      const button = event.target.closest('[data-action]');
      if (button) this.act(button.dataset.action);
    });
    this.q('scrub').addEventListener('input', (e) => this.set(Number(e.target.value)));
    this.q('speed').addEventListener('input', (e) => this.setSpeed(e.target.value, true));
    document.addEventListener('keydown', (e) => this.key(e));
  }

  key(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (ownsKey(event.target, event.key)) return;
    // ↑ and ↓ stay with the page: they scroll it.
    const actions = { ' ': 'toggle', ArrowRight: 'next', ArrowLeft: 'prev', Home: 'first',
      End: 'last', PageDown: 'next-row', PageUp: 'prev-row' };
    const byRow = { ArrowRight: 'next-row', ArrowLeft: 'prev-row' };
    const action = (event.shiftKey && byRow[event.key]) || actions[event.key];
    if (!action) return;
    event.preventDefault();
    this.act(action);
  }

  act(action) {
    if (action === 'toggle') this.toggle();
    else {
      this.pause();
      if (action === 'next') this.set(this.index + 1);
      if (action === 'prev') this.set(this.index - 1);
      if (action === 'first') this.set(0);
      if (action === 'last') this.set(this.total - 1);
      if (action === 'next-row') this.set(this.index + (this.row || 1));
      if (action === 'prev-row') this.set(this.index - (this.row || 1));
    }
  }

  /** Move to step i (clamped); `quiet` skips the callback. */
  set(i, quiet = false) {
    const next = Math.max(0, Math.min(this.total - 1, Math.round(i) || 0));
    const changed = next !== this.index;
    this.index = next;
    this.paint();
    if (changed && !quiet) this.onStep(this.index);
  }

  setTotal(total) {
    this.total = total;
    this.q('scrub').max = String(Math.max(0, total - 1));
    if (this.index > total - 1) this.set(total - 1);
    this.paint();
  }

  /** Steps in one row of the output: Shift+→, Page Down and the row buttons move that far. */
  setRow(steps) {
    this.row = Math.max(1, Math.round(steps) || 1);
    this.root.querySelectorAll('[data-action$="-row"]').forEach((b) => { b.hidden = this.row < 2; });
  }

  /** Steps per second at the chosen speed. */
  get rate() { return SPEEDS[this.speed]; }

  setSpeed(level, fromControl = false) {
    this.speed = SPEEDS[level] ? Number(level) : 2;
    if (!fromControl) this.q('speed').value = String(this.speed);
    const rate = SPEEDS[this.speed];
    this.q('speed-label').textContent = `${rate} ${rate === 1 ? 'step' : 'steps'}/s`;
    if (this.timer) { this.pause(); this.play(); }
    if (fromControl) this.onSpeed(this.speed);
  }

  /** Play at the chosen rate, kept by the clock: each frame moves as many steps as the
   * time since the start asks for, so 60 steps/s is 60 whatever a frame costs (a timer
   * per step fell behind: "20 steps/s" measured 16). */
  play() {
    if (this.total < 2) return;
    if (this.index >= this.total - 1) this.set(0);
    const rate = SPEEDS[this.speed];
    const start = performance.now();
    const from = this.index;
    const run = Symbol("run");  // one loop at a time: a restarted play ends the older one
    this.run = run;
    const frame = (now) => {
      if (!this.timer || this.run !== run) return;
      const due = from + Math.floor(((now - start) / 1000) * rate);
      if (due > this.index) this.set(Math.min(due, this.total - 1));
      if (this.index >= this.total - 1) { this.pause(); return; }
      this.timer = requestAnimationFrame(frame);
    };
    this.timer = requestAnimationFrame(frame);
    this.paint();
  }

  pause() {
    cancelAnimationFrame(this.timer);
    this.timer = null;
    this.run = null;
    this.paint();
  }

  toggle() { if (this.timer) this.pause(); else this.play(); }

  paint() {
    const playing = Boolean(this.timer);
    const button = this.q('toggle');
    button.textContent = playing ? 'Pause' : 'Play';
    button.setAttribute('aria-pressed', String(playing));
    this.root.classList.toggle('playing', playing);
    this.q('scrub').value = String(this.index);
    this.q('counter').textContent = this.total
      ? `Step ${this.index + 1} of ${this.total}` : 'No steps';
  }
}
