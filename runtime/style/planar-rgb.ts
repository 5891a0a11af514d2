import type { RgbaImage } from '../image.ts';

/*
 * A picture's way into a network and back out: RGBA bytes scaled to the network's size as planar RGB in 0..1, and
 * the network's planes scaled back to RGBA bytes. Scaling follows resizeRgba's rule (each output pixel averages the
 * source area it covers when shrinking, bilinear when enlarging) but runs separably with the weights worked out once
 * per axis, and in floats from end to end, so that a frame-sized picture costs milliseconds, not a large part of a
 * frame's budget, and the network's output is rounded to bytes only once.
 */

/** For each output pixel along one axis: the first source pixel it reads, how many, and their weights (summing to 1). */
interface AxisWeights {
  first: Int32Array;
  count: Int32Array;
  /** `taps` weights per output pixel, unused ones 0. */
  weights: Float32Array;
  taps: number;
}

function axisWeights(sourceLength: number, targetLength: number): AxisWeights {
  const scale = sourceLength / targetLength;
  const taps = scale >= 1 ? Math.ceil(scale) + 1 : 2;
  const first = new Int32Array(targetLength);
  const count = new Int32Array(targetLength);
  const weights = new Float32Array(targetLength * taps);
  for (let i = 0; i < targetLength; i++) {
    // The source interval the output pixel covers: its own area when shrinking, a pixel-wide window when enlarging.
    let start: number;
    let end: number;
    if (scale >= 1) {
      start = i * scale;
      end = Math.min(sourceLength, (i + 1) * scale);
    } else {
      start = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), sourceLength - 1);
      end = start + 1;
    }
    const from = Math.floor(start);
    const to = Math.min(Math.ceil(end), sourceLength);
    let total = 0;
    for (let s = from; s < to; s++) total += Math.min(end, s + 1) - Math.max(start, s);
    first[i] = from;
    count[i] = to - from;
    for (let s = from; s < to; s++) weights[i * taps + s - from] = (Math.min(end, s + 1) - Math.max(start, s)) / total;
  }
  return { first, count, weights, taps };
}

/** Along rows: `planes` channels of sourceWidth x height to targetWidth x height. */
function resizeRows(planes: Float32Array, channels: number, sourceWidth: number, height: number, targetWidth: number): Float32Array {
  if (sourceWidth === targetWidth) return planes;
  const { first, count, weights, taps } = axisWeights(sourceWidth, targetWidth);
  const out = new Float32Array(channels * height * targetWidth);
  for (let row = 0; row < channels * height; row++) {
    const source = row * sourceWidth;
    const target = row * targetWidth;
    for (let x = 0; x < targetWidth; x++) {
      const from = source + first[x]!;
      const at = x * taps;
      const n = count[x]!;
      let sum = 0;
      for (let k = 0; k < n; k++) sum += planes[from + k]! * weights[at + k]!;
      out[target + x] = sum;
    }
  }
  return out;
}

/** Along columns: `planes` channels of width x sourceHeight to width x targetHeight, a whole row at a time. */
function resizeColumns(planes: Float32Array, channels: number, width: number, sourceHeight: number, targetHeight: number): Float32Array {
  if (sourceHeight === targetHeight) return planes;
  const { first, count, weights, taps } = axisWeights(sourceHeight, targetHeight);
  const out = new Float32Array(channels * targetHeight * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < targetHeight; y++) {
      const target = (c * targetHeight + y) * width;
      const n = count[y]!;
      for (let k = 0; k < n; k++) {
        const weight = weights[y * taps + k]!;
        const source = (c * sourceHeight + first[y]! + k) * width;
        for (let x = 0; x < width; x++) out[target + x] = out[target + x]! + planes[source + x]! * weight;
      }
    }
  }
  return out;
}

/** RGBA bytes as a network's input: three planes (R, G, B) in 0..1 at width x height (scaled where they differ); alpha is dropped. */
export function rgbaToPlanar(image: RgbaImage, width = image.width, height = image.height): Float32Array {
  const area = image.width * image.height;
  const planes = new Float32Array(3 * area);
  const { data } = image;
  for (let i = 0, at = 0; i < area; i++, at += 4) {
    planes[i] = data[at]! / 255;
    planes[area + i] = data[at + 1]! / 255;
    planes[2 * area + i] = data[at + 2]! / 255;
  }
  return resizeColumns(resizeRows(planes, 3, image.width, image.height, width), 3, width, image.height, height);
}

/** A network's planar RGB in 0..1 (width x height) back to opaque RGBA bytes at targetWidth x targetHeight, clamped and rounded. */
export function planarToRgba(planes: Float32Array, width: number, height: number, targetWidth = width, targetHeight = height): RgbaImage {
  if (planes.length !== 3 * width * height) throw new Error(`expected 3 planes of ${width}x${height}, got ${planes.length} values`);
  const scaled = resizeColumns(resizeRows(planes, 3, width, height, targetWidth), 3, targetWidth, height, targetHeight);
  const area = targetWidth * targetHeight;
  const data = new Uint8Array(area * 4);
  // A clamped view rounds and clamps as it stores.
  const clamped = new Uint8ClampedArray(data.buffer);
  for (let i = 0, at = 0; i < area; i++, at += 4) {
    clamped[at] = scaled[i]! * 255;
    clamped[at + 1] = scaled[area + i]! * 255;
    clamped[at + 2] = scaled[2 * area + i]! * 255;
    data[at + 3] = 255;
  }
  return { width: targetWidth, height: targetHeight, data };
}
