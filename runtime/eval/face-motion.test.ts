import { describe, expect, it } from 'vitest';
import { eyeIrises, gazeOffsets, headAngles, pearson, turnSince } from './face-motion.ts';

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

  it('reads a turn of a tilted, nodding head as a turn when measured from its first pose', () => {
    const times = (a: Float32Array, b: Float32Array) => {
      const m = new Float32Array(16);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) m[j * 4 + i] = m[j * 4 + i]! + a[k * 4 + i]! * b[j * 4 + k]!;
      return m;
    };
    const first = times(times(about('z', 10), about('y', 30)), about('x', 20));
    const turned = times(first, about('y', 10));
    // Angles of the whole pose mix the turn into roll and pitch; the turn since the first pose is the turn alone.
    expect(Math.abs(headAngles(turned).roll - headAngles(first).roll)).toBeGreaterThan(2);
    expect(headAngles(turnSince(first, turned))).toMatchObject({ yaw: expect.closeTo(10, 3), pitch: expect.closeTo(0, 3), roll: expect.closeTo(0, 3) });
  });
});

describe('gazeOffsets', () => {
  /** Two eyes 40 px wide, each iris shifted by (dx, dy) eye widths, the whole face turned by `degrees` about (100, 100). */
  const face = (dx: number, dy: number, degrees = 0) => {
    const points = new Float32Array(478 * 3);
    const a = (degrees * Math.PI) / 180;
    const set = (index: number, x: number, y: number) => {
      points[index * 3] = 100 + (x - 100) * Math.cos(a) - (y - 100) * Math.sin(a);
      points[index * 3 + 1] = 100 + (x - 100) * Math.sin(a) + (y - 100) * Math.cos(a);
    };
    for (const [eye, { centre, corners }] of eyeIrises.entries()) {
      const left = eye === 0 ? 40 : 120;
      set(corners[0], left, 100);
      set(corners[1], left + 40, 100);
      set(centre, left + 20 + dx * 40, 100 + dy * 40);
    }
    return points;
  };

  it('reads the iris from the middle of the corners along and across the eye, in eye widths', () => {
    for (const offset of gazeOffsets(face(0.15, -0.05))) {
      expect(offset.x).toBeCloseTo(0.15, 5);
      expect(offset.y).toBeCloseTo(-0.05, 5);
    }
    for (const offset of gazeOffsets(face(0, 0))) expect(Math.hypot(offset.x, offset.y)).toBeLessThan(1e-6);
  });

  it('reads a tilted head as an upright one', () => {
    for (const offset of gazeOffsets(face(-0.1, 0.08, 25))) {
      expect(offset.x).toBeCloseTo(-0.1, 5);
      expect(offset.y).toBeCloseTo(0.08, 5);
    }
  });
});
