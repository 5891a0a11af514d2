import { describe, expect, it } from 'vitest';
import { rotationBetween, scaleRotation } from './rotation.ts';
import { applyRotation, applySimilarity3d, fitSimilarity3d, invertSimilarity3d } from './similarity-3d.ts';

function rotationAbout(axis: [number, number, number], degrees: number): Float64Array {
  const length = Math.hypot(...axis);
  const [x, y, z] = axis.map((v) => v / length) as [number, number, number];
  const a = (degrees * Math.PI) / 180;
  const [c, s, t] = [Math.cos(a), Math.sin(a), 1 - Math.cos(a)];
  return Float64Array.of(t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c);
}

describe('fitSimilarity3d', () => {
  const points = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * 50 + (i % 3) * 7);
  const indices = Array.from({ length: 20 }, (_, i) => i);
  const known = { rotation: rotationAbout([0.3, 1, 0.2], 25), scale: 1.7, translation: [10, -4, 3] as [number, number, number] };
  const moved = Float64Array.from(points);
  for (let i = 0; i < 20; i++) moved.set(applySimilarity3d(known, points[i * 3]!, points[i * 3 + 1]!, points[i * 3 + 2]!), i * 3);

  it('recovers a known rotation, scale and translation', () => {
    const fit = fitSimilarity3d(points, moved, indices);
    expect(fit.scale).toBeCloseTo(1.7, 6);
    fit.rotation.forEach((value, i) => expect(value).toBeCloseTo(known.rotation[i]!, 6));
    fit.translation.forEach((value, i) => expect(value).toBeCloseTo(known.translation[i]!, 4));
  });

  it('inverts to the identity', () => {
    const back = invertSimilarity3d(known);
    const [x, y, z] = applySimilarity3d(known, 3, -2, 5);
    const [a, b, c] = applySimilarity3d(back, x, y, z);
    expect([a, b, c].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([3, -2, 5]);
  });

  it('scales a rotation by its angle', () => {
    const half = scaleRotation(rotationAbout([0, 1, 0], 40), 0.5);
    rotationAbout([0, 1, 0], 20).forEach((value, i) => expect(half[i]).toBeCloseTo(value, 6));
    const none = scaleRotation(rotationAbout([1, 0, 0], 30), 0);
    Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1).forEach((value, i) => expect(none[i]).toBeCloseTo(value, 9));
  });
});

describe('rotationBetween', () => {
  it('turns one direction onto another by the smallest turn, and is the identity between equal ones', () => {
    const turn = rotationBetween([1, 2, 10], [-3, 1, 9]);
    const turned = applyRotation(turn, [1, 2, 10]);
    const target = [-3, 1, 9].map((v) => (v * Math.hypot(1, 2, 10)) / Math.hypot(-3, 1, 9));
    turned.forEach((value, i) => expect(value).toBeCloseTo(target[i]!, 9));
    // The axis is perpendicular to both: a direction along it stays put.
    const axis = [2 * 9 - 10 * 1, 10 * -3 - 1 * 9, 1 * 1 - 2 * -3];
    applyRotation(turn, axis).forEach((value, i) => expect(value).toBeCloseTo(axis[i]!, 9));
    expect(Array.from(rotationBetween([0, 0, 5], [0, 0, 1]))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});
