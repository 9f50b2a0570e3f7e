// Which keys a focused control keeps for itself, so that the page's shortcuts (player
// keys, P, Esc) leave them alone and work everywhere else, checkboxes and sliders included.

const SLIDER_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End',
  'PageUp', 'PageDown']);

/** True when `target` uses `key` itself (typing, a slider moving, a box ticking, a button). */
export function ownsKey(target, key) {
  if (!target || !target.tagName) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target.type || 'text').toLowerCase();
    if (type === 'range') return SLIDER_KEYS.has(key);
    if (type === 'checkbox') return key === ' ';
    if (type === 'radio') return key === ' ' || key.startsWith('Arrow');
    return true; // text, number and the like keep every key
  }
  if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') return key === ' ' || key === 'Enter';
  // A focused grid cell: arrows move within its grid, Enter pins it (core/grid.js).
  if (target.classList && target.classList.contains('cell') && target.closest('.grid')) {
    return key.startsWith('Arrow') || key === 'Enter';
  }
  return false;
}
