import { describe, expect, it } from 'vitest';
import { type Affine, applyAffine } from '../geometry/affine.ts';
import type { RgbaImage } from '../image.ts';
import { handMadeFace, movedFace } from '../../test/support/hand-made-face.ts';
import { alignFace, alignmentName, faceMaskInCrop, warpToCrop } from './face-align.ts';
import { meanFaceLandmarks, meanFaceOval, meanFacePoints } from './mean-face.ts';

/** The mean face's template points in place, the oval on an ellipse around them: moved, turned or scaled copies follow. */
const face0 = () => handMadeFace(60, 75);

function similarity(scale: number, degrees: number, tx: number, ty: number): Affine {
  const a = (degrees * Math.PI) / 180;
  return [scale * Math.cos(a), -scale * Math.sin(a), tx, scale * Math.sin(a), scale * Math.cos(a), ty];
}

describe('the mean face', () => {
  it('is named, has 30 to 50 landmarks inside the crop, and its oval fills about three quarters of the crop', () => {
    expect(alignmentName).toBe('vivify-mean-face-v1');
    expect(meanFaceLandmarks.length).toBeGreaterThanOrEqual(30);
    expect(meanFaceLandmarks.length).toBeLessThanOrEqual(50);
    expect(meanFacePoints.length).toBe(meanFaceLandmarks.length * 2);
    for (const value of meanFacePoints) {
      expect(value).toBeGreaterThan(0.1);
      expect(value).toBeLessThan(0.9);
    }
    expect(meanFaceOval.bottom - meanFaceOval.top).toBeCloseTo(0.75, 2);
    expect(meanFaceOval.left).toBeGreaterThan(0.1);
    expect(meanFaceOval.right).toBeLessThan(0.9);
  });
});

describe('alignFace', () => {
  const face = face0();

  it('puts the template landmarks of a face on the template, scaled to the crop', () => {
    for (const size of [64, 256]) {
      const { toCrop, toImage } = alignFace(movedFace(face, similarity(1.7, 25, 40, -10)), size);
      meanFaceLandmarks.forEach((index, i) => {
        const [x, y] = applyAffine(toCrop, ...applyAffine(similarity(1.7, 25, 40, -10), face[index * 3]!, face[index * 3 + 1]!));
        // The face's points are float32: a few millionths of a pixel off.
        expect(x).toBeCloseTo(meanFacePoints[i * 2]! * size, 4);
        expect(y).toBeCloseTo(meanFacePoints[i * 2 + 1]! * size, 4);
      });
      const [u, v] = applyAffine(toImage, ...applyAffine(toCrop, 123, 45));
      expect(u).toBeCloseTo(123, 8);
      expect(v).toBeCloseTo(45, 8);
    }
  });

  it('lands a moved, turned or scaled face on the same crop positions, every landmark', () => {
    const reference = alignFace(face, 128);
    for (const m of [similarity(1, 0, 300, 120), similarity(1, -40, 0, 0), similarity(0.35, 0, 0, 0), similarity(2.2, 170, -50, 900)]) {
      const other = movedFace(face, m);
      const { toCrop } = alignFace(other, 128);
      for (let i = 0; i < 478; i++) {
        const [x0, y0] = applyAffine(reference.toCrop, face[i * 3]!, face[i * 3 + 1]!);
        const [x1, y1] = applyAffine(toCrop, other[i * 3]!, other[i * 3 + 1]!);
        expect(x1).toBeCloseTo(x0, 4);
        expect(y1).toBeCloseTo(y0, 4);
      }
    }
  });

  it('is a least-squares fit: one stray landmark moves the crop only a little', () => {
    const stray = Float32Array.from(face);
    stray[152 * 3 + 1]! += 20;
    const { toCrop } = alignFace(stray, 100);
    const [x, y] = applyAffine(toCrop, stray[1 * 3]!, stray[1 * 3 + 1]!);
    expect(Math.hypot(x - meanFacePoints[meanFaceLandmarks.indexOf(1) * 2]! * 100, y - meanFacePoints[meanFaceLandmarks.indexOf(1) * 2 + 1]! * 100)).toBeLessThan(2);
  });

  it('refuses a point set without the 478 landmarks', () => {
    expect(() => alignFace(new Float32Array(68 * 3), 64)).toThrow(/478 landmarks/);
  });
});

