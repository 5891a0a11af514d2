import { describe, expect, it } from 'vitest';
import { resizeRgba } from '../image-resize.ts';
import type { RgbaImage } from '../image.ts';
import { planarToRgba, rgbaToPlanar } from './planar-rgb.ts';

function pattern(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      data.set([(x * 37 + y * 11) % 256, Math.round(127 + 120 * Math.sin(x / 5) * Math.cos(y / 7)), (x * y) % 251, 255], at);
    }
  }
  return { width, height, data };
}

/** The largest difference of any colour channel between two pictures of one size. */
function largestDifference(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

describe('rgbaToPlanar and planarToRgba', () => {
  it('round-trip a picture at its own size exactly, as planes R, G, B in 0..1', () => {
    const picture = pattern(13, 9);
    const planes = rgbaToPlanar(picture);
    expect(planes.length).toBe(3 * 13 * 9);
    expect(planes[13 * 9 + 5]).toBeCloseTo(picture.data[5 * 4 + 1]! / 255, 6);
    expect(planarToRgba(planes, 13, 9)).toEqual(picture);
  });

  it.each([
    [720, 64, 512, 48],
    [100, 60, 256, 152],
    [90, 90, 60, 135],
  ])('scale %ix%i to %ix%i as resizeRgba does (area when shrinking, bilinear when enlarging), within rounding', (width, height, toWidth, toHeight) => {
    const picture = pattern(width, height);
    const planes = rgbaToPlanar(picture, toWidth, toHeight);
    expect(largestDifference(planarToRgba(planes, toWidth, toHeight), resizeRgba(picture, toWidth, toHeight))).toBeLessThanOrEqual(1);
    const back = planarToRgba(rgbaToPlanar(picture), width, height, toWidth, toHeight);
    expect(largestDifference(back, resizeRgba(picture, toWidth, toHeight))).toBeLessThanOrEqual(1);
  });

  it('clamps values outside 0..1', () => {
    const out = planarToRgba(Float32Array.of(-0.5, 1.5, 0.5), 1, 1);
    expect(Array.from(out.data)).toEqual([0, 255, 128, 255]);
  });
});
