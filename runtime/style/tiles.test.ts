import { describe, expect, it } from 'vitest';
import { type PlanarNetwork, runTiled, tileSpans, usableOverlap } from './tiles.ts';

/** The sum of every tile's weight at each pixel of the line. */
function coverage(length: number, tile: number, overlap: number): Float64Array {
  const sum = new Float64Array(length);
  for (const span of tileSpans(length, tile, overlap)) span.weights.forEach((weight, x) => (sum[span.start + x]! += weight));
  return sum;
}

describe('tileSpans', () => {
  const cases: [number, number, number][] = [
    [100, 128, 32],
    [128, 128, 32],
    [132, 128, 32],
    [456, 128, 32],
    [912, 512, 64],
    [1000, 256, 200], // more overlap than half the tile: limited
    [1000, 256, 128],
    [700, 256, 120],
    [2048, 512, 0],
    [777, 96, 31],
  ];

  it.each(cases)('weights of %i pixels in tiles of %i overlapping by %i sum to 1 at every pixel', (length, tile, overlap) => {
    const sum = coverage(length, tile, overlap);
    for (let x = 0; x < length; x++) expect(sum[x]).toBeCloseTo(1, 6);
  });

  it.each(cases)('tiles of %i pixels (tile %i, overlap %i) are the tile size, inside the picture, and overlap by at least the overlap', (length, tile, overlap) => {
    const spans = tileSpans(length, tile, overlap);
    if (length <= tile) {
      expect(spans).toEqual([{ start: 0, size: length, weights: new Float32Array(length).fill(1) }]);
      return;
    }
    expect(spans[0]!.start).toBe(0);
    expect(spans.at(-1)!.start + tile).toBe(length);
    for (const span of spans) expect(span.size).toBe(tile);
    for (let i = 1; i < spans.length; i++) expect(spans[i - 1]!.start + tile - spans[i]!.start).toBeGreaterThanOrEqual(usableOverlap(tile, overlap));
  });

  it('gives no weight to the edges tiles share with a neighbour, and full weight up to the picture border', () => {
    const spans = tileSpans(456, 128, 32);
    expect(spans.length).toBe(5);
    for (const [i, span] of spans.entries()) {
      const first = span.weights[0]!;
      const last = span.weights[span.size - 1]!;
      expect(first).toBeCloseTo(i === 0 ? 1 : 0, 2);
      expect(last).toBeCloseTo(i === spans.length - 1 ? 1 : 0, 2);
      // Each hand-over is a smooth ramp over the middle half of the overlap (16 pixels here): no step.
      for (let x = 1; x < span.size; x++) expect(Math.abs(span.weights[x]! - span.weights[x - 1]!)).toBeLessThan(0.11);
      // The outer quarter of the overlap is context only.
      if (i > 0) expect(Math.max(...span.weights.subarray(0, 8))).toBe(0);
    }
  });

  it('limits the overlap to half the tile', () => {
    expect(usableOverlap(128, 32)).toBe(32);
    expect(usableOverlap(128, 100)).toBe(64);
    expect(usableOverlap(512, 64)).toBe(64);
  });
});

/**
 * A small local network in plain code: a 5x5 blur with the border reflected, then a nonlinear mix of the channels.
 * Like a convolutional generator it sees a neighbourhood (two pixels each way), so tiles can disagree at their edges.
 */
const localNetwork: PlanarNetwork = async (planes, width, height) => {
  const area = width * height;
  const out = new Float32Array(planes.length);
  const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const blurred = [0, 1, 2].map((c) => {
        let sum = 0;
        for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) sum += planes[c * area + reflect(y + dy, height) * width + reflect(x + dx, width)]!;
        return sum / 25;
      });
      const centre = [0, 1, 2].map((c) => planes[c * area + y * width + x]!);
      for (let c = 0; c < 3; c++) out[c * area + y * width + x] = Math.tanh(2 * centre[c]! - blurred[c]! + 0.3 * blurred[(c + 1) % 3]!);
    }
  }
  return out;
};

function picture(width: number, height: number): Float32Array {
  const planes = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) planes[c * width * height + y * width + x] = 0.5 + 0.4 * Math.sin(x / (7 + c) + y / 11) * Math.cos((x * y) / 900);
    }
  }
  return planes;
}

describe('runTiled', () => {
  it('runs the network once on a picture that fits in a tile', async () => {
    const sizes: string[] = [];
    const planes = picture(96, 64);
    const out = await runTiled(planes, 96, 64, { tile: 128, overlap: 32 }, async (data, width, height) => {
      sizes.push(`${width}x${height}`);
      return localNetwork(data, width, height);
    });
    expect(sizes).toEqual(['96x64']);
    expect(out).toEqual(await localNetwork(planes, 96, 64));
  });

  it('matches an untiled run of a local network: no seams', async () => {
    const [width, height] = [300, 172];
    const planes = picture(width, height);
    const sizes = new Set<string>();
    const whole = await localNetwork(planes, width, height);
    const tiled = await runTiled(planes, width, height, { tile: 64, overlap: 16 }, async (data, w, h) => {
      sizes.add(`${w}x${h}`);
      return localNetwork(data, w, h);
    });
    expect(sizes).toEqual(new Set(['64x64']));
    let worst = 0;
    for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(whole[i]! - tiled[i]!));
    expect(worst).toBeLessThan(1e-5);
  });

  it('without overlap, the tile edges show', async () => {
    // Tiles that meet edge to edge.
    const [width, height] = [256, 192];
    const planes = picture(width, height);
    const whole = await localNetwork(planes, width, height);
    const tiled = await runTiled(planes, width, height, { tile: 64, overlap: 0 }, localNetwork);
    let worst = 0;
    for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(whole[i]! - tiled[i]!));
    expect(worst).toBeGreaterThan(0.01);
  });
});
