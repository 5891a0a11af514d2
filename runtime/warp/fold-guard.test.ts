import { describe, expect, it } from 'vitest';
import { delaunay } from '../geometry/delaunay.ts';
import { signedArea2 } from '../geometry/triangle-area.ts';
import { foldGuardMesh, guardFolds } from './fold-guard.ts';

// A 7x7 grid over 0..60 with its border pinned.
const size = 7;
const grid = Float32Array.from({ length: size * size * 2 }, (_, i) => (i % 2 === 0 ? ((i >> 1) % size) * 10 : Math.floor((i >> 1) / size) * 10));
const pinned = Uint8Array.from({ length: size * size }, (_, p) => (p % size === 0 || p % size === size - 1 || p < size || p >= size * (size - 1) ? 1 : 0));
const triangles = delaunay(grid);
const mesh = foldGuardMesh(grid, triangles);

function worstShare(points: Float32Array): number {
  let worst = Infinity;
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t]!, triangles[t + 1]!, triangles[t + 2]!];
    worst = Math.min(worst, signedArea2(points, a, b, c) / signedArea2(grid, a, b, c));
  }
  return worst;
}

describe('guardFolds', () => {
  it('leaves motion that folds nothing as it is', () => {
    const moved = Float32Array.from(grid, (v, i) => (pinned[i >> 1] ? v : v + (i % 2 === 0 ? 3 : -2)));
    const result = guardFolds(mesh, moved, { pinned });
    expect(result).toMatchObject({ foldedBefore: 0, foldedAfter: 0, clamped: false, share: 1 });
    expect(result.points).toBe(moved);
  });

  it('unfolds a point pushed across its neighbours, moving it and little else', () => {
    const centre = 3 * size + 3;
    const moved = Float32Array.from(grid);
    moved[2 * centre] = moved[2 * centre]! + 25; // past its right-hand neighbour (10 px away)
    expect(worstShare(moved)).toBeLessThan(0);
    const result = guardFolds(mesh, moved, { pinned });
    expect(result.foldedBefore).toBeGreaterThan(0);
    expect(result.foldedAfter).toBe(0);
    expect(result.share).toBe(1);
    expect(worstShare(result.points)).toBeGreaterThan(0.1);
    for (let p = 0; p < size * size; p++) if (pinned[p]) expect([result.points[2 * p], result.points[2 * p + 1]]).toEqual([grid[2 * p], grid[2 * p + 1]]);
    // Far from the fold, points keep where they were asked to be.
    expect(result.points[2 * (1 * size + 1)]).toBe(moved[2 * (1 * size + 1)]);
  });

  it('scales all motion down when no point may give way', () => {
    const allPinned = new Uint8Array(size * size).fill(1);
    const moved = Float32Array.from(grid);
    const centre = 3 * size + 3;
    moved[2 * centre] = moved[2 * centre]! + 25;
    // Only scaling the motion can help: the result has no fold and keeps part of the motion.
    const result = guardFolds(mesh, moved, { pinned: allPinned });
    expect(result.foldedAfter).toBe(0);
    expect(result.share).toBeGreaterThan(0);
    expect(result.share).toBeLessThan(1);
    expect(worstShare(result.points)).toBeGreaterThan(0.1);
  });
});
