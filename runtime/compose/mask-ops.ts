import type { Mask, PixelBox } from '../image.ts';

/*
 * Both filters are separable and run in O(pixels) whatever the radius, so feathering a mask costs
 * the same for a thumbnail-sized mouth as for a close-up. Pixels beyond the image are treated as
 * copies of the nearest edge pixel: a mask that runs off the frame neither erodes nor fades there.
 *
 * Only the box around the mask's non-zero pixels, grown by how far the filter reaches, is filtered
 * (a face is a small part of a frame), and vertical passes walk whole rows at a time, so every
 * inner loop reads memory in order.
 */

/** How many box passes approximate a gaussian: three get within a few percent of its shape. */
const BOX_PASSES = 3;

/**
 * Minimum filter over a (2r+1)-pixel square, r = `radiusPx` rounded: shrinks the covered area by r
 * pixels on every side. Radius 0 returns a copy. `output` may be `mask` itself.
 */
export function erodeMask(mask: Mask, radiusPx: number, output?: Mask): Mask {
  const result = prepareOutput(mask, output);
  const radius = Math.max(0, Math.round(radiusPx));
  // Erosion cannot spread coverage, so one ring of zeros round the shape is all the context it needs.
  const box = radius === 0 ? undefined : nonZeroBounds(mask, 1);
  if (!box) return radius === 0 ? copyInto(mask, result) : clear(result);
  const { width, height } = box;
  const window = 2 * radius + 1;
  const horizontal = readBox(mask, box);
  const scratch = new MinFilterScratch(width, radius);
  for (let y = 0; y < height; y++) {
    const row = horizontal.subarray(y * width, (y + 1) * width);
    minFilterLine(row, radius, row, scratch);
  }
  // Vertical pass, van Herk / Gil-Werman over whole rows: per block of `window` rows, running minima
  // from the block's top and from its bottom; rows beyond the image are 255, the identity of min.
  const paddedRows = Math.ceil((height + 2 * radius) / window) * window;
  const fromTop = new Uint8Array(paddedRows * width);
  const fromBottom = new Uint8Array(paddedRows * width);
  const rowOf = (padded: number) => padded - radius;
  for (let blockStart = 0; blockStart < paddedRows; blockStart += window) {
    const blockEnd = blockStart + window;
    for (let padded = blockStart; padded < blockEnd; padded++) {
      const target = fromTop.subarray(padded * width, (padded + 1) * width);
      fillMinRow(target, horizontal, rowOf(padded), height, width, padded === blockStart ? undefined : fromTop.subarray((padded - 1) * width, padded * width));
    }
    for (let padded = blockEnd - 1; padded >= blockStart; padded--) {
      const target = fromBottom.subarray(padded * width, (padded + 1) * width);
      fillMinRow(target, horizontal, rowOf(padded), height, width, padded === blockEnd - 1 ? undefined : fromBottom.subarray((padded + 1) * width, (padded + 2) * width));
    }
  }
  // Rows y-r .. y+r are padded rows y .. y+window-1: the bottom-up minimum of the first's block and
  // the top-down minimum of the last's cover them exactly.
  const eroded = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const a = y * width;
    const b = (y + window - 1) * width;
    for (let x = 0; x < width; x++) {
      const up = fromBottom[a + x]!;
      const down = fromTop[b + x]!;
      eroded[y * width + x] = up < down ? up : down;
    }
  }
  return writeBox(eroded, box, result);
}

/**
 * Softens a mask with three box blurs of radius r = `radiusPx` rounded (a gaussian of sigma about
 * sqrt(r(r+1))), using integer running sums. Flat areas stay exactly flat; radius 0 returns a copy.
 * `output` may be `mask` itself.
 */
