import { describe, expect, it } from 'vitest';
import type { Mask } from '../image.ts';
import { blurMask, erodeMask, featherMask } from './mask-ops.ts';

function squareMask(size: number, from: number, to: number): Mask {
  const data = new Uint8Array(size * size);
  for (let y = from; y < to; y++) data.fill(255, y * size + from, y * size + to);
  return { width: size, height: size, data };
}

const sum = (mask: Mask) => mask.data.reduce((total, value) => total + value, 0);
const at = (mask: Mask, x: number, y: number) => mask.data[y * mask.width + x]!;

/** The covered extent along row `y`: first and last columns above half coverage. */
function rowExtent(mask: Mask, y: number): [number, number] {
  let first = -1;
  let last = -1;
  for (let x = 0; x < mask.width; x++) {
    if (at(mask, x, y) > 127) {
      if (first < 0) first = x;
      last = x;
    }
  }
  return [first, last];
}

/** A reproducible mask with blobs of all levels, some touching the image edge, on a zero background. */
function randomMask(width: number, height: number, seed: number): Mask {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const data = new Uint8Array(width * height);
  for (let blob = 0; blob < 6; blob++) {
    const cx = random() * width;
    const cy = random() * height;
    const radius = 2 + random() * 8;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 < radius ** 2) data[y * width + x] = Math.max(data[y * width + x]!, Math.floor(random() * 256));
      }
    }
  }
  return { width, height, data };
}

/** Straightforward references: every window summed or searched pixel by pixel, edges clamped. */
function naiveErode(mask: Mask, radius: number): Uint8Array {
  const { width, height, data } = mask;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let min = 255;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const sx = Math.min(Math.max(x + dx, 0), width - 1);
          const sy = Math.min(Math.max(y + dy, 0), height - 1);
          min = Math.min(min, data[sy * width + sx]!);
        }
      }
      out[y * width + x] = min;
    }
  }
  return out;
}

function naiveBlur(mask: Mask, radius: number): Uint8Array {
  const { width, height } = mask;
  let values = Array.from(mask.data, (value) => value << 8);
  const window = 2 * radius + 1;
  const pass = (horizontal: boolean) => {
    const next = values.slice();
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let d = -radius; d <= radius; d++) {
          const sx = horizontal ? Math.min(Math.max(x + d, 0), width - 1) : x;
          const sy = horizontal ? y : Math.min(Math.max(y + d, 0), height - 1);
          sum += values[sy * width + sx]!;
        }
        next[y * width + x] = Math.floor((sum + radius) / window);
      }
    }
    values = next;
  };
  for (let i = 0; i < 3; i++) pass(true);
  for (let i = 0; i < 3; i++) pass(false);
  return Uint8Array.from(values, (value) => (value + 128) >> 8);
}

describe('erodeMask', () => {
  it.each([1, 2, 5])('matches a pixel-by-pixel minimum over the window (radius %d)', (radius) => {
    for (const seed of [1, 2, 3]) {
      const mask = randomMask(37, 29, seed);
      expect(Array.from(erodeMask(mask, radius).data)).toEqual(Array.from(naiveErode(mask, radius)));
    }
  });

  it.each([1, 3, 7])('shrinks a square by the radius %d on every side', (radius) => {
    const eroded = erodeMask(squareMask(40, 10, 30), radius);
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 40; x++) {
        const inside = x >= 10 + radius && x < 30 - radius && y >= 10 + radius && y < 30 - radius;
        expect(at(eroded, x, y)).toBe(inside ? 255 : 0);
      }
    }
  });

  it('takes the smallest value in the window, not just 0 or 255', () => {
    const mask = squareMask(9, 0, 9);
    mask.data[4 * 9 + 4] = 100;
    const eroded = erodeMask(mask, 1);
    expect(at(eroded, 3, 3)).toBe(100);
    expect(at(eroded, 5, 5)).toBe(100);
    expect(at(eroded, 2, 4)).toBe(255);
  });

  it('does not erode from the image edge: beyond it counts as the edge pixel', () => {
    const eroded = erodeMask(squareMask(12, 0, 12), 3);
    expect(eroded.data.every((value) => value === 255)).toBe(true);
  });

  it('returns a copy for radius 0, and can work in place', () => {
    const mask = squareMask(10, 2, 8);
    const copy = erodeMask(mask, 0);
    expect(copy.data).not.toBe(mask.data);
    expect(copy.data).toEqual(mask.data);
    const inPlace = erodeMask(mask, 2, mask);
    expect(inPlace).toBe(mask);
    expect(rowExtent(mask, 5)).toEqual([4, 5]);
  });
});