describe('warpToCrop', () => {
  /** R and G hold x and y (a smooth ramp), so every crop pixel shows where in the picture it sampled. */
  const ramp: RgbaImage = { width: 256, height: 256, data: new Uint8Array(256 * 256 * 4) };
  for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) ramp.data.set([x, y, 0, 255], (y * 256 + x) * 4);

  it('samples each crop pixel at its centre mapped into the picture (pixel centres at +0.5)', () => {
    const toImage: Affine = [0.5, 0, 30, 0, 0.5, 60];
    const crop = warpToCrop(ramp, toImage, 32);
    expect(crop.width).toBe(32);
    for (const [x, y] of [[0, 0], [7, 19], [31, 31]] as const) {
      const [ix, iy] = applyAffine(toImage, x + 0.5, y + 0.5);
      expect(crop.data[(y * 32 + x) * 4]).toBe(Math.round(ix - 0.5));
      expect(crop.data[(y * 32 + x) * 4 + 1]).toBe(Math.round(iy - 0.5));
      expect(crop.data[(y * 32 + x) * 4 + 3]).toBe(255);
    }
  });

  it('averages several samples where a crop pixel spans several picture pixels, centred on the same point', () => {
    // A crop pixel spans 3 picture pixels and the crop is turned: the average of a ramp is the ramp at the centre.
    const toImage: Affine = [3 * Math.cos(0.3), -3 * Math.sin(0.3), 100, 3 * Math.sin(0.3), 3 * Math.cos(0.3), 20];
    const crop = warpToCrop(ramp, toImage, 40);
    for (const [x, y] of [[5, 5], [20, 30], [33, 10]] as const) {
      const [ix, iy] = applyAffine(toImage, x + 0.5, y + 0.5);
      expect(Math.abs(crop.data[(y * 40 + x) * 4]! - (ix - 0.5))).toBeLessThanOrEqual(0.51);
      expect(Math.abs(crop.data[(y * 40 + x) * 4 + 1]! - (iy - 0.5))).toBeLessThanOrEqual(0.51);
    }
  });

  it('smooths out detail finer than a crop pixel instead of aliasing it', () => {
    const stripes: RgbaImage = { width: 256, height: 256, data: new Uint8Array(256 * 256 * 4) };
    for (let i = 0; i < 256 * 256; i++) stripes.data.set([i % 2 ? 255 : 0, 0, 0, 255], i * 4);
    const crop = warpToCrop(stripes, [4, 0, 0, 0, 4, 0], 64);
    for (let i = 0; i < 64 * 64; i++) expect(Math.abs(crop.data[i * 4]! - 127.5)).toBeLessThan(1);
  });
});

describe('faceMaskInCrop', () => {
  const face = face0();

  it('fills the face oval in crop coordinates, wherever the face is in the picture', () => {
    const m = similarity(0.8, 30, 500, 200);
    const other = movedFace(face, m);
    const { toCrop } = alignFace(other, 100);
    const mask = faceMaskInCrop(other, toCrop, 100);
    const reference = faceMaskInCrop(face, alignFace(face, 100).toCrop, 100);
    expect(mask.width).toBe(100);
    const differing = mask.data.filter((v, i) => Math.abs(v - reference.data[i]!) > 2).length;
    expect(differing).toBe(0);
    // The centre of the oval is inside, the crop's corners outside.
    const [cx, cy] = applyAffine(toCrop, other[1 * 3]!, other[1 * 3 + 1]!);
    expect(mask.data[Math.floor(cy) * 100 + Math.floor(cx)]).toBe(255);
    for (const corner of [0, 99, 9900, 9999]) expect(mask.data[corner]).toBe(0);
  });

  it('softens the edge where asked, leaving the inside and far outside as they were', () => {
    const { toCrop } = alignFace(face, 100);
    const hard = faceMaskInCrop(face, toCrop, 100);
    const soft = faceMaskInCrop(face, toCrop, 100, 2);
    const partial = (mask: { data: Uint8Array }) => mask.data.filter((v) => v > 0 && v < 255).length;
    expect(partial(soft)).toBeGreaterThan(partial(hard) * 2);
    expect(soft.data[50 * 100 + 50]).toBe(255);
    expect(soft.data[0]).toBe(0);
  });
});
