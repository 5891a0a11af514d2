import { describe, expect, it } from 'vitest';
import type { Mask, RgbaImage } from '../image.ts';
import { PoissonWarmStart, poissonBlend } from './poisson-blend.ts';

function image(width: number, height: number, color: (x: number, y: number, channel: number) => number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) data[at + c] = Math.min(255, Math.max(0, Math.round(color(x, y, c))));
      data[at + 3] = 255;
    }
  }
  return { width, height, data };
}

function maskOf(width: number, height: number, inside: (x: number, y: number) => boolean): Mask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(x + 0.5, y + 0.5)) data[y * width + x] = 255;
  return { width, height, data };
}

/** Buffer comparison: toEqual walks typed arrays one element at a time, slowly. */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const value = (picture: RgbaImage, x: number, y: number, channel = 0) => picture.data[(y * picture.width + x) * 4 + channel]!;

/** A painting-like background: smooth colour variation plus fine texture. */
const canvas = (width: number, height: number) =>
  image(width, height, (x, y, c) => 110 + 40 * Math.sin(x / 17 + c) + 30 * Math.cos(y / 13) + ((x * 7 + y * 13) % 9));

function maxDifferenceInside(a: RgbaImage, b: RgbaImage, mask: Mask): number {
  let max = 0;
  for (let pixel = 0; pixel < mask.data.length; pixel++) {
    if (mask.data[pixel]! <= 127) continue;
    for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(a.data[pixel * 4 + c]! - b.data[pixel * 4 + c]!));
  }
  return max;
}

function meanDifferenceInside(a: RgbaImage, b: RgbaImage, mask: Mask): number {
  let total = 0;
  let count = 0;
  for (let pixel = 0; pixel < mask.data.length; pixel++) {
    if (mask.data[pixel]! <= 127) continue;
    for (let c = 0; c < 3; c++) total += Math.abs(a.data[pixel * 4 + c]! - b.data[pixel * 4 + c]!);
    count += 3;
  }
  return total / count;
}

