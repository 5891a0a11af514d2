import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { FlickerGuard, stillness } from './temporal.ts';

const flat = (width: number, height: number, value: number): RgbaImage => ({
  width,
  height,
  data: Uint8Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : value)),
});

/** `base` with the left half of the picture set to `value`. */
function leftHalf(base: RgbaImage, value: number): RgbaImage {
  const data = new Uint8Array(base.data);
  for (let y = 0; y < base.height; y++) for (let x = 0; x < base.width / 2; x++) data.fill(value, (y * base.width + x) * 4, (y * base.width + x) * 4 + 3);
  return { ...base, data };
}

const rgbAt = (rgb: Float32Array, width: number, x: number, y: number) => rgb[(y * width + x) * 3]!;

describe('stillness', () => {
  const held = new Float32Array(20 * 10 * 3).fill(100);

  it('is the amount where the input is unchanged or within noise, 0 where it moved, a smooth step between', () => {
    expect(new Set(stillness(held, flat(20, 10, 100), 0.7))).toEqual(new Set([Math.fround(0.7)]));
    expect(new Set(stillness(held, flat(20, 10, 102), 0.7))).toEqual(new Set([Math.fround(0.7)]));
    expect(new Set(stillness(held, flat(20, 10, 130), 0.7))).toEqual(new Set([0]));
    // Halfway between 3 and 12 levels.
    const between = stillness(new Float32Array(20 * 10 * 3).fill(100.5), flat(20, 10, 108), 1)[0]!;
    expect(between).toBeCloseTo(0.5, 5);
  });

  it('counts a pixel by its neighbourhood: one noisy pixel is not motion, a moving area is', () => {
    const noisy = flat(20, 10, 100);
    noisy.data.fill(140, (5 * 20 + 10) * 4, (5 * 20 + 10) * 4 + 3);
    expect(stillness(held, noisy, 1)[5 * 20 + 10]).toBeGreaterThan(0.9);
    const weights = stillness(held, leftHalf(flat(20, 10, 100), 160), 1);
    expect(weights[5 * 20 + 2]).toBe(0);
    expect(weights[5 * 20 + 17]).toBe(1);
  });
});

describe('FlickerGuard', () => {
  it('passes the first result through, and every result where the amount is 0', () => {
    const guard = new FlickerGuard();
    const input = flat(8, 6, 50);
    expect(Array.from(guard.apply(input, flat(8, 6, 200), 0.8))).toEqual(new Array(8 * 6 * 3).fill(200));
    expect(Array.from(guard.apply(input, flat(8, 6, 10), 0))).toEqual(new Array(8 * 6 * 3).fill(10));
  });

  it('keeps the amount of the held result where the input stood still, and takes the new result where it moved', () => {
    const guard = new FlickerGuard();
    const input = flat(20, 10, 100);
    guard.apply(input, flat(20, 10, 200), 0.75);
    // The network flickers to 120 everywhere; the picture moves only on its left half.
    const shown = guard.apply(leftHalf(input, 180), flat(20, 10, 120), 0.75);
    expect(rgbAt(shown, 20, 2, 5)).toBe(120);
    expect(rgbAt(shown, 20, 17, 5)).toBeCloseTo(0.75 * 200 + 0.25 * 120, 4);
    // Held again: the still half keeps converging on the new result, as an exponential average.
    const next = guard.apply(leftHalf(input, 180), flat(20, 10, 120), 0.75);
    expect(rgbAt(next, 20, 17, 5)).toBeCloseTo(0.75 * (0.75 * 200 + 0.25 * 120) + 0.25 * 120, 4);
    expect(rgbAt(next, 20, 2, 5)).toBe(120);
  });

  it('lets a slow drift add up until it counts as motion, even with the amount at 1', () => {
    const guard = new FlickerGuard();
    guard.apply(flat(10, 10, 100), flat(10, 10, 0), 1);
    let shown: Float32Array = new Float32Array(0);
    // One level a frame is within noise frame to frame, but not against the input the held result came from.
    for (let level = 101; level <= 140; level++) shown = guard.apply(flat(10, 10, level), flat(10, 10, 255), 1);
    expect(rgbAt(shown, 10, 5, 5)).toBeGreaterThan(250);
  });
});
