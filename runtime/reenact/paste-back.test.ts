import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { type Affine, invertAffine } from '../geometry/affine.ts';
import { cropMask, pasteBack } from './paste-back.ts';

describe('cropMask', () => {
  it('is 1 inside, 0 at the border, and rises smoothly through the band', () => {
    expect(cropMask(0.5, 0.5)).toBe(1);
    expect(cropMask(0.1, 0.9)).toBe(1);
    expect(cropMask(0, 0.5)).toBe(0);
    expect(cropMask(0.005, 0.5)).toBe(0);
    const ramp = [0.01, 0.02, 0.03, 0.04].map((u) => cropMask(u, 0.5));
    for (let i = 1; i < ramp.length; i++) expect(ramp[i]!).toBeGreaterThan(ramp[i - 1]!);
    // Corners are rounded: the diagonal of the band is further out than either side alone.
    expect(cropMask(0.03, 0.03)).toBeLessThan(cropMask(0.03, 0.5));
  });
});

describe('pasteBack', () => {
  it('replaces the crop inside the mask and keeps everything outside', () => {
    const source: RgbaImage = { width: 100, height: 80, data: new Uint8Array(100 * 80 * 4).fill(10) };
    // The crop covers x 20..60, y 10..50.
    const toImage: Affine = [40, 0, 20, 0, 40, 10];
    const size = 8;
    const generated = new Float32Array(3 * size * size).fill(1);
    const { frame, mask } = pasteBack(source, generated, size, invertAffine(toImage), toImage);
    const at = (x: number, y: number) => frame.data[(y * 100 + x) * 4]!;
    expect(at(40, 30)).toBe(255);
    expect(mask.data[30 * 100 + 40]).toBe(255);
    expect(at(5, 5)).toBe(10);
    expect(at(70, 30)).toBe(10);
    expect(mask.data[5 * 100 + 5]).toBe(0);
    // The seam fades: the crop's edge row is near the source, a few pixels in is near the pasted colour.
    expect(at(20, 30)).toBeLessThan(40);
    expect(at(40, 10)).toBeLessThan(40);
    expect(frame.data[(30 * 100 + 40) * 4 + 3]).toBe(10);
    expect(source.data[(30 * 100 + 40) * 4]).toBe(10);
  });
});

describe('pasteBack with a face mask', () => {
  it('pastes the whole crop but returns the face mask under the border band', () => {
    const source: RgbaImage = { width: 100, height: 80, data: new Uint8Array(100 * 80 * 4).fill(10) };
    const toImage: Affine = [40, 0, 20, 0, 40, 10];
    const size = 8;
    const generated = new Float32Array(3 * size * size).fill(1);
    // The face is the left half of the crop.
    const face = new Float32Array(size * size).map((_, i) => (i % size < 4 ? 1 : 0));
    const { frame, mask } = pasteBack(source, generated, size, invertAffine(toImage), toImage, { mask: face });
    expect(frame.data[(30 * 100 + 50) * 4]).toBe(255);
    expect(mask.data[30 * 100 + 28]).toBe(255);
    expect(mask.data[30 * 100 + 52]).toBe(0);
  });
});