describe('blurMask', () => {
  it.each([1, 3, 6])('matches three pixel-by-pixel box passes each way (radius %d)', (radius) => {
    for (const seed of [4, 5]) {
      const mask = randomMask(41, 33, seed);
      expect(Array.from(blurMask(mask, radius).data)).toEqual(Array.from(naiveBlur(mask, radius)));
    }
  });

  it('handles an empty mask and a full one', () => {
    const empty: Mask = { width: 12, height: 9, data: new Uint8Array(108) };
    expect(blurMask(empty, 3).data.every((value) => value === 0)).toBe(true);
    expect(erodeMask(empty, 3).data.every((value) => value === 0)).toBe(true);
    const full: Mask = { width: 12, height: 9, data: new Uint8Array(108).fill(255) };
    expect(blurMask(full, 3).data.every((value) => value === 255)).toBe(true);
    expect(erodeMask(full, 3).data.every((value) => value === 255)).toBe(true);
  });

  it('keeps a flat mask exactly flat', () => {
    const flat: Mask = { width: 31, height: 17, data: new Uint8Array(31 * 17).fill(180) };
    expect(blurMask(flat, 5).data.every((value) => value === 180)).toBe(true);
  });

  it('roughly conserves the sum of a shape away from the edges', () => {
    const mask = squareMask(64, 20, 44);
    const blurred = blurMask(mask, 4);
    expect(Math.abs(sum(blurred) - sum(mask)) / sum(mask)).toBeLessThan(0.002);
  });

  it('turns a hard edge into a monotonic ramp centred on it', () => {
    const mask = squareMask(64, 20, 44);
    const blurred = blurMask(mask, 3);
    const row = Array.from({ length: 64 }, (_, x) => at(blurred, x, 32));
    // Three passes of a 7-wide box reach 9 pixels either side of the edge between columns 19 and 20.
    expect(row[10]).toBe(0);
    expect(row[32]).toBe(255);
    for (let x = 11; x <= 32; x++) expect(row[x]!).toBeGreaterThanOrEqual(row[x - 1]!);
    expect(row[15]!).toBeGreaterThan(0);
    expect(row[15]!).toBeLessThan(60);
    expect(row[24]!).toBeGreaterThan(195);
    expect(row[24]!).toBeLessThan(255);
    // Symmetric about the edge: the two pixels straddling it sum to 255.
    expect(row[19]! + row[20]!).toBeGreaterThanOrEqual(254);
    expect(row[19]! + row[20]!).toBeLessThanOrEqual(256);
  });

  it('costs the same whatever the radius (running sums, not window loops)', () => {
    // Coverage reaching every edge, so both radii filter the whole frame.
    const mask = squareMask(400, 100, 300);
    mask.data.forEach((value, i) => (mask.data[i] = 255 - value));
    const time = (radius: number) => {
      const start = performance.now();
      for (let i = 0; i < 3; i++) blurMask(mask, radius);
      return performance.now() - start;
    };
    time(2);
    const small = time(2);
    const large = time(60);
    expect(large).toBeLessThan(small * 3 + 20);
  });

  it('returns a copy for radius 0', () => {
    const mask = squareMask(10, 2, 8);
    const copy = blurMask(mask, 0);
    expect(copy.data).not.toBe(mask.data);
    expect(copy.data).toEqual(mask.data);
  });
});

describe('featherMask', () => {
  it('erodes and then blurs, keeping the soft edge inside the original shape', () => {
    const mask = squareMask(50, 10, 40);
    const feathered = featherMask(mask, 6, 2);
    expect(feathered.data).toEqual(blurMask(erodeMask(mask, 6), 2).data);
    // Three passes of radius 2 reach 6 pixels, as far as the erosion pulled the edge in: nothing leaks out.
    for (let x = 0; x < 50; x++) if (x < 10 || x >= 40) expect(at(feathered, x, 25)).toBe(0);
    expect(at(feathered, 25, 25)).toBe(255);
    expect(at(feathered, 13, 25)).toBeGreaterThan(0);
    expect(at(feathered, 13, 25)).toBeLessThan(255);
  });

  it('writes into a given output', () => {
    const mask = squareMask(20, 5, 15);
    const output: Mask = { width: 20, height: 20, data: new Uint8Array(400) };
    expect(featherMask(mask, 1, 1, output)).toBe(output);
    expect(output.data).toEqual(featherMask(mask, 1, 1).data);
    expect(() => featherMask(mask, 1, 1, { width: 5, height: 5, data: new Uint8Array(25) })).toThrow();
  });
});
