import { describe, expect, it } from 'vitest';
import { depthOrder, markCovered } from './depth-order.ts';

// Two triangles over the same square, one nearer (depth 0) than the other (depth 5); a third turned away.
const points = Float32Array.of(0, 0, 10, 0, 0, 10, 10, 10);
const triangles = Uint32Array.of(0, 1, 2, 3, 2, 1, 0, 2, 1);
const facing = Int8Array.of(1, 1, 1);
const depths = [5, 5, 5, 0];

describe('depthOrder', () => {
  it('draws what faces the viewer from far to near, and sets apart what is turned away', () => {
    const { front, away } = depthOrder(triangles, facing, points, (p) => depths[p]!);
    // Triangle 0 winds one way (facing), 1 likewise, 2 the other way: turned away.
    expect([...front]).toEqual([0, 1, 2, 3, 2, 1]);
    expect([...away]).toEqual([0, 2, 1]);
    const nearFirst = depthOrder(triangles, facing, points, (p) => -depths[p]!);
    expect([...nearFirst.front]).toEqual([3, 2, 1, 0, 1, 2]);
  });

  it('never draws a triangle marked as never facing', () => {
    const { front, away } = depthOrder(triangles, Int8Array.of(0, 1, 1), points, () => 0);
    expect([...front]).toEqual([3, 2, 1]);
    expect(away.length / 3).toBe(2);
  });
});

describe('markCovered', () => {
  it('marks each pixel whose centre a triangle covers', () => {
    const covered = new Uint8Array(100);
    markCovered([Uint32Array.of(0, 1, 2)], points, { left: 0, top: 0, width: 10, height: 10 }, covered);
    // The upper-left half: pixel (0, 0) inside, pixel (9, 9) outside.
    expect(covered[0]).toBe(1);
    expect(covered[99]).toBe(0);
    expect(covered.reduce((sum, v) => sum + v, 0)).toBe(45);
  });

  it('looks only inside the box it is given, in the box\'s own pixels', () => {
    const covered = new Uint8Array(16);
    markCovered([Uint32Array.of(0, 1, 2)], points, { left: 6, top: 0, width: 4, height: 4 }, covered);
    // Box pixel (0, 0) is picture pixel (6, 0): inside; box pixel (3, 3) is (9, 3): outside.
    expect(covered[0]).toBe(1);
    expect(covered[15]).toBe(0);
  });
});
