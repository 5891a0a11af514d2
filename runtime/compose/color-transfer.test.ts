import { describe, expect, it } from 'vitest';
import type { Mask, RgbaImage } from '../image.ts';
import { matchColors, measureColorStatistics, transferColorStatistics } from './color-transfer.ts';

/** A reproducible colourful texture: a warm, skin-like base with stripes and noise. */
function texture(width: number, height: number, seed = 1): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const wave = 30 * Math.sin(x / 5) + 20 * Math.cos(y / 7);
      data[at] = Math.round(190 + wave + 20 * random());
      data[at + 1] = Math.round(130 + 0.7 * wave + 20 * random());
      data[at + 2] = Math.round(100 + 0.4 * wave + 20 * random());
      data[at + 3] = 255;
    }
  }
  return { width, height, data };
}

function fullMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height).fill(255) };
}

/** Mean RGB of the pixels where `mask` is non-zero. */
function meanRgb(image: RgbaImage, mask: Mask): number[] {
  const sums = [0, 0, 0];
  let count = 0;
  for (let pixel = 0; pixel < mask.data.length; pixel++) {
    if (mask.data[pixel] === 0) continue;
    for (let c = 0; c < 3; c++) sums[c]! += image.data[pixel * 4 + c]!;
    count++;
  }
  return sums.map((sum) => sum / count);
}

describe('colour transfer', () => {
  it('recovers the original mean from a uniformly darker copy, within 2 levels', () => {
    const original = texture(64, 48);
    const darker: RgbaImage = { ...original, data: original.data.map((value, i) => (i % 4 === 3 ? value : Math.round(value * 0.6))) };
    const mask = fullMask(64, 48);
    const result = matchColors(darker, mask, original, mask);
    const want = meanRgb(original, mask);
    const got = meanRgb(result, mask);
    for (let c = 0; c < 3; c++) expect(Math.abs(got[c]! - want[c]!)).toBeLessThan(2);
    // Contrast comes back too: the deviation in luminance matches.
    expect(measureColorStatistics(result, mask).deviation[0]).toBeCloseTo(measureColorStatistics(original, mask).deviation[0], 0);
  });

  it('takes statistics only from the masked pixels of each image', () => {
    const layer = texture(40, 40, 7);
    const reference = texture(40, 40, 3);
    // Left half of the layer is what is corrected; its right half is saturated green noise that must not count.
    const layerMask: Mask = { width: 40, height: 40, data: new Uint8Array(1600) };
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 40; x++) {
        if (x < 20) layerMask.data[y * 40 + x] = 255;
        else layer.data.set([0, 255, 0], (y * 40 + x) * 4);
      }
    }
    // The reference's bottom rows are made cool and blue; only those are selected.
    const referenceMask: Mask = { width: 40, height: 40, data: new Uint8Array(1600) };
    for (let pixel = 1200; pixel < 1600; pixel++) {
      referenceMask.data[pixel] = 255;
      reference.data.set([60, 90, 160], pixel * 4);
    }
    const result = matchColors(layer, layerMask, reference, referenceMask);
    const got = meanRgb(result, layerMask);
    expect(got[0]).toBeCloseTo(60, 0);
    expect(got[1]).toBeCloseTo(90, 0);
    expect(got[2]).toBeCloseTo(160, 0);
  });

  it('shifts a flat (zero-variance) region to the target mean without NaN', () => {
    const flat: RgbaImage = { width: 8, height: 8, data: new Uint8Array(256) };
    for (let pixel = 0; pixel < 64; pixel++) flat.data.set([100, 100, 100, 255], pixel * 4);
    const mask = fullMask(8, 8);
    const reference = texture(8, 8);
    const result = matchColors(flat, mask, reference, mask);
    const want = meanRgb(reference, mask);
    for (let pixel = 0; pixel < 64; pixel++) {
      for (let c = 0; c < 3; c++) expect(Math.abs(result.data[pixel * 4 + c]! - want[c]!)).toBeLessThan(1.5);
    }
    // And the other way round: a flat reference squashes contrast only as far as maxScale allows.
    const squashed = matchColors(reference, mask, flat, mask, { maxScale: 2 });
    expect(measureColorStatistics(flat, mask).deviation.every((deviation) => deviation < 1e-6)).toBe(true);
    const before = measureColorStatistics(reference, mask).deviation[0];
    expect(measureColorStatistics(squashed, mask).deviation[0]).toBeCloseTo(before / 2, 0);
  });

  it('leaves the layer unchanged at strength 0 or with an empty mask, and keeps alpha', () => {
    const layer = texture(16, 16, 5);
    layer.data[3] = 17;
    const reference = texture(16, 16, 9);
    const mask = fullMask(16, 16);
    expect(matchColors(layer, mask, reference, mask, { strength: 0 }).data).toEqual(layer.data);
    const empty: Mask = { width: 16, height: 16, data: new Uint8Array(256) };
    expect(matchColors(layer, empty, reference, mask).data).toEqual(layer.data);
    expect(matchColors(layer, mask, reference, empty).data).toEqual(layer.data);
    expect(matchColors(layer, mask, reference, mask).data[3]).toBe(17);
  });

  it('clamps results to 0-255', () => {
    const layer = texture(16, 16, 5);
    const mask = fullMask(16, 16);
    const result = transferColorStatistics(layer, mask, { mean: [250, 0, 0], deviation: [60, 5, 5], weight: 1 });
    expect(result.data.some((value) => value === 255)).toBe(true);
    expect(result.data.every((value) => value >= 0 && value <= 255)).toBe(true);
  });
});
