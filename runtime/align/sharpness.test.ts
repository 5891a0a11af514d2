import { describe, expect, it } from 'vitest';
import type { Mask, RgbaImage } from '../image.ts';
import { blurRule, blurryOnes, faceSharpness, laplacianVariance } from './sharpness.ts';

function image(size: number, grey: (x: number, y: number) => number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([grey(x, y), grey(x, y), grey(x, y), 255], (y * size + x) * 4);
  return { width: size, height: size, data };
}

describe('laplacianVariance', () => {
  it('is 0 on flat and linear images, and large on fine detail', () => {
    expect(laplacianVariance(image(32, () => 90))).toBe(0);
    expect(laplacianVariance(image(32, (x, y) => x * 3 + y))).toBeCloseTo(0, 6);
    // A checkerboard of 0 and 100: the Laplacian is ±400 everywhere.
    expect(laplacianVariance(image(32, (x, y) => ((x + y) % 2) * 100))).toBeCloseTo(160000, 0);
  });

  it('counts only the pixels inside a mask', () => {
    const half = image(32, (x, y) => (x < 16 ? 50 : ((x + y) % 2) * 100));
    const left: Mask = { width: 32, height: 32, data: new Uint8Array(32 * 32).map((_, i) => (i % 32 < 14 ? 255 : 0)) };
    expect(laplacianVariance(half, left)).toBe(0);
    expect(laplacianVariance(half)).toBeGreaterThan(1000);
  });
});

describe('faceSharpness', () => {
  it('judges a crop at 64 pixels, so the same picture scores about the same at every size', () => {
    const detail = (scale: number) => image(64 * scale, (x, y) => 128 + 60 * Math.sin(x / scale / 1.3) * Math.cos(y / scale / 1.7));
    const at64 = faceSharpness(detail(1));
    // Averaging blocks is a slight low-pass: within 10%.
    expect(Math.abs(faceSharpness(detail(2)) / at64 - 1)).toBeLessThan(0.1);
    expect(Math.abs(faceSharpness(detail(4)) / at64 - 1)).toBeLessThan(0.1);
    expect(at64).toBeGreaterThan(blurRule.floor);
  });
});

describe('blurryOnes', () => {
  it('flags values under 0.3 x the median of the set, and under the floor whatever the set', () => {
    expect(blurryOnes([500, 480, 520, 510, 100, 143, 145])).toEqual([false, false, false, false, true, true, false]);
    expect(blurryOnes([10, 12, 9])).toEqual([true, true, true]);
    expect(blurryOnes([400])).toEqual([false]);
    expect(blurryOnes([])).toEqual([]);
  });
});