export function blurMask(mask: Mask, radiusPx: number, output?: Mask): Mask {
  const result = prepareOutput(mask, output);
  const radius = Math.max(0, Math.round(radiusPx));
  // Three passes reach 3r pixels; one more keeps the box's edge at zero, so repeating it matches the zeros beyond.
  const box = radius === 0 ? undefined : nonZeroBounds(mask, BOX_PASSES * radius + 1);
  if (!box) return radius === 0 ? copyInto(mask, result) : clear(result);
  const { width, height } = box;
  const bytes = readBox(mask, box);
  // Passes keep 8 extra bits of fraction so their rounding errors do not pile up over six passes.
  let source = new Uint16Array(width * height);
  let target = new Uint16Array(width * height);
  for (let i = 0; i < source.length; i++) source[i] = bytes[i]! << 8;
  for (let pass = 0; pass < BOX_PASSES; pass++) {
    for (let y = 0; y < height; y++) boxBlurRow(source, target, y * width, width, radius);
    [source, target] = [target, source];
  }
  const sums = new Float64Array(width);
  for (let pass = 0; pass < BOX_PASSES; pass++) {
    boxBlurColumns(source, target, width, height, radius, sums);
    [source, target] = [target, source];
  }
  for (let i = 0; i < source.length; i++) bytes[i] = (source[i]! + 128) >> 8;
  return writeBox(bytes, box, result);
}

/**
 * Erodes by `erodePx`, then blurs by `blurPx`: pulls the soft edge inwards. The blur spreads 3 x
 * `blurPx` pixels, so eroding by that much keeps every softened pixel inside the original shape.
 */
export function featherMask(mask: Mask, erodePx: number, blurPx: number, output?: Mask): Mask {
  return blurMask(erodeMask(mask, erodePx, output), blurPx, output);
}

/** The box around the non-zero pixels grown by `margin`, clipped to the mask; undefined when all are zero. */
export function nonZeroBounds(mask: Mask, margin: number): PixelBox | undefined {
  const { width, height, data } = mask;
  let top = -1;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    for (let x = 0; x < width; x++) {
      if (data[row + x] !== 0) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    if (top < 0) top = y;
    bottom = y;
    if (first < left) left = first;
    // Scanning back from the right stops at the row's last non-zero pixel.
    for (let x = width - 1; x > right; x--) {
      if (data[row + x] !== 0) {
        right = x;
        break;
      }
    }
  }
  if (top < 0) return undefined;
  const boxLeft = Math.max(0, left - margin);
  const boxTop = Math.max(0, top - margin);
  return {
    left: boxLeft,
    top: boxTop,
    width: Math.min(width, right + margin + 1) - boxLeft,
    height: Math.min(height, bottom + margin + 1) - boxTop,
  };
}

function readBox(mask: Mask, box: PixelBox): Uint8Array {
  const out = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.top + y) * mask.width + box.left;
    out.set(mask.data.subarray(from, from + box.width), y * box.width);
  }
  return out;
}

/** Everything outside the box is zero: the filters leave zeros there as zeros. */
function writeBox(pixels: Uint8Array, box: PixelBox, result: Mask): Mask {
  result.data.fill(0);
  for (let y = 0; y < box.height; y++) {
    result.data.set(pixels.subarray(y * box.width, (y + 1) * box.width), (box.top + y) * result.width + box.left);
  }
  return result;
}

function copyInto(mask: Mask, result: Mask): Mask {
  if (result.data !== mask.data) result.data.set(mask.data);
  return result;
}

function clear(result: Mask): Mask {
  result.data.fill(0);
  return result;
}

function prepareOutput(mask: Mask, output: Mask | undefined): Mask {
  if (!output) return { width: mask.width, height: mask.height, data: new Uint8Array(mask.width * mask.height) };
  if (output.width !== mask.width || output.height !== mask.height || output.data.length !== mask.data.length) {
    throw new Error(`output is ${output.width}x${output.height}, mask is ${mask.width}x${mask.height}`);
  }
  return output;
}

/** target = min(previous, image row `row`), where rows outside 0..height-1 are all 255 and a missing `previous` is too. */
function fillMinRow(target: Uint8Array, image: Uint8Array, row: number, height: number, width: number, previous: Uint8Array | undefined): void {
  if (row < 0 || row >= height) {
    if (previous) target.set(previous);
    else target.fill(255);
    return;
  }
  const source = image.subarray(row * width, (row + 1) * width);
  if (!previous) {
    target.set(source);
    return;
  }
  for (let x = 0; x < width; x++) {
    const a = source[x]!;
    const b = previous[x]!;
    target[x] = a < b ? a : b;
  }
}

