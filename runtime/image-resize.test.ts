import { describe, expect, it } from 'vitest';
import { fitWithin, resizeRgba } from './image-resize.ts';

const gradient = (width: number, height: number) => ({
  width,
  height,
  data: Uint8Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(i / 4) % width * 10)),
});

describe('resizeRgba', () => {
  it('averages the covered pixels when halving', () => {
    const small = resizeRgba(gradient(4, 2), 2, 1);
    expect(Array.from(small.data)).toEqual([5, 5, 5, 255, 25, 25, 25, 255]);
  });

  it('keeps a flat colour flat at any size, and returns the same image at the same size', () => {
    const flat = { width: 3, height: 3, data: new Uint8Array(36).fill(77) };
    expect(new Set(resizeRgba(flat, 7, 5).data)).toEqual(new Set([77]));
    expect(new Set(resizeRgba(flat, 2, 2).data)).toEqual(new Set([77]));
    expect(resizeRgba(flat, 3, 3)).toBe(flat);
  });

  it('interpolates between pixels when enlarging', () => {
    const big = resizeRgba(gradient(2, 1), 4, 1);
    expect(Array.from(big.data.filter((_, i) => i % 4 === 0))).toEqual([0, 3, 8, 10]);
  });
});

describe('fitWithin', () => {
  it('fits the longer side and keeps the aspect ratio', () => {
    expect(fitWithin(720, 1280, 640)).toEqual({ width: 360, height: 640 });
    expect(fitWithin(400, 300, 640)).toEqual({ width: 400, height: 300 });
    expect(fitWithin(400, 300, 0)).toEqual({ width: 400, height: 300 });
  });
});
