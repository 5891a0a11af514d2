import { describe, expect, it } from 'vitest';
import { fillPolygonMask } from './polygon-mask.ts';

const at = (data: Uint8Array, width: number, x: number, y: number) => data[y * width + x]!;

describe('fillPolygonMask', () => {
  it('fills a square: 255 inside, 0 outside, partial coverage on edges that split pixels', () => {
    // Left edge at x = 4.5 halves column 4; top edge at y = 3.25 leaves row 3 three quarters covered.
    const mask = fillPolygonMask(20, 20, [4.5, 3.25, 15, 3.25, 15, 15, 4.5, 15]);
    expect(at(mask.data, 20, 8, 8)).toBe(255);
    expect(at(mask.data, 20, 14, 14)).toBe(255);
    expect(at(mask.data, 20, 15, 8)).toBe(0);
    expect(at(mask.data, 20, 8, 15)).toBe(0);
    expect(at(mask.data, 20, 3, 8)).toBe(0);
    expect(at(mask.data, 20, 8, 2)).toBe(0);
    expect(at(mask.data, 20, 4, 8)).toBe(128);
    expect(at(mask.data, 20, 8, 3)).toBe(191);
    expect(at(mask.data, 20, 4, 3)).toBe(96);
  });

  it('sums to the polygon area, also for a concave shape', () => {
    // An L shape: 10x10 square minus its 5x5 top-right quarter, at sub-pixel offsets.
    const polygon = [2.3, 2.7, 7.3, 2.7, 7.3, 7.7, 12.3, 7.7, 12.3, 12.7, 2.3, 12.7];
    const mask = fillPolygonMask(16, 16, polygon);
    const area = mask.data.reduce((sum, value) => sum + value, 0) / 255;
    expect(area).toBeCloseTo(75, 0);
    expect(at(mask.data, 16, 10, 4)).toBe(0);
    expect(at(mask.data, 16, 10, 10)).toBe(255);
    expect(at(mask.data, 16, 4, 4)).toBe(255);
  });

  it('covers a triangle with the right area and anti-aliases its diagonal edge', () => {
    const mask = fillPolygonMask(40, 40, [5, 5, 35, 5, 5, 35]);
    const area = mask.data.reduce((sum, value) => sum + value, 0) / 255;
    expect(area).toBeCloseTo(450, 0);
    // Pixel (19, 20) is cut through its corners by the diagonal x + y = 40: half covered.
    expect(at(mask.data, 40, 19, 20)).toBeGreaterThan(110);
    expect(at(mask.data, 40, 19, 20)).toBeLessThan(145);
  });

  it('clips polygons reaching past the image and reuses the output buffer', () => {
    const output = { width: 10, height: 10, data: new Uint8Array(100).fill(77) };
    const mask = fillPolygonMask(10, 10, [-5, -5, 5, -5, 5, 5, -5, 5], output);
    expect(mask).toBe(output);
    expect(at(mask.data, 10, 0, 0)).toBe(255);
    expect(at(mask.data, 10, 4, 4)).toBe(255);
    expect(at(mask.data, 10, 5, 5)).toBe(0);
    expect(at(mask.data, 10, 9, 9)).toBe(0);
  });

  it('draws nothing for degenerate or non-finite polygons', () => {
    expect(fillPolygonMask(8, 8, [1, 1, 6, 6]).data.every((value) => value === 0)).toBe(true);
    expect(fillPolygonMask(8, 8, [1, 1, 6, Number.NaN, 1, 6]).data.every((value) => value === 0)).toBe(true);
    expect(fillPolygonMask(8, 8, [1, 1, 6, 1, 6, 1]).data.every((value) => value === 0)).toBe(true);
  });

  it('rejects an output of the wrong size', () => {
    expect(() => fillPolygonMask(8, 8, [1, 1, 6, 1, 6, 6], { width: 4, height: 4, data: new Uint8Array(16) })).toThrow();
  });
});
