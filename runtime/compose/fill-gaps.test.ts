import { describe, expect, it } from 'vitest';
import { fillGaps } from './fill-gaps.ts';

describe('fillGaps', () => {
  it('fills a hole from the pixels around it and leaves covered pixels alone', () => {
    const width = 9;
    const data = new Uint8Array(width * width * 4);
    const covered = new Uint8Array(width * width).fill(1);
    for (let p = 0; p < width * width; p++) data.set(p % width < 4 ? [200, 100, 50, 255] : [100, 100, 100, 255], p * 4);
    // A 3x3 hole in the middle holding garbage.
    for (let y = 3; y < 6; y++) for (let x = 3; x < 6; x++) {
      covered[y * width + x] = 0;
      data.set([0, 255, 0, 255], (y * width + x) * 4);
    }
    const image = { width, height: width, data };
    const before = data.slice();
    const filled = fillGaps(image, covered, { left: 0, top: 0, width, height: width });
    expect(filled).toBe(9);
    for (let p = 0; p < width * width; p++) {
      const x = p % width;
      const y = Math.floor(p / width);
      const inHole = x >= 3 && x < 6 && y >= 3 && y < 6;
      if (!inHole) expect([...data.subarray(p * 4, p * 4 + 4)]).toEqual([...before.subarray(p * 4, p * 4 + 4)]);
      // Between the two colours around it, never the garbage.
      else {
        expect(data[p * 4 + 1]).toBe(100);
        expect(data[p * 4]).toBeGreaterThanOrEqual(100);
        expect(data[p * 4]).toBeLessThanOrEqual(200);
      }
    }
    expect(covered.every((v) => v === 1)).toBe(true);
  });

  it('works in the box\'s own pixels', () => {
    const image = { width: 4, height: 4, data: new Uint8Array(64) };
    image.data.set([90, 90, 90, 255], (1 * 4 + 2) * 4);
    // A 2x2 box at (2, 1) whose first pixel is covered: the other three take its colour.
    const covered = Uint8Array.of(1, 0, 0, 0);
    expect(fillGaps(image, covered, { left: 2, top: 1, width: 2, height: 2 })).toBe(3);
    for (const [x, y] of [[3, 1], [2, 2], [3, 2]]) expect(image.data[(y! * 4 + x!) * 4]).toBe(90);
    expect(image.data[0]).toBe(0);
  });
});
