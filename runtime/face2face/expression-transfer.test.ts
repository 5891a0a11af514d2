import { describe, expect, it } from 'vitest';
import { applySimilarity3d } from '../geometry/similarity-3d.ts';
import { transferBasis, transferMotion } from './expression-transfer.ts';

// A stand-in face: 478 points spread in 3-D, so every fit is well posed.
const face = Float32Array.from({ length: 478 * 3 }, (_, i) => 200 + 80 * Math.sin(i * 0.37) + 30 * Math.cos(i * 1.3));
const gains = { expression: 1, headPose: 1, mouth: 1, eyes: 1, brows: 1 };

function moved(points: Float32Array, turn: Float64Array, shift: [number, number, number]): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length / 3; i++) out.set(applySimilarity3d({ rotation: turn, scale: 1, translation: shift }, points[i * 3]!, points[i * 3 + 1]!, points[i * 3 + 2]!), i * 3);
  return out;
}

const turnZ = (degrees: number) => {
  const a = (degrees * Math.PI) / 180;
  return Float64Array.of(Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1);
};

describe('transferMotion', () => {
  it('leaves the source where it is when the driver is at its reference', () => {
    const source = moved(face, turnZ(10), [30, 5, 0]);
    const result = transferMotion(transferBasis(source, face), face, gains).face;
    result.forEach((value, i) => expect(value).toBeCloseTo(source[i]!, 2));
  });

  it('moves the mouth by the driver mouth offset, scaled to the source, and nothing else with head pose off', () => {
    const source = Float32Array.from(face, (v) => v * 2);
    const driver = Float32Array.from(face);
    driver[14 * 3 + 1] = driver[14 * 3 + 1]! + 10; // lower inner lip drops 10 px
    const result = transferMotion(transferBasis(source, face), driver, { ...gains, headPose: 0 }).face;
    expect(result[14 * 3 + 1]! - source[14 * 3 + 1]!).toBeCloseTo(20, 1);
    expect(result[1 * 3 + 1]!).toBeCloseTo(source[1 * 3 + 1]!, 1);
    const muted = transferMotion(transferBasis(source, face), driver, { ...gains, headPose: 0, mouth: 0 }).face;
    expect(muted[14 * 3 + 1]!).toBeCloseTo(source[14 * 3 + 1]!, 1);
  });

  it('turns the source head as the driver turns, and not at all with head pose 0', () => {
    const driver = moved(face, turnZ(15), [0, 0, 0]);
    const transferred = transferMotion(transferBasis(face, face), driver, gains);
    const result = transferred.face;
    // With source = reference, the result is the driver itself (about the same centre).
    const angle = (points: Float32Array) => Math.atan2(points[152 * 3 + 1]! - points[10 * 3 + 1]!, points[152 * 3]! - points[10 * 3]!);
    expect(((angle(result) - angle(face)) * 180) / Math.PI).toBeCloseTo(15, 0);
    // The head-only landmarks turn the same way (the driver has no expression of its own here).
    expect(((angle(transferred.head) - angle(face)) * 180) / Math.PI).toBeCloseTo(15, 0);
    const still = transferMotion(transferBasis(face, face), driver, { ...gains, headPose: 0 }).face;
    expect(angle(still)).toBeCloseTo(angle(face), 3);
  });

  it('turns the head by the pose matrix and leaves none of the landmarks\' larger turn in the expression', () => {
    // The landmarks turn 15 degrees, the pose matrices say 10: the face turns 10 degrees and keeps its shape.
    const driver = moved(face, turnZ(15), [0, 0, 0]);
    const identity = Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    // MediaPipe's camera space has y up and z towards the viewer: a turn about z in the image is the opposite one there.
    const a = (-10 * Math.PI) / 180;
    const pose = Float32Array.of(Math.cos(a), Math.sin(a), 0, 0, -Math.sin(a), Math.cos(a), 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    const result = transferMotion(transferBasis(face, face, identity), driver, gains, pose).face;
    const angle = (points: Float32Array) => Math.atan2(points[152 * 3 + 1]! - points[10 * 3 + 1]!, points[152 * 3]! - points[10 * 3]!);
    expect(((angle(result) - angle(face)) * 180) / Math.PI).toBeCloseTo(10, 1);
    const span = (points: Float32Array, i: number, j: number) => Math.hypot(points[i * 3]! - points[j * 3]!, points[i * 3 + 1]! - points[j * 3 + 1]!);
    for (const [i, j] of [[13, 14], [33, 263], [1, 152]] as const) expect(span(result, i, j)).toBeCloseTo(span(face, i, j), 1);
  });

  it('lets the head slide with the driver a little, and eases off a slide across the frame', () => {
    const height = Math.hypot(face[10 * 3]! - face[152 * 3]!, face[10 * 3 + 1]! - face[152 * 3 + 1]!, face[10 * 3 + 2]! - face[152 * 3 + 2]!);
    const slide = (by: number) => {
      const result = transferMotion(transferBasis(face, face), moved(face, turnZ(0), [by * height, 0, 0]), gains).face;
      return (result[1 * 3]! - face[1 * 3]!) / height;
    };
    expect(slide(0.02)).toBeCloseTo(0.02, 3);
    expect(slide(1)).toBeLessThanOrEqual(0.2);
    expect(slide(1)).toBeGreaterThan(slide(0.3));
  });
});