/** Buffers for van Herk / Gil-Werman along a row: per-block running minima from the left and from the right. */
class MinFilterScratch {
  readonly fromLeft: Uint8Array;
  readonly fromRight: Uint8Array;
  readonly padded: Uint8Array;

  constructor(length: number, radius: number) {
    const window = 2 * radius + 1;
    // Padding to a whole number of blocks keeps the inner loops free of bounds checks.
    const paddedLength = Math.ceil((length + 2 * radius) / window) * window;
    this.fromLeft = new Uint8Array(paddedLength);
    this.fromRight = new Uint8Array(paddedLength);
    this.padded = new Uint8Array(paddedLength).fill(255);
  }
}

/**
 * out[i] = min(line[i-r .. i+r]) in three comparisons a pixel (van Herk / Gil-Werman). Out-of-range
 * samples are padded with 255, the identity of min, which equals clamping to the edge pixel.
 * `out` may be `line`.
 */
function minFilterLine(line: Uint8Array, radius: number, out: Uint8Array, scratch: MinFilterScratch): void {
  const { padded, fromLeft, fromRight } = scratch;
  const window = 2 * radius + 1;
  const length = line.length;
  padded.set(line, radius);
  for (let blockStart = 0; blockStart < padded.length; blockStart += window) {
    const blockEnd = blockStart + window;
    let running = 255;
    for (let i = blockStart; i < blockEnd; i++) {
      const value = padded[i]!;
      if (value < running) running = value;
      fromLeft[i] = running;
    }
    running = 255;
    for (let i = blockEnd - 1; i >= blockStart; i--) {
      const value = padded[i]!;
      if (value < running) running = value;
      fromRight[i] = running;
    }
  }
  // Window [i, i + window - 1] in padded coordinates is centred on line[i].
  for (let i = 0; i < length; i++) {
    const a = fromRight[i]!;
    const b = fromLeft[i + window - 1]!;
    out[i] = a < b ? a : b;
  }
}

/**
 * One box pass along a row of `length` samples: each output is the rounded mean of the 2r+1 inputs
 * around it, edge samples repeated beyond the ends.
 */
function boxBlurRow(source: Uint16Array, target: Uint16Array, start: number, length: number, radius: number): void {
  const window = 2 * radius + 1;
  const half = window >> 1;
  const end = start + length - 1;
  const first = source[start]!;
  const last = source[end]!;
  // Running sum of the window around sample -1, so the loop can add before it writes.
  let sum = (radius + 1) * first;
  for (let i = 0; i < radius; i++) sum += source[Math.min(start + i, end)]!;
  for (let i = 0; i < length; i++) {
    const entering = start + i + radius;
    const leaving = start + i - radius - 1;
    sum += entering <= end ? source[entering]! : last;
    sum -= leaving >= start ? source[leaving]! : first;
    target[start + i] = Math.floor((sum + half) / window);
  }
}

/** The same box pass down every column at once, a row at a time, with one running sum per column. */
function boxBlurColumns(source: Uint16Array, target: Uint16Array, width: number, height: number, radius: number, sums: Float64Array): void {
  const window = 2 * radius + 1;
  const half = window >> 1;
  const rowAt = (y: number) => Math.min(Math.max(y, 0), height - 1) * width;
  for (let x = 0; x < width; x++) sums[x] = (radius + 1) * source[x]!;
  for (let i = 0; i < radius; i++) {
    const row = rowAt(i);
    for (let x = 0; x < width; x++) sums[x]! += source[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const entering = rowAt(y + radius);
    const leaving = rowAt(y - radius - 1);
    const out = y * width;
    for (let x = 0; x < width; x++) {
      const sum = sums[x]! + source[entering + x]! - source[leaving + x]!;
      sums[x] = sum;
      target[out + x] = Math.floor((sum + half) / window);
    }
  }
}
