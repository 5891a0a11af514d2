import { describe, expect, it } from 'vitest';
import { headAngles, pearson } from './face-motion.ts';

describe('pearson', () => {
  it('is 1 for series that move together, -1 for opposite ones, undefined for a flat one', () => {
    expect(pearson([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(pearson([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(pearson([1, 2, 3, 4], [5, 5, 5, 5])).toBeUndefined();
    // Covariance 4 over the square root of 10 x 14.8, worked by hand.
    expect(pearson([1, 3, 2, 5, 4], [2, 1, 4, 3, 6])).toBeCloseTo(4 / Math.sqrt(148), 10);
  });
});

describe('headAngles', () => {
  const about = (axis: 'x' | 'y' | 'z', degrees: number) => {
    const a = (degrees * Math.PI) / 180;
    const [c, s] = [Math.cos(a), Math.sin(a)];
    // Column-major 4x4.
    const rows = axis === 'x' ? [[1, 0, 0], [0, c, -s], [0, s, c]] : axis === 'y' ? [[c, 0, s], [0, 1, 0], [-s, 0, c]] : [[c, -s, 0], [s, c, 0], [0, 0, 1]];
    const m = new Float32Array(16);
    for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) m[k * 4 + r] = rows[r]![k]!;
    m[15] = 1;
    return m;
  };

  it('reads a turn about each axis as that angle alone', () => {
    expect(headAngles(about('y', 20))).toMatchObject({ yaw: expect.closeTo(20, 3), pitch: expect.closeTo(0, 3), roll: expect.closeTo(0, 3) });
    expect(headAngles(about('x', -15))).toMatchObject({ yaw: expect.closeTo(0, 3), pitch: expect.closeTo(-15, 3), roll: expect.closeTo(0, 3) });
    expect(headAngles(about('z', 30))).toMatchObject({ yaw: expect.closeTo(0, 3), pitch: expect.closeTo(0, 3), roll: expect.closeTo(30, 3) });
  });
});
