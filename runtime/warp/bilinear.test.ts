import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { sampleBilinear } from './bilinear.ts';

/** A 3 x 2 image whose red channel is 10 * (x + 1) + 100 * y, with green, blue and alpha fixed. */
const image: RgbaImage = {
  width: 3,
  height: 2,
  data: Uint8Array.from({ length: 24 }, (_, i) => {
    const pixel = i >> 2;
    const x = pixel % 3;
    const y = Math.floor(pixel / 3);
    return [10 * (x + 1) + 100 * y, 7, 200, 255][i % 4]!;
  }),
};

function sample(x: number, y: number): number[] {
  const out = new Uint8Array(4);
  sampleBilinear(image, x, y, out, 0);
  return Array.from(out);
}

describe('sampleBilinear', () => {
  it('returns a pixel unchanged at its centre', () => {
    expect(sample(0.5, 0.5)).toEqual([10, 7, 200, 255]);
    expect(sample(2.5, 1.5)).toEqual([130, 7, 200, 255]);
  });

  it('blends the four nearest pixels between centres', () => {
    expect(sample(1, 0.5)[0]).toBe(15);
    expect(sample(0.5, 1)[0]).toBe(60);
    expect(sample(1, 1)[0]).toBe(65);
    expect(sample(1.25, 0.5)[0]).toBe(18); // 17.5 rounds up
  });

  it('clamps to the edge pixels outside the image', () => {
    expect(sample(-5, -5)).toEqual([10, 7, 200, 255]);
    expect(sample(0.2, 0.5)[0]).toBe(10);
    expect(sample(100, 0.5)[0]).toBe(30);
    expect(sample(2.9, 9)[0]).toBe(130);
    expect(sample(1, 9)[0]).toBe(115);
  });

  it('writes at the given offset only', () => {
    const out = new Uint8Array(12).fill(1);
    sampleBilinear(image, 1.5, 0.5, out, 4);
    expect(Array.from(out)).toEqual([1, 1, 1, 1, 20, 7, 200, 255, 1, 1, 1, 1]);
  });
});
