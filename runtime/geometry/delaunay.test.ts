import { describe, expect, it } from 'vitest';
import { delaunay } from './delaunay.ts';
import { seededRandom as random } from '../../test/support/seeded-random.ts';


function randomPoints(count: number, seed: number, size = 1000): Float64Array {
  const next = random(seed);
  return Float64Array.from({ length: count * 2 }, () => next() * size);
}

function grid(columns: number, rows: number, spacing = 10): Float64Array {
  const points: number[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) points.push(c * spacing, r * spacing);
  return Float64Array.from(points);
}

/** (b - a) x (c - a) for triangle t: negative means counter-clockwise on screen (y down). */
function signedArea(points: ArrayLike<number>, triangles: Uint32Array, t: number): number {
  const [a, b, c] = [triangles[3 * t]!, triangles[3 * t + 1]!, triangles[3 * t + 2]!];
  const ax = points[2 * a]!;
  const ay = points[2 * a + 1]!;
  return (points[2 * b]! - ax) * (points[2 * c + 1]! - ay) - (points[2 * b + 1]! - ay) * (points[2 * c]! - ax);
}

/** Every triangle is non-degenerate and counter-clockwise on screen. */
function expectScreenCounterClockwise(points: ArrayLike<number>, triangles: Uint32Array): void {
  const wrong: number[] = [];
  for (let t = 0; t < triangles.length / 3; t++) if (!(signedArea(points, triangles, t) < 0)) wrong.push(t);
  expect(wrong).toEqual([]);
}

/** The total area of the triangles, which for a Delaunay triangulation is the area of the convex hull. */
function totalArea(points: ArrayLike<number>, triangles: Uint32Array): number {
  let sum = 0;
  for (let t = 0; t < triangles.length / 3; t++) sum -= signedArea(points, triangles, t) / 2;
  return sum;
}

/** Each undirected edge is shared by at most two triangles, traversed in opposite directions (a proper mesh). */
function expectManifold(triangles: Uint32Array): void {
  const directed = new Set<string>();
  const repeated: string[] = [];
  for (let t = 0; t < triangles.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const key = `${triangles[t + k]}-${triangles[t + ((k + 1) % 3)]}`;
      if (directed.has(key)) repeated.push(key);
      directed.add(key);
    }
  }
  expect(repeated).toEqual([]);
}

