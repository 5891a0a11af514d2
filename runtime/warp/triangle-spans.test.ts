import { describe, expect, it } from 'vitest';
import { delaunay } from '../geometry/delaunay.ts';
import { triangleSpans } from './triangle-spans.ts';
import { seededRandom as random } from '../../test/support/seeded-random.ts';


type Vertices = [number, number, number, number, number, number];

function spansOf(vertices: Vertices, width: number, height: number): number[][] {
  const spans = new Int32Array(3 * height);
  const count = triangleSpans(...vertices, width, height, spans);
  return Array.from({ length: count }, (_, r) => [spans[3 * r]!, spans[3 * r + 1]!, spans[3 * r + 2]!]);
}

/** How many times each pixel is covered by the mesh's triangles. */
function coverage(points: Float64Array, triangles: Uint32Array, width: number, height: number): Uint8Array {
  const counts = new Uint8Array(width * height);
  const spans = new Int32Array(3 * height);
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t]!, triangles[t + 1]!, triangles[t + 2]!];
    const runs = triangleSpans(
      points[2 * a]!, points[2 * a + 1]!, points[2 * b]!, points[2 * b + 1]!, points[2 * c]!, points[2 * c + 1]!,
      width, height, spans,
    );
    for (let r = 0; r < runs; r++) {
      for (let x = spans[3 * r + 1]!; x < spans[3 * r + 2]!; x++) counts[spans[3 * r]! * width + x]!++;
    }
  }
  return counts;
}

/** Pixels covered other than exactly once, as "x,y:count". */
function notOnce(counts: Uint8Array, width: number): string[] {
  const wrong: string[] = [];
  counts.forEach((count, i) => {
    if (count !== 1) wrong.push(`${i % width},${Math.floor(i / width)}:${count}`);
  });
  return wrong;
}

/** The image's corners, plus points along its border every `step` pixels. */
function border(width: number, height: number, step: number): number[] {
  const points: number[] = [];
  for (let x = 0; x <= width; x += step) points.push(x, 0, x, height);
  for (let y = step; y < height; y += step) points.push(0, y, width, y);
  points.push(width, 0, width, height, 0, height);
  return points;
}

describe('triangleSpans', () => {
  it('covers the pixels whose centres are inside, in either winding', () => {
    // Centres (x + 0.5, y + 0.5) inside x + y < 4 means x + y < 3; those on the hypotenuse (x + y = 3) are left out,
    // as the triangle lies above that edge.
    const expected = [[0, 0, 3], [1, 0, 2], [2, 0, 1]];
    expect(spansOf([0, 0, 4, 0, 0, 4], 10, 10)).toEqual(expected);
    expect(spansOf([0, 0, 0, 4, 4, 0], 10, 10)).toEqual(expected);
  });

  it('gives a centre on an edge to the triangle below a level edge and left of an upright one', () => {
    // The lines y = 1.5 and x = 1.5 run through pixel centres.
    const above: Vertices = [0, 0, 4, 1.5, 0, 1.5];
    const below: Vertices = [0, 1.5, 4, 1.5, 0, 3];
    expect(spansOf(above, 8, 8).some(([y]) => y === 1)).toBe(false);
    expect(spansOf(below, 8, 8).find(([y]) => y === 1)).toEqual([1, 0, 4]);
    const left: Vertices = [0, 0, 1.5, 0, 1.5, 4];
    const right: Vertices = [1.5, 0, 4, 0, 1.5, 4];
    expect(spansOf(left, 8, 8).find(([y]) => y === 0)).toEqual([0, 0, 2]);
    expect(spansOf(right, 8, 8).find(([y]) => y === 0)).toEqual([0, 2, 4]);
  });

  it('clips to the image', () => {
    expect(spansOf([-10, -10, 30, -10, -10, 30], 4, 3)).toEqual([[0, 0, 4], [1, 0, 4], [2, 0, 4]]);
    expect(spansOf([50, 50, 60, 50, 50, 60], 4, 3)).toEqual([]);
  });

  it('covers nothing for a triangle of zero area or with a non-finite corner', () => {
    expect(spansOf([0, 0.5, 5, 0.5, 9, 0.5], 10, 10)).toEqual([]);
    expect(spansOf([1, 1, 1, 1, 1, 1], 10, 10)).toEqual([]);
    expect(spansOf([0, 0, Number.NaN, 4, 4, 4], 10, 10)).toEqual([]);
    expect(spansOf([0, 0, Infinity, 4, 4, 4], 10, 10)).toEqual([]);
  });

  it('covers every pixel exactly once when a mesh of random triangles tiles the image', () => {
    const next = random(1);
    const points = [...border(64, 48, 16)];
    for (let i = 0; i < 150; i++) points.push(next() * 64, next() * 48);
    const array = Float64Array.from(points);
    expect(notOnce(coverage(array, delaunay(array), 64, 48), 64)).toEqual([]);
  });

  it('covers every pixel exactly once when vertices and edges run through pixel centres', () => {
    // Vertices on a lattice of pixel centres and corners: many centres lie exactly on edges and on shared corners.
    const points = [...border(40, 30, 5)];
    for (let y = 2.5; y < 30; y += 2.5) for (let x = 2.5; x < 40; x += 2.5) points.push(x, y);
    const array = Float64Array.from(points);
    expect(notOnce(coverage(array, delaunay(array), 40, 30), 40)).toEqual([]);
  });

  it('covers a pixel centre shared by a fan of triangles exactly once', () => {
    // Twelve triangles around the centre of pixel (10, 10), their spokes passing through other pixel centres too.
    const points = [10.5, 10.5];
    for (let k = 0; k < 12; k++) points.push(10.5 + 8 * Math.cos((k * Math.PI) / 6), 10.5 + 8 * Math.sin((k * Math.PI) / 6));
    points.push(10.5, 0.5, 10.5, 20.5, 0.5, 10.5, 20.5, 10.5, 2.5, 2.5, 18.5, 18.5);
    const array = Float64Array.from(points);
    const triangles = delaunay(array);
    const counts = coverage(array, triangles, 24, 24);
    expect(counts[10 * 24 + 10]).toBe(1);
    expect(Math.max(...counts)).toBe(1);
  });
});
