import { describe, expect, it } from 'vitest';
import { type Affine, applyAffine, composeAffine, invertAffine, similarityTransform } from './affine.ts';

/** A similarity with the given scale, angle (degrees) and translation. */
function similarity(scale: number, degrees: number, tx: number, ty: number): Affine {
  const a = (degrees * Math.PI) / 180;
  const c = scale * Math.cos(a);
  const s = scale * Math.sin(a);
  return [c, -s, tx, s, c, ty];
}

function mapAll(m: Affine, points: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i += 2) out.push(...applyAffine(m, points[i]!, points[i + 1]!));
  return out;
}

const shape = [10, 20, 60, 25, 35, 70, 15, 55, 50, 50, 40, 10];

describe('applyAffine and invertAffine', () => {
  it('undo each other', () => {
    const m: Affine = [1.5, 0.3, -7, -0.2, 0.9, 12];
    const [x, y] = applyAffine(m, 13, -4);
    const [u, v] = applyAffine(invertAffine(m), x, y);
    expect(u).toBeCloseTo(13, 10);
    expect(v).toBeCloseTo(-4, 10);
  });
});

describe('similarityTransform', () => {
  it('recovers a known scale, rotation and translation exactly', () => {
    const known = similarity(2.5, 37, 100, -40);
    const fit = similarityTransform(shape, mapAll(known, shape), shape.length / 2);
    for (let i = 0; i < 6; i++) expect(fit[i]).toBeCloseTo(known[i]!, 10);
  });

  it('handles half-turns (the angle is not limited to ±90°)', () => {
    const known = similarity(0.5, 170, -3, 8);
    const fit = similarityTransform(shape, mapAll(known, shape), shape.length / 2);
    for (let i = 0; i < 6; i++) expect(fit[i]).toBeCloseTo(known[i]!, 10);
  });

  it('never mirrors: a mirrored target gives a proper rotation (positive determinant)', () => {
    const mirrored = shape.map((v, i) => (i % 2 === 0 ? -v : v));
    const fit = similarityTransform(shape, mirrored, shape.length / 2);
    expect(fit[0] * fit[4] - fit[1] * fit[3]).toBeGreaterThan(0);
    expect(fit[0]).toBeCloseTo(fit[4], 12);
    expect(fit[1]).toBeCloseTo(-fit[3], 12);
  });

  it('is the least-squares fit under noise: the residual is smaller than for the true transform', () => {
    const known = similarity(1.2, -15, 5, 6);
    const noisy = mapAll(known, shape).map((v, i) => v + Math.sin(i * 12.9898) * 0.8);
    const count = shape.length / 2;
    const fit = similarityTransform(shape, noisy, count);
    const residual = (m: Affine) => mapAll(m, shape).reduce((sum, v, i) => sum + (v - noisy[i]!) ** 2, 0);
    expect(residual(fit)).toBeLessThanOrEqual(residual(known));
    // Nudging the fit's scale, angle or translation either way only makes it worse.
    const scale = Math.hypot(fit[0], fit[3]);
    const degrees = (Math.atan2(fit[3], fit[0]) * 180) / Math.PI;
    for (const step of [1e-3, -1e-3]) {
      for (const nudged of [
        similarity(scale + step, degrees, fit[2], fit[5]),
        similarity(scale, degrees + step, fit[2], fit[5]),
        similarity(scale, degrees, fit[2] + step, fit[5]),
        similarity(scale, degrees, fit[2], fit[5] + step),
      ]) {
        expect(residual(nudged)).toBeGreaterThan(residual(fit));
      }
    }
  });

  it('uses only the first `count` pairs', () => {
    const known = similarity(3, 10, 1, 2);
    const target = [...mapAll(known, shape.slice(0, 6)), 999, 999];
    const fit = similarityTransform([...shape.slice(0, 6), 0, 0], target, 3);
    for (let i = 0; i < 6; i++) expect(fit[i]).toBeCloseTo(known[i]!, 10);
  });

  it('gives a pure translation where the source points coincide, and refuses too few points', () => {
    expect(similarityTransform([2, 3, 2, 3], [5, 5, 7, 9], 2)).toEqual([1, -0, 4, 0, 1, 4]);
    expect(() => similarityTransform([1, 2], [3, 4], 2)).toThrow(/2 x, y pairs/);
  });
});

describe('composeAffine', () => {
  it('applies the inner map first, then the outer', () => {
    const scale: Affine = [2, 0, 0, 0, 2, 0];
    const shift: Affine = [1, 0, 5, 0, 1, -3];
    const [x, y] = applyAffine(composeAffine(shift, scale), 1, 1);
    expect([x, y]).toEqual([7, -1]);
    const [u, v] = applyAffine(composeAffine(scale, shift), 1, 1);
    expect([u, v]).toEqual([12, -4]);
  });
});