describe('delaunay', () => {
  it('splits a square into two counter-clockwise triangles', () => {
    const points = Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10);
    const triangles = delaunay(points);
    expect(triangles.length).toBe(6);
    expectScreenCounterClockwise(points, triangles);
    expect(totalArea(points, triangles)).toBeCloseTo(100, 9);
    expect(new Set(triangles)).toEqual(new Set([0, 1, 2, 3]));
  });

  it('gives one triangle for three points, whatever order they come in', () => {
    for (const points of [Float64Array.of(0, 0, 5, 0, 0, 5), Float64Array.of(0, 0, 0, 5, 5, 0)]) {
      const triangles = delaunay(points);
      expect(triangles.length).toBe(3);
      expectScreenCounterClockwise(points, triangles);
    }
  });

  it('triangulates an n x m grid into 2 (n - 1)(m - 1) triangles covering it', () => {
    for (const [columns, rows] of [[2, 2], [3, 5], [10, 7], [25, 25]] as const) {
      const points = grid(columns, rows);
      const triangles = delaunay(points);
      expect(triangles.length / 3).toBe(2 * (columns - 1) * (rows - 1));
      expectScreenCounterClockwise(points, triangles);
      expectManifold(triangles);
      expect(totalArea(points, triangles)).toBeCloseTo(100 * (columns - 1) * (rows - 1), 6);
    }
  });

  it('leaves every other point outside each triangle circumcircle (300 random points)', () => {
    const points = randomPoints(300, 7);
    const triangles = delaunay(points);
    expectScreenCounterClockwise(points, triangles);
    expectManifold(triangles);
    // Euler: a triangulation of n points with h on the hull has 2n - 2 - h triangles, so at least n - 2.
    expect(triangles.length / 3).toBeGreaterThan(300);
    expect(new Set(triangles).size).toBe(300);
    expect(circumcircleViolations(points, triangles)).toEqual([]);
  });

  it('keeps circumcircles empty on integer points full of ties and repeats', () => {
    const next = random(5);
    const points = Float64Array.from({ length: 800 }, () => Math.floor(next() * 20));
    const triangles = delaunay(points);
    expectScreenCounterClockwise(points, triangles);
    expectManifold(triangles);
    expect(circumcircleViolations(points, triangles)).toEqual([]);
    // Every distinct position is a vertex of the triangulation.
    const distinct = new Set<string>();
    for (let i = 0; i < points.length; i += 2) distinct.add(`${points[i]},${points[i + 1]}`);
    expect(new Set(triangles).size).toBe(distinct.size);
  });

  it('covers the convex hull of random points', () => {
    const points = randomPoints(500, 3, 1);
    // Add the unit square's corners: the hull is then exactly the square.
    const withCorners = Float64Array.from([...points, 0, 0, 1, 0, 1, 1, 0, 1]);
    const triangles = delaunay(withCorners);
    expect(totalArea(withCorners, triangles)).toBeCloseTo(1, 9);
  });

  it('skips duplicate points, keeping the lowest index of each group', () => {
    const square = [0, 0, 10, 0, 10, 10, 0, 10];
    const points = Float64Array.from([...square, 10, 10, 0, 0, 0, 0, 5, 5, 5, 5]);
    const triangles = delaunay(points);
    expect(triangles.length).toBe(4 * 3);
    expect(new Set(triangles)).toEqual(new Set([0, 1, 2, 3, 7]));
    expectScreenCounterClockwise(points, triangles);
    expect(totalArea(points, triangles)).toBeCloseTo(100, 9);
  });

  it('tolerates a grid given twice over, and repeated random points', () => {
    const twice = Float64Array.from([...grid(6, 6), ...grid(6, 6)]);
    const triangles = delaunay(twice);
    expect(triangles.length / 3).toBe(2 * 5 * 5);
    expect(Math.max(...triangles)).toBeLessThan(36);

    const random = randomPoints(200, 11);
    const repeated = Float64Array.from([...random, ...random.subarray(0, 100), ...random]);
    expect(triangleSet(delaunay(repeated))).toEqual(triangleSet(delaunay(random)));
  });

  it('returns no triangle for collinear, coincident or too few points', () => {
    expect(delaunay(Float64Array.of(0, 0, 1, 1, 2, 2, 3, 3, 10, 10))).toEqual(new Uint32Array(0));
    expect(delaunay(Float64Array.of(5, 5, 5, 5, 5, 5, 5, 5))).toEqual(new Uint32Array(0));
    expect(delaunay(Float64Array.of(0, 0, 1, 0))).toEqual(new Uint32Array(0));
    expect(delaunay(new Float64Array(0))).toEqual(new Uint32Array(0));
  });

  it('leaves out points with a non-finite coordinate', () => {
    const points = Float64Array.of(0, 0, Number.NaN, 3, 10, 0, 10, 10, 4, Infinity, 0, 10);
    const triangles = delaunay(points);
    expect(new Set(triangles)).toEqual(new Set([0, 2, 3, 5]));
  });

  it('accepts single-precision input', () => {
    const points = Float32Array.from(grid(4, 4));
    expect(delaunay(points).length / 3).toBe(18);
  });

  it('handles points on concentric circles (many co-circular ties)', () => {
    const points: number[] = [0, 0];
    for (let ring = 1; ring <= 6; ring++) {
      for (let k = 0; k < 24; k++) points.push(ring * Math.cos((k * Math.PI) / 12), ring * Math.sin((k * Math.PI) / 12));
    }
    const array = Float64Array.from(points);
    const triangles = delaunay(array);
    expectScreenCounterClockwise(array, triangles);
    expectManifold(triangles);
    expect(new Set(triangles).size).toBe(points.length / 2);
    // The hull is the outer 24-gon.
    expect(totalArea(array, triangles)).toBeCloseTo(0.5 * 24 * 36 * Math.sin(Math.PI / 12), 6);
  });
});

/** Triangle and point pairs where the point lies inside the circumcircle by more than a relative 1e-9. */
function circumcircleViolations(points: Float64Array, triangles: Uint32Array): string[] {
  const violations: string[] = [];
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t]!, triangles[t + 1]!, triangles[t + 2]!];
    const { x, y, radius } = circumcircle(points, a, b, c);
    for (let p = 0; p < points.length / 2; p++) {
      const distance = Math.hypot(points[2 * p]! - x, points[2 * p + 1]! - y);
      if (distance < radius * (1 - 1e-9)) violations.push(`point ${p} inside triangle ${a},${b},${c}`);
    }
  }
  return violations;
}

/** Triangles as rotation-independent keys, to compare triangulations built in a different order. */
function triangleSet(triangles: Uint32Array): Set<string> {
  const keys = new Set<string>();
  for (let t = 0; t < triangles.length; t += 3) {
    const corners = [triangles[t]!, triangles[t + 1]!, triangles[t + 2]!];
    const first = corners.indexOf(Math.min(...corners));
    keys.add([0, 1, 2].map((k) => corners[(first + k) % 3]).join(','));
  }
  return keys;
}

function circumcircle(points: ArrayLike<number>, a: number, b: number, c: number): { x: number; y: number; radius: number } {
  const ax = points[2 * a]!;
  const ay = points[2 * a + 1]!;
  const bx = points[2 * b]! - ax;
  const by = points[2 * b + 1]! - ay;
  const cx = points[2 * c]! - ax;
  const cy = points[2 * c + 1]! - ay;
  const d = 2 * (bx * cy - by * cx);
  const x = (cy * (bx * bx + by * by) - by * (cx * cx + cy * cy)) / d;
  const y = (bx * (cx * cx + cy * cy) - cx * (bx * bx + by * by)) / d;
  return { x: ax + x, y: ay + y, radius: Math.hypot(x, y) };
}
