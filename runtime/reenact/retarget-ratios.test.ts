import { describe, expect, it } from 'vitest';
import { eyeRatios, lipRatio } from './retarget-ratios.ts';

/** A 478-point face with only the ratio landmarks placed (x, y, z in pixels); z must not count. */
function syntheticFace(placed: Record<number, [number, number]>): Float32Array {
  const points = new Float32Array(478 * 3);
  for (const [index, [x, y]] of Object.entries(placed)) points.set([x, y, 40 * Number(index)], Number(index) * 3);
  return points;
}

describe('retarget ratios', () => {
  const face = syntheticFace({
    // The person's right eye, image left: corners 33/133 40 px apart, lids 159/145 8 px apart.
    33: [100, 200],
    133: [140, 200],
    159: [120, 195],
    145: [120, 203],
    // The person's left eye, image right: corners 362/263 40 px apart, lids 386/374 6 px apart.
    362: [180, 200],
    263: [220, 200],
    386: [200, 194],
    374: [200, 200],
    // Mouth: corners 61/291 60 px apart, inner lips 13/14 12 px apart.
    61: [130, 300],
    291: [190, 300],
    13: [160, 290],
    14: [160, 302],
  });

  it('measures each eye as lid gap over width, [person left, person right]', () => {
    const [left, right] = eyeRatios(face);
    expect(left).toBeCloseTo(6 / 40, 6); // 0.15
    expect(right).toBeCloseTo(8 / 40, 6); // 0.2
  });

  it('measures the lips as inner gap over mouth width', () => {
    expect(lipRatio(face)).toBeCloseTo(12 / 60, 6); // 0.2
  });

  it('measures in the picture plane whatever the head roll', () => {
    // A tilted eye: corners (0,0)-(30,40) are 50 px apart; lids (12,21)-(18,13) are 10 px apart (6, −8).
    const tilted = syntheticFace({ 33: [0, 0], 133: [30, 40], 159: [12, 21], 145: [18, 13], 61: [0, 0], 291: [0, 0] });
    expect(eyeRatios(tilted)[1]).toBeCloseTo(10 / 50, 6);
    // An eye of no width reads 0 rather than Infinity; so does a mouth.
    expect(eyeRatios(tilted)[0]).toBe(0);
    expect(lipRatio(tilted)).toBe(0);
  });
});
