// The volume page's examples (the decks have no 3-D example): each a state of the page
// as typed (cells as text), with the note the status line shows. DEFAULT is the first load.

const cells = (rows) => rows.map((row) => row.split(' '));

const VOLUME = [
  cells(['1 2 0 3', '4 1 2 0', '0 3 1 2', '2 0 4 1']),
  cells(['3 0 1 2', '1 4 0 3', '2 1 3 0', '0 2 1 4']),
  cells(['0 1 3 1', '2 0 1 4', '3 2 0 1', '1 3 2 0']),
  cells(['2 3 1 0', '0 1 4 2', '1 0 2 3', '4 2 0 1']),
];
const KERNEL = [cells(['1 0', '0 1']), cells(['-1 0', '0 2'])];

/** A 4×4 frame, 0 but for a 9 at (row, col). */
const frame = (row, col) => Array.from({ length: 4 }, (_, r) =>
  Array.from({ length: 4 }, (_, c) => (r === row && c === col ? '9' : '0')));

const cube = Array.from({ length: 3 }, (_, d) => Array.from({ length: 3 }, (_, r) =>
  Array.from({ length: 3 }, (_, c) => String(d * 9 + r * 3 + c))));
const box = Array.from({ length: 3 }, () => cells(['1 1 1', '1 1 1', '1 1 1']));

export const DEFAULT = { input: VOLUME, kernel: KERNEL };

export const DEFAULT_NOTE = 'A 4×4×4 volume and a 2×2×2 kernel: each output reads a 2×2 patch '
  + 'in two neighbouring depth slices, 8 products in all, and the output is 3×3×3.';

export const PRESETS = {
  cube: {
    note: 'The cube 0…26 (slice d, row r, column c holds 9d + 3r + c) by a 2×2×2 kernel: '
      + 'each output adds a diagonal of one slice and the other diagonal of the next; 2×2×2 outputs.',
    state: { input: cube, kernel: [cells(['1 0', '0 1']), cells(['0 1', '1 0'])] },
  },
  video: {
    note: 'A video as a volume, depth is time: four frames of a dot moving down the diagonal. '
      + 'A 3×1×1 kernel averages each pixel over three frames and leaves a trail (motion blur); '
      + 'height and width are untouched.',
    state: { input: [frame(0, 0), frame(1, 1), frame(2, 2), frame(3, 3)],
      kernel: [[['1/3']], [['1/3']], [['1/3']]] },
  },
  'stride-pad': {
    note: 'A 3×3×3 box (27 ones) with stride 2 and padding 1 on every axis: ⌊(4 + 2 − 3) / 2⌋ + 1 = 2 '
      + 'per axis, so 8 outputs; windows at the edge read padding slices and rows.',
    state: { input: VOLUME, kernel: box, stride: ['2', '2', '2'], padding: ['1', '1', '1'] },
  },
  'dilated-depth': {
    note: 'Dilation 2 in depth only: the two kernel slices read input slices two apart '
      + '(depth 1 and 3, then 2 and 4, …), the slice between is skipped.',
    state: { input: [...VOLUME, cells(['1 0 2 3', '3 2 0 1', '0 4 1 2', '2 1 3 0'])],
      kernel: KERNEL, dilation: ['2', '1', '1'] },
  },
};
