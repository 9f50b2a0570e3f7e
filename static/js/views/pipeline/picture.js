// Where the picture comes from: a sample from the server (GET /api/images/{name}), a
// file opened, dropped or pasted (PNG, JPEG, WebP: decoded in this page, cropped to a
// square and scaled to the size asked for), or a digit drawn in a 28 × 28 canvas.
// Each ends as (C, H, W) whole numbers 0–255; gray is ITU-R 601 luma, as the server's.

import * as api from '../../core/api.js';

export const DIGIT = 28;
const LUMA = [0.299, 0.587, 0.114];
const cache = new Map();

/** A sample picture, asked once per name, size and mode. */
export async function sample(name, size, mode) {
  const key = `${name}/${size}/${mode}`;
  if (!cache.has(key)) cache.set(key, api.image(name, size, mode).then((r) => r.input));
  try { return await cache.get(key); } catch (err) { cache.delete(key); throw err; }
}

/** (C, size, size) integers of a decoded bitmap: its centre square, scaled. */
export function fromBitmap(bitmap, size, mode) {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  const side = Math.min(bitmap.width, bitmap.height);
  ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side,
    0, 0, size, size);
  return fromPixels(ctx.getImageData(0, 0, size, size).data, size, size, mode);
}

function fromPixels(data, rows, cols, mode) {
  const channels = mode === 'rgb' ? [0, 1, 2] : [null];
  return channels.map((c) => Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, k) => {
    const o = (r * cols + k) * 4;
    if (c !== null) return data[o + c];
    return Math.round(LUMA[0] * data[o] + LUMA[1] * data[o + 1] + LUMA[2] * data[o + 2]);
  })));
}

/** Decode a file or blob (PNG, JPEG, WebP) to a matrix; rejects with a sentence. */
export async function fromFile(blob, size, mode) {
  if (!/^image\/(png|jpeg|webp)$/.test(blob.type)) {
    throw new Error(`${blob.name || 'this'} is ${blob.type || 'not an image'}: open a PNG, JPEG or WebP picture`);
  }
  let bitmap;
  try { bitmap = await createImageBitmap(blob); } catch {
    throw new Error(`${blob.name || 'the picture'} could not be decoded as ${blob.type}`);
  }
  try { return fromBitmap(bitmap, size, mode); } finally { bitmap.close(); }
}

/** The first picture on the clipboard of a paste event, or null. */
export function pastedImage(event) {
  for (const item of event.clipboardData?.items || []) {
    if (item.kind === 'file' && item.type.startsWith('image/')) return item.getAsFile();
  }
  return null;
}

/** A 28 × 28 drawing pad: white strokes on black, kept as 784 values 0–15 (hex). */
export class DrawPad {
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.onChange = onChange;
    let last = null;
    const at = (e) => {
      const r = canvas.getBoundingClientRect();
      return [((e.clientX - r.left) / r.width) * DIGIT, ((e.clientY - r.top) / r.height) * DIGIT];
    };
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      last = at(e);
      this.stroke(last, last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!last) return;
      const p = at(e);
      this.stroke(last, p);
      last = p;
    });
    const end = () => { if (last) { last = null; this.onChange(this.hex()); } };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  stroke(a, b) {
    const { ctx } = this;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 2.4;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0] + 0.01, b[1]);
    ctx.stroke();
  }

  clear() {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, DIGIT, DIGIT);
  }

  /** The drawing as 784 hex digits (0–15), row by row. */
  hex() {
    const d = this.ctx.getImageData(0, 0, DIGIT, DIGIT).data;
    let s = '';
    for (let i = 0; i < DIGIT * DIGIT; i += 1) s += Math.round(d[i * 4] / 17).toString(16);
    return s;
  }

  /** Show a drawing given as hex (or a 3 drawn by hand when there is none). */
  load(hex) {
    this.clear();
    if (!hex || hex.length !== DIGIT * DIGIT) {
      this.stroke([9, 7], [18, 7]); this.stroke([18, 7], [13, 13]); this.stroke([13, 13], [19, 17]);
      this.stroke([19, 17], [16, 21]); this.stroke([16, 21], [9, 21]);
      return;
    }
    const image = this.ctx.createImageData(DIGIT, DIGIT);
    for (let i = 0; i < DIGIT * DIGIT; i += 1) {
      const g = parseInt(hex[i], 16) * 17;
      image.data.set([g, g, g, 255], i * 4);
    }
    this.ctx.putImageData(image, 0, 0);
  }

  /** (1, 28, 28) integers 0–255. */
  matrix() {
    const d = this.ctx.getImageData(0, 0, DIGIT, DIGIT).data;
    return [Array.from({ length: DIGIT }, (_, r) => Array.from({ length: DIGIT },
      (_, c) => d[(r * DIGIT + c) * 4]))];
  }
}
