// The signal page's examples: each a full state of the page (raw text, as typed).

const NOISY_STEP = '0.3, -0.2, 0.1, -0.4, 0.2, 0, -0.1, 0.3, 5.2, 4.6, 5.3, 4.8, 5.1, 4.7, 5.4, 4.9';

export const PRESETS = {
  'moving-average': {
    note: 'Deck 003\u2019s box filter in one dimension: each output is the mean of three '
      + 'samples, here causal (the present and the two before it), so a step rises over three samples.',
    state: { input: '0, 0, 3, 6, 3, 0, 0, 9, 9, 9', kernel: '1/3, 1/3, 1/3', pad: 'causal' },
  },
  difference: {
    note: 'A difference filter: with the kernel [1, \u22121] reversed (deck 000\u2019s definition) each '
      + 'output is x(t) \u2212 x(t \u2212 1), the discrete derivative; it is zero where the signal is flat.',
    state: { input: '0, 1, 3, 6, 10, 10, 10, 7, 3', kernel: '1, -1', pad: 'valid', flip: true },
  },
  smoothing: {
    note: 'A smoothing kernel (1, 2, 1)/4 on a noisy step: the noise shrinks, the step stays '
      + '(a little softened); \u201csame\u201d padding keeps the length.',
    state: { input: NOISY_STEP, kernel: '1/4, 1/2, 1/4', pad: 'same', mode: 'replicate' },
  },
  definition: {
    note: 'Deck 000: s(t) = \u03a3\u2090 x(a)\u00b7w(t \u2212 a). With the kernel reversed and full padding every '
      + 'term reads w at t \u2212 a: this is convolution, not PyTorch\u2019s cross-correlation.',
    state: { input: '1, 2, 3, 4', kernel: '1, 0, -1', pad: 'full', flip: true },
  },
  'causal-dilated': {
    note: 'One causal dilated layer as WaveNet stacks them: kernel size 2, dilation 4; output t '
      + 'reads x(t \u2212 4) and x(t), never the future. The stack below composes such layers.',
    state: { input: '1, 2, 3, 4, 5, 6, 7, 8, 9, 10', kernel: '1, 1', pad: 'causal', dilation: '4',
      stack: '1, 2, 4, 8' },
  },
};
