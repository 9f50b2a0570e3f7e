// The chains the page starts from: decks 000, 003 and 004's layer on a picture.

const EDGE4 = [ // vertical, horizontal and the two diagonal edges
  [[[1, 0, -1], [1, 0, -1], [1, 0, -1]]],
  [[[1, 1, 1], [0, 0, 0], [-1, -1, -1]]],
  [[[0, 1, 1], [-1, 0, 1], [-1, -1, 0]]],
  [[[1, 1, 0], [1, 0, -1], [0, -1, -1]]],
];
const s = 1 / 1020; // a 5 × 5 LeNet-like filter bank on 0–255 strokes, tanh not saturated
const line = (f) => Array.from({ length: 5 }, (_, r) => Array.from({ length: 5 }, (_, c) => f(r - 2, c - 2) * s));
const LENET6 = [
  line((r, c) => (c === 0 ? 2 : -Math.sign(c))), line((r) => (r === 0 ? 2 : -Math.sign(r))),
  line((r, c) => (r === c ? 2 : -1 / 2)), line((r, c) => (r === -c ? 2 : -1 / 2)),
  line((r, c) => (Math.abs(r) + Math.abs(c) <= 1 ? 2 : -0.5)), line(() => 1),
].map((k) => [k]);

const GAUSS = [[1, 2, 1], [2, 4, 2], [1, 2, 1]].map((r) => r.map((v) => v / 16));
function DEEP(act) {
  const first = GAUSS.map((r) => r.map((v) => v / 255)); // 0–255 to about 0–1
  return [first, GAUSS, GAUSS, GAUSS].flatMap((k, i) => [
    { op: 'conv2d', kernel: k, bias: i === 0 ? -0.5 : 0, padding: 1 }, { op: act }]);
}

export const PRESETS = [
  { name: 'sobel-relu-pool', title: 'Sobel x → ReLU → max pool (deck 000)', source: 'camera', size: 128,
    mode: 'gray', stages: [{ op: 'conv2d', kernel: 'sobel-x', padding: 1 }, { op: 'relu' },
      { op: 'max_pool2d', kernel_size: 2 }] },
  { name: 'gradient-magnitude', title: 'Sobel x and y → gradient magnitude', source: 'chelsea',
    size: 128, mode: 'gray', stages: [{ op: 'conv2d', kernel: ['sobel-x', 'sobel-y'], padding: 1 },
      { op: 'magnitude' }] },
  { name: 'edge-bank', title: 'Four edge kernels → ReLU → 2 × 2 pool', source: 'pattern', size: 96,
    mode: 'gray', stages: [{ op: 'conv2d', kernel: EDGE4, padding: 1 }, { op: 'relu' },
      { op: 'max_pool2d', kernel_size: 2 }] },
  { name: 'deck-003', title: 'Deck 003: conv + bias → softplus → brightness normalisation → subsampling',
    source: 'astronaut', size: 128, mode: 'gray', stages: [
      { op: 'conv2d', kernel: ['sobel-x', 'sobel-y'], bias: [-40, -40], padding: 1 },
      { op: 'softplus', beta: 0.05 },
      { op: 'local_contrast_norm', mode: 'brightness', kappa: 2, lambda: 0.0001, mu: 0.75 },
      { op: 'avg_pool2d', kernel_size: 1, stride: 2 }] },
  { name: 'lenet-digit', title: 'LeNet-like first layer on a digit you draw', source: 'draw', size: 28,
    mode: 'gray', stages: [{ op: 'conv2d', kernel: LENET6, bias: 0, padding: 2 }, { op: 'tanh' },
      { op: 'avg_pool2d', kernel_size: 2 }] },
  { name: 'deep-sigmoid', title: 'Vanishing gradients: four blurs, each through a sigmoid', source: 'pattern',
    size: 32, mode: 'gray', stages: DEEP('sigmoid') },
  { name: 'deep-relu', title: 'The same four blurs through ReLU: the gradient keeps its size', source: 'pattern',
    size: 32, mode: 'gray', stages: DEEP('relu') },
];

/** Arguments a stage added from the list starts with (PyTorch's defaults otherwise). */
export function starter(op, features) {
  const n = Math.max(1, features || 1);
  return {
    conv2d: { op, kernel: 'sobel-x', padding: 1 },
    conv_transpose2d: { op, kernel: [[1, 1], [1, 1]], stride: 2 },
    max_pool2d: { op, kernel_size: 2 }, avg_pool2d: { op, kernel_size: 2 },
    min_pool2d: { op, kernel_size: 2 }, max_unpool2d: { op, kernel_size: 2 },
    leaky_relu: { op, negative_slope: 0.1 }, elu: { op, alpha: 1 }, softplus: { op, beta: 1 },
    batch_norm2d: { op, training: true }, local_response_norm: { op, size: 3 },
    local_contrast_norm: { op, mode: 'both', sigma: 1 }, dropout: { op, p: 0.5, seed: 0 },
    linear: { op, weight: [Array.from({ length: n }, () => 1 / n)] },
  }[op] || { op };
}

export const OPS = ['conv2d', 'relu', 'leaky_relu', 'elu', 'sigmoid', 'tanh', 'softplus', 'abs',
  'max_pool2d', 'avg_pool2d', 'min_pool2d', 'max_unpool2d', 'conv_transpose2d', 'batch_norm2d',
  'local_response_norm', 'local_contrast_norm', 'dropout', 'magnitude', 'flatten', 'linear'];
