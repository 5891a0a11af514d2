import { describe, expect, it } from 'vitest';
import { freeSpot, type Rect } from './placement.ts';

const touches = (a: Rect, b: Rect) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

describe('placing a new node', () => {
  it('takes the wanted place where it is free, else the nearest free one, so that nodes added in turn never overlap', () => {
    expect(freeSpot([], [200, 100], [500, 300])).toEqual([400, 250]);
    const taken: Rect[] = [];
    for (let n = 0; n < 12; n++) {
      const [x, y] = freeSpot(taken, [200, 100], [500, 300]);
      const placed: Rect = [x, y, 200, 100];
      expect(taken.some((rect) => touches(rect, placed))).toBe(false);
      // Near the centre: within a few node sizes of it.
      expect(Math.hypot(x + 100 - 500, y + 50 - 300)).toBeLessThan(700);
      taken.push(placed);
    }
    // The second lands beside the first, not far away.
    expect(Math.hypot(taken[1]![0] - taken[0]![0], taken[1]![1] - taken[0]![1])).toBeLessThan(260);
  });

  it('keeps clear of nodes already there, with room for their titles', () => {
    const preset: Rect[] = [[40, 10, 200, 90], [320, 10, 250, 90], [40, 270, 200, 100]];
    const [x, y] = freeSpot(preset, [200, 80], [140, 60]);
    for (const rect of preset) expect(touches([x, y, 200, 80], rect)).toBe(false);
  });
});
