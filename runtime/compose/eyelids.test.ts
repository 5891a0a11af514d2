import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { paintClosingLid } from './eyelids.ts';

const lidColor = [200, 160, 140] as const;

/** A 120x80 skin-coloured picture with a dark eye in the middle: an ellipse 60 wide and 24 tall. */
function picture(): RgbaImage {
  const width = 120;
  const height = 80;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inEye = ((x + 0.5 - 60) / 30) ** 2 + ((y + 0.5 - 40) / 12) ** 2 < 1;
      data.set(inEye ? [30, 25, 25, 255] : [205, 165, 145, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** The eye's outline with its upper lid lowered by `closure` (0 open .. 1 on the lower lid), corner to corner. */
function eye(closure: number) {
  const upper: number[] = [];
  const lower: number[] = [];
  for (let i = 0; i <= 16; i++) {
    const x = 30 + (60 * i) / 16;
    const half = 12 * Math.sqrt(Math.max(0, 1 - ((x - 60) / 30) ** 2));
    upper.push(x, 40 - half + 2 * half * closure * 0.98);
    lower.push(x, 40 + half);
  }
  const outline = [...upper];
  for (let i = lower.length - 4; i >= 2; i -= 2) outline.push(lower[i]!, lower[i + 1]!);
  return { outline, upper };
}

const pixel = (image: RgbaImage, x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3));

describe('paintClosingLid', () => {
  it('leaves an open eye as painted', () => {
    const image = picture();
    const before = Uint8Array.from(image.data);
    paintClosingLid(image, { open: eye(0).outline, visible: eye(0).outline, upperLid: eye(0).upper, closure: 0, lidColor });
    expect(image.data).toEqual(before);
  });

  it('covers the part of the eye the lid came down over with lid skin, and keeps what still shows', () => {
    const image = picture();
    const half = eye(0.5);
    paintClosingLid(image, { open: eye(0).outline, visible: half.outline, upperLid: half.upper, closure: 0.5, lidColor });
    // Upper half of the eye: skin now; lower half: still the dark eye; far away: untouched.
    expect(pixel(image, 60, 32).every((value, c) => Math.abs(value - lidColor[c]!) < 40)).toBe(true);
    expect(pixel(image, 60, 48).every((value, c) => Math.abs(value - [30, 25, 25][c]!) <= 3)).toBe(true);
    expect(pixel(image, 5, 5)).toEqual([205, 165, 145]);
  });

  it('a shut eye is lid skin with a dark lash line where the lids meet', () => {
    const image = picture();
    const shut = eye(1);
    paintClosingLid(image, { open: eye(0).outline, visible: shut.outline, upperLid: shut.upper, closure: 1, lidColor });
    const luma = (x: number, y: number) => pixel(image, x, y).reduce((sum, value, c) => sum + value * [0.299, 0.587, 0.114][c]!, 0);
    expect(luma(60, 34)).toBeGreaterThan(140);
    expect(luma(50, 46)).toBeGreaterThan(140);
    expect(luma(60, 52)).toBeLessThan(90);
  });
});
