// A layer's arguments as the text a user types: "out_channels=64 kernel_size=7
// stride=2 padding=3 bias=false", pairs as "3,1"; and back. Values are read as
// JSON where they can be (numbers, true/false, [3, 1]), else kept as words
// ("same"): the server checks them and names the one at fault.

/** Text for the arguments of `layer` (the type and residual branches left out). */
export function argsText(layer) {
  return Object.entries(layer)
    .filter(([k]) => k !== 'type' && k !== 'body' && k !== 'shortcut')
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
}

/** {args, error}: the arguments an argument text gives, or the reason it gives none. */
export function parseArgs(text) {
  const args = {};
  for (const part of text.trim().split(/\s+/).filter(Boolean)) {
    const at = part.indexOf('=');
    if (at < 1) return { args, error: `"${part}" is not name=value` };
    const name = part.slice(0, at);
    const raw = part.slice(at + 1);
    if (!/^[a-z_]+$/.test(name)) return { args, error: `"${name}" is not an argument name` };
    if (raw === '') return { args, error: `${name} has no value` };
    args[name] = valueOf(raw);
  }
  return { args, error: null };
}

function valueOf(raw) {
  if (raw.includes(',') && !raw.startsWith('[')) return raw.split(',').map(valueOf);
  if (raw === 'None' || raw === 'null') return null;
  if (raw === 'True') return true;
  if (raw === 'False') return false;
  try { return JSON.parse(raw); } catch { return raw; }
}
