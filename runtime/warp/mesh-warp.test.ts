import { describe, expect, it } from 'vitest';
import { delaunay } from '../geometry/delaunay.ts';
import type { RgbaImage } from '../image.ts';
import { warpMesh } from './mesh-warp.ts';

/** An image where every pixel differs from its neighbours, so any misplaced sample shows. */
function pattern(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data[o] = (x * 37 + y * 11) & 255;
      data[o + 1] = (x * 5 + y * 73) & 255;
      data[o + 2] = (x * y) & 255;
      data[o + 3] = 255 - ((x + y) & 127);
    }
  }
  return { width, height, data };
}

function filled(width: number, height: number, rgba: readonly number[]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let o = 0; o < data.length; o += 4) data.set(rgba, o);
  return { width, height, data };
}

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 4;
  return Array.from(image.data.subarray(o, o + 4));
}

/** A lattice of points `step` apart over [0, width] x [0, height], corners and border included. */
function lattice(width: number, height: number, step: number): Float64Array {
  const points: number[] = [];
  for (let y = 0; y <= height; y += step) for (let x = 0; x <= width; x += step) points.push(x, y);
  return Float64Array.from(points);
}

function mapPoints(points: Float64Array, move: (x: number, y: number) => [number, number]): Float64Array {
  const moved = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    const [x, y] = move(points[i]!, points[i + 1]!);
    moved[i] = x;
    moved[i + 1] = y;
  }
  return moved;
}

/** Pixels where `image` differs from `expected(x, y)`, as "x,y" (cheaper to compare than pixel by pixel). */
function mismatches(image: RgbaImage, expected: (x: number, y: number) => number[], region = { x0: 0, y0: 0, x1: image.width, y1: image.height }): string[] {
  const wrong: string[] = [];
  for (let y = region.y0; y < region.y1; y++) {
    for (let x = region.x0; x < region.x1; x++) {
      const want = expected(x, y);
      const o = (y * image.width + x) * 4;
      if (want.some((v, c) => image.data[o + c] !== v)) wrong.push(`${x},${y}`);
    }
  }
  return wrong;
}