describe('poissonBlend', () => {
  const disc = maskOf(120, 100, (x, y) => (x - 60) ** 2 + (y - 50) ** 2 < 35 ** 2);

  it('returns the background when the layer is the background', () => {
    const background = canvas(120, 100);
    expect(sameBytes(poissonBlend(background, background, disc).data, background.data)).toBe(true);
  });

  it('returns the background for a layer offset by a constant: same gradients, the border pins the level', () => {
    const background = canvas(120, 100);
    const layer = image(120, 100, (x, y, c) => value(background, x, y, c) + 45);
    expect(maxDifferenceInside(poissonBlend(background, layer, disc), background, disc)).toBeLessThanOrEqual(2);
  });

  it('returns the background for a layer offset by a ramp (a harmonic offset the cold start cannot guess)', () => {
    const background = canvas(120, 100);
    const layer = image(120, 100, (x, y, c) => value(background, x, y, c) - 20 + 0.5 * x - 0.3 * y + 10 * c);
    expect(maxDifferenceInside(poissonBlend(background, layer, disc), background, disc)).toBeLessThanOrEqual(2);
  });

  it("keeps the layer's fine gradients inside while the level follows the background", () => {
    const background = image(120, 100, () => 60);
    // Vertical stripes of period 6: their border mismatch dies out within a few pixels of the edge.
    const layer = image(120, 100, (x) => (x % 6 < 3 ? 200 : 170));
    const result = poissonBlend(background, layer, disc);
    let compared = 0;
    for (let y = 30; y < 70; y++) {
      for (let x = 40; x < 80; x++) {
        if ((x - 60) ** 2 + (y - 50) ** 2 > 25 ** 2) continue;
        expect(Math.abs(value(result, x + 1, y) - value(result, x, y) - (value(layer, x + 1, y) - value(layer, x, y)))).toBeLessThanOrEqual(2);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1500);
    // The stripes now oscillate around the background's 60, not the layer's 185.
    expect(Math.abs(value(result, 60, 50) + value(result, 63, 50) - 2 * 60)).toBeLessThanOrEqual(4);
  });

  it("gives the result the layer's Laplacian inside the region, and meets the background at its border", () => {
    const background = image(120, 100, (x, y) => 40 + 0.8 * x + 0.4 * y);
    const layer = image(120, 100, (x, y) => 120 + 90 * Math.exp(-((x - 55) ** 2 + (y - 48) ** 2) / 150));
    const result = poissonBlend(background, layer, disc);
    const laplacian = (picture: RgbaImage, x: number, y: number) =>
      value(picture, x - 1, y) + value(picture, x + 1, y) + value(picture, x, y - 1) + value(picture, x, y + 1) - 4 * value(picture, x, y);
    let signedTotal = 0;
    let count = 0;
    for (let y = 16; y < 85; y++) {
      for (let x = 26; x < 95; x++) {
        if (disc.data[y * 120 + x] === 0) continue;
        const error = laplacian(result, x, y) - laplacian(layer, x, y);
        // result = layer + round(membrane): rounding a smooth ramp to bytes leaves Laplacian steps of a level or two.
        expect(Math.abs(error)).toBeLessThanOrEqual(2);
        signedTotal += error;
        count++;
      }
    }
    expect(Math.abs(signedTotal / count)).toBeLessThan(0.05);
    // Seamless: across the border the result steps like the background does, not by the layer's ~80 level jump.
    for (let x = 40; x <= 80; x += 5) {
      let top = 0;
      while (disc.data[top * 120 + x] === 0) top++;
      expect(Math.abs(value(result, x, top) - value(background, x, top - 1))).toBeLessThanOrEqual(2);
    }
  });

  it('absorbs a linear ramp into a flat background: a harmonic layer has no Laplacian to keep', () => {
    const background = image(120, 100, () => 100);
    const layer = image(120, 100, (x) => 30 + 1.5 * x);
    const result = poissonBlend(background, layer, disc);
    for (let x = 30; x < 90; x++) expect(Math.abs(value(result, x, 50) - 100)).toBeLessThanOrEqual(1);
  });

  it('leaves everything outside the mask as the background, with opaque alpha', () => {
    const background = canvas(120, 100);
    for (let at = 3; at < background.data.length; at += 4) background.data[at] = 10;
    const layer = image(120, 100, () => 250);
    const result = poissonBlend(background, layer, disc);
    for (let pixel = 0; pixel < disc.data.length; pixel++) {
      expect(result.data[pixel * 4 + 3]).toBe(255);
      if (disc.data[pixel] === 0) expect(result.data[pixel * 4]).toBe(background.data[pixel * 4]);
    }
  });

  it('converges with the default budget: within a level of a long solve on a concave 300 px region', () => {
    const background = canvas(360, 340);
    const layer = image(360, 340, (x, y, c) => 70 + 60 * Math.cos(x / 11 - c) + 40 * Math.sin(y / 9));
    const crescent = maskOf(360, 340, (x, y) => ((x - 180) / 150) ** 2 + ((y - 170) / 150) ** 2 <= 1 && ((x - 180) / 110) ** 2 + ((y - 110) / 100) ** 2 > 1);
    const converged = poissonBlend(background, layer, crescent, { cycles: 60 });
    const start = performance.now();
    const result = poissonBlend(background, layer, crescent);
    const elapsed = performance.now() - start;
    expect(maxDifferenceInside(result, converged, crescent)).toBeLessThanOrEqual(1);
    // ~60 ms on an idle 2-core dev machine; generous so a busy test run does not fail it.
    expect(elapsed).toBeLessThan(1000);
  });

  it('lets a region touching the image edge float there: zero flux, not pinned', () => {
    const background = canvas(80, 60);
    // The offset varies along the top edge only, so it is harmonic and has no flux across that edge.
    const layer = image(80, 60, (x, y, c) => value(background, x, y, c) - 35 + 0.4 * x);
    const top = maskOf(80, 60, (x, y) => x > 20 && x < 55 && y < 25);
    expect(maxDifferenceInside(poissonBlend(background, layer, top), background, top)).toBeLessThanOrEqual(2);
    // With no border at all nothing pins the level: the layer comes back as it is.
    expect(sameBytes(poissonBlend(background, layer, maskOf(80, 60, () => true)).data, layer.data)).toBe(true);
  });

  it('returns a copy of the background for an empty mask, and writes into a given output', () => {
    const background = canvas(40, 30);
    const layer = image(40, 30, () => 0);
    const empty = maskOf(40, 30, () => false);
    expect(sameBytes(poissonBlend(background, layer, empty).data, background.data)).toBe(true);
    const output = image(40, 30, () => 0);
    expect(poissonBlend(background, layer, empty, { output })).toBe(output);
    expect(sameBytes(output.data, background.data)).toBe(true);
    expect(() => poissonBlend(background, image(41, 30, () => 0), empty)).toThrow();
  });

  describe('warm start', () => {
    const background = canvas(120, 100);
    const layer = image(120, 100, (x, y, c) => 90 + 50 * Math.cos(x / 9 + c) + 20 * Math.sin(y / 7));

    it('starts from the last membrane: a repeated frame is already solved before any cycle runs', () => {
      const warmStart = new PoissonWarmStart();
      const first = poissonBlend(background, layer, disc, { warmStart, cycles: 8 });
      expect(warmStart.width).toBeGreaterThan(0);
      expect(sameBytes(poissonBlend(background, layer, disc, { warmStart, cycles: 0 }).data, first.data)).toBe(true);
    });

    it('leaves less error after one cycle than a cold start, frame after frame, as the region and layer move', () => {
      const warmStart = new PoissonWarmStart();
      for (let frame = 0; frame < 5; frame++) {
        const moving = image(120, 100, (x, y, c) => 90 + 50 * Math.cos((x - frame) / 13 + c) + 20 * Math.sin(y / 11) + 3 * frame);
        const region = maskOf(120, 100, (x, y) => ((x - 60 - frame) / 40) ** 2 + ((y - 50 - 0.5 * frame) / 30) ** 2 < 1);
        const converged = poissonBlend(background, moving, region, { cycles: 60 });
        const warm = meanDifferenceInside(poissonBlend(background, moving, region, { warmStart, cycles: 1 }), converged, region);
        const cold = meanDifferenceInside(poissonBlend(background, moving, region, { cycles: 1 }), converged, region);
        if (frame > 0) expect(warm).toBeLessThan(cold / 2);
      }
    });

    it('is forgotten after clear()', () => {
      const warmStart = new PoissonWarmStart();
      poissonBlend(background, layer, disc, { warmStart });
      warmStart.clear();
      const cold = poissonBlend(background, layer, disc, { cycles: 0 });
      expect(sameBytes(poissonBlend(background, layer, disc, { warmStart, cycles: 0 }).data, cold.data)).toBe(true);
    });
  });
});
