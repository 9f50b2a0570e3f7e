// The API client: the only module that calls fetch.

export class ApiError extends Error {
  /** `detail` is the API's list of {loc, msg, type}; `status` the HTTP status. */
  constructor(status, detail) {
    super(detail.map((d) => d.msg).join('; '));
    this.status = status;
    this.detail = detail;
  }
}

async function call(method, path, body, signal) {
  const init = { method, signal, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = payload && Array.isArray(payload.detail) ? payload.detail
      : [{ loc: ['body'], msg: `the server answered ${response.status}`, type: 'http' }];
    throw new ApiError(response.status, detail);
  }
  return payload;
}

/** POST /api/conv2d with a request body; resolves to the response JSON. */
export const conv2d = (body, signal) => call('POST', '/api/conv2d', body, signal);

/** GET /api/presets: {examples, kernels}. */
export const presets = () => call('GET', '/api/presets');

/** The exercise API: the types, one exercise, grading an answer, the worked solution. */
const exercisePath = (id) => `/api/exercises/${encodeURIComponent(id)}`;
export const exerciseTypes = () => call('GET', '/api/exercises/types');
export const exercise = (id) => call('GET', exercisePath(id));
export const checkAnswer = (id, answer) => call('POST', `${exercisePath(id)}/check`, { answer });
export const exerciseSolution = (id) => call('GET', `${exercisePath(id)}/solution`);

/** POST /api/conv_transpose2d: output, scatter trace, the equivalent convolution. */
export const convTranspose2d = (body, signal) => call('POST', '/api/conv_transpose2d', body, signal);

/** POST /api/pool2d and POST /api/max_unpool2d. */
export const pool2d = (body, signal) => call('POST', '/api/pool2d', body, signal);
export const maxUnpool2d = (body, signal) => call('POST', '/api/max_unpool2d', body, signal);

/** POST /api/conv2d/matrix: C, im2col, kernel2row and the identities. */
export const conv2dMatrix = (body, signal) => call('POST', '/api/conv2d/matrix', body, signal);

/** POST /api/conv2d/backward: ΔX, ΔW, Δb for a ΔY, with their traces. */
export const conv2dBackward = (body, signal) => call('POST', '/api/conv2d/backward', body, signal);

/** POST /api/conv1d (a signal's convolution, step by step) and POST /api/conv3d (a volume's). */
export const conv1d = (body, signal) => call('POST', '/api/conv1d', body, signal);
export const conv3d = (body, signal) => call('POST', '/api/conv3d', body, signal);

/** POST /api/shape: output-size arithmetic only. */
export const shape = (body, signal) => call('POST', '/api/shape', body, signal);

/** GET /api/networks: the network presets. */
export const networks = () => call('GET', '/api/networks');
/** POST /api/network: a network's table, layer by layer. */
export const network = (body, signal) => call('POST', '/api/network', body, signal);

/** POST /api/pipeline: a picture through a chain of stages. */
export const pipeline = (body, signal) => call('POST', '/api/pipeline', body, signal);

/** GET /api/images: the sample pictures. */
export const images = () => call('GET', '/api/images');

/** GET /api/images/{name}: a sample picture as (C, H, W) integers 0–255. */
export const image = (name, size, mode) => call('GET',
  `/api/images/${encodeURIComponent(name)}?size=${size}&mode=${mode}`);

/** POST /api/pipeline/backward: the chain forward, then every stage's gradients. */
export const pipelineBackward = (body, signal) => call('POST', '/api/pipeline/backward', body, signal);

/** POST /api/code: the PyTorch and NumPy code behind a view's request. */
export const code = (body) => call('POST', '/api/code', body);

/** POST /api/figure: a view's stage at a step as a file (svg, png, gif or tikz);
 * resolves to {blob, name} (the server's file name). */
export async function figure(body) {
  const response = await fetch('/api/figure', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!response.ok) {
    const payload = await response.json().catch(() => null);
    const detail = payload && Array.isArray(payload.detail) ? payload.detail
      : [{ loc: ['body'], msg: `the server answered ${response.status}`, type: 'http' }];
    throw new ApiError(response.status, detail);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '');
  return { blob: await response.blob(), name: name ? name[1] : 'convviz-figure' };
}