/** How many bytes differ between two equally long buffers. */
function differingBytes(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

const sentinel = [1, 2, 3, 4];

describe('warpMesh', () => {
  it('reproduces the image exactly when source and target points are the same', () => {
    const source = pattern(40, 30);
    const points = lattice(40, 30, 5);
    const result = warpMesh(source, points, points, delaunay(points), filled(40, 30, sentinel));
    expect(differingBytes(result.data, source.data)).toBe(0);
  });

  it('shifts the content by a whole-pixel translation of every point', () => {
    const source = pattern(48, 36);
    const points = lattice(48, 36, 6);
    const target = mapPoints(points, (x, y) => [x + 3, y - 2]);
    const result = warpMesh(source, points, target, delaunay(points), filled(48, 36, sentinel));
    expect(mismatches(result, (x, y) => pixel(source, x - 3, y + 2), { x0: 3, y0: 0, x1: 48, y1: 34 })).toEqual([]);
    // Uncovered pixels (left strip, bottom rows) keep what the output held.
    expect(pixel(result, 1, 10)).toEqual(sentinel);
    expect(pixel(result, 20, 35)).toEqual(sentinel);
  });

  it('blends neighbours for a half-pixel translation', () => {
    const source = pattern(20, 20);
    const points = lattice(20, 20, 5);
    const result = warpMesh(source, points, mapPoints(points, (x, y) => [x + 0.5, y]), delaunay(points));
    const left = pixel(source, 9, 7);
    const right = pixel(source, 10, 7);
    expect(pixel(result, 10, 7)).toEqual(left.map((v, c) => Math.floor((v + right[c]!) / 2 + 0.5)));
  });

  it('turns the content with the mesh: a quarter turn about the centre is pixel-exact', () => {
    const size = 32;
    const source = pattern(size, size);
    const points = lattice(size, size, 4);
    // (x, y) -> (size - y, x) turns +x towards +y, and maps pixel centres onto pixel centres.
    const target = mapPoints(points, (x, y) => [size - y, x]);
    const result = warpMesh(source, points, target, delaunay(points), filled(size, size, sentinel));
    // Output pixel (X, Y) shows source pixel (Y, size - 1 - X).
    expect(mismatches(result, (x, y) => pixel(source, y, size - 1 - x))).toEqual([]);
  });

  it('leaves no crack: a smooth deformation of a fine mesh writes every pixel inside it', () => {
    const width = 120;
    const height = 90;
    const points = lattice(width, height, 3);
    // A swirl that vanishes at the border, so the deformed mesh still covers the whole image.
    const target = mapPoints(points, (x, y) => {
      const bump = Math.sin((Math.PI * x) / width) * Math.sin((Math.PI * y) / height);
      return [x + 7.3 * bump * Math.cos(y / 9), y + 5.1 * bump * Math.sin(x / 7)];
    });
    const colour = [200, 100, 50, 255];
    const result = warpMesh(filled(width, height, colour), points, target, delaunay(points), filled(width, height, sentinel));
    expect(mismatches(result, () => colour)).toEqual([]);
  });

  it('skips still triangles without changing the result when the output starts as the source', () => {
    const source = pattern(60, 60);
    const points = lattice(60, 60, 5);
    // Only points near the middle move.
    const target = mapPoints(points, (x, y) => (Math.hypot(x - 30, y - 30) < 12 ? [x + 1.7, y - 0.6] : [x, y]));
    const triangles = delaunay(points);
    const skipped = warpMesh(source, points, target, triangles);
    const full = warpMesh(source, points, target, triangles, { ...source, data: source.data.slice() }, { skipStill: false });
    expect(differingBytes(skipped.data, full.data)).toBe(0);
    expect(differingBytes(skipped.data, source.data)).toBeGreaterThan(0);
    expect(differingBytes(source.data, pattern(60, 60).data)).toBe(0);

    // Skipping really skips: a still region of a sentinel output stays sentinel when asked to skip.
    const onSentinel = warpMesh(source, points, target, triangles, filled(60, 60, sentinel), { skipStill: true });
    expect(pixel(onSentinel, 2, 2)).toEqual(sentinel);
    expect(pixel(onSentinel, 30, 30)).not.toEqual(sentinel);
  });

  it('draws every triangle by default when given an output, which may hold another background', () => {
    const source = pattern(30, 30);
    const points = lattice(30, 30, 5);
    const result = warpMesh(source, points, points, delaunay(points), filled(30, 30, sentinel));
    expect(differingBytes(result.data, source.data)).toBe(0);
  });

  it('treats moves within the tolerance as still', () => {
    const source = pattern(20, 20);
    const points = lattice(20, 20, 5);
    const nudged = mapPoints(points, (x, y) => [x + 0.005, y]);
    const still = warpMesh(source, points, nudged, delaunay(points), filled(20, 20, sentinel), { skipStill: true });
    expect(differingBytes(still.data, filled(20, 20, sentinel).data)).toBe(0);
    const moved = warpMesh(source, points, nudged, delaunay(points), filled(20, 20, sentinel), { skipStill: true, stillTolerance: 0.001 });
    // Drawn everywhere, a two-hundredth of a pixel off: within a level or two of the source.
    expect(moved.data.some((v, i) => Math.abs(v - source.data[i]!) > 2)).toBe(false);
    expect(moved.data.some((v, i) => v !== source.data[i])).toBe(true);
  });

  it('writes in place and reads a snapshot when the output is the source itself', () => {
    const source = pattern(48, 36);
    const points = lattice(48, 36, 6);
    const target = mapPoints(points, (x, y) => [x + 3, y - 2]);
    const expected = warpMesh(source, points, target, delaunay(points));
    const result = warpMesh(source, points, target, delaunay(points), source, { skipStill: true });
    expect(result).toBe(source);
    expect(differingBytes(result.data, expected.data)).toBe(0);
  });

  it('draws onto an output of another size, sampling the source clamped', () => {
    const source = pattern(10, 10);
    const points = Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10);
    const target = Float64Array.of(0, 0, 20, 0, 20, 20, 0, 20);
    const result = warpMesh(source, points, target, delaunay(points), filled(25, 25, sentinel));
    // Output centre (0.5, 0.5) maps to source (0.25, 0.25), which clamps to the first pixel's centre.
    expect(pixel(result, 0, 0)).toEqual(pixel(source, 0, 0));
    expect(pixel(result, 19, 19)).toEqual(pixel(source, 9, 9));
    expect(pixel(result, 22, 5)).toEqual(sentinel);
  });

  it('rejects a mesh that does not match its points', () => {
    const source = pattern(10, 10);
    const points = Float64Array.of(0, 0, 10, 0, 0, 10);
    expect(() => warpMesh(source, points, points.subarray(0, 4), Uint32Array.of(0, 1, 2))).toThrow(RangeError);
    expect(() => warpMesh(source, points, points, Uint32Array.of(0, 1, 3))).toThrow(RangeError);
    expect(() => warpMesh(source, points, points, Uint32Array.of(0, 1))).toThrow(RangeError);
    expect(() => warpMesh(source, points, points, Uint32Array.of(0, 1, 2), { width: 5, height: 5, data: new Uint8Array(4) })).toThrow(RangeError);
  });
});
