import { describe, expect, it } from 'vitest';
import { applyRotation, applySimilarity3d, fitSimilarity3d, relativeRotationInImage } from '../geometry/similarity-3d.ts';
import { rigidLandmarks } from '../face-topology.ts';
import { turnAboutUpright } from '../geometry/rotation.ts';
import { depthRelief, transferBasis, transferMotion, turnBackLimit } from './expression-transfer.ts';

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
const turnY = (degrees: number) => turnAboutUpright((degrees * Math.PI) / 180);

describe('transferMotion', () => {
  it('leaves the source where it is when the driver is at its reference', () => {
    const source = moved(face, turnZ(10), [30, 5, 0]);
    const result = transferMotion(transferBasis(source, face), face, gains).face;
    result.forEach((value, i) => expect(value).toBeCloseTo(source[i]!, 2));
  });

  it('leaves a turned painting where it is when the driver is at its reference (its depth in relief along its own axis)', () => {
    const source = moved(face, turnY(35), [40, 0, 0]);
    const picture = { width: 800, height: 600 };
    for (const headPose of [0, 1]) {
      const result = transferMotion(transferBasis(source, face, undefined, picture), face, { ...gains, headPose }).face;
      result.forEach((value, i) => expect(value).toBeCloseTo(source[i]!, 2));
    }
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

  it('turns the head on its depth in relief: a turn moves the nose across the face as a deeper face would', () => {
    const identity = Float32Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
    const a = (10 * Math.PI) / 180;
    // A turn about the vertical axis (the same one in MediaPipe's camera space and the picture's).
    const pose = Float32Array.of(Math.cos(a), 0, -Math.sin(a), 0, 0, 1, 0, 0, Math.sin(a), 0, Math.cos(a), 0, 0, 0, 0, 1);
    const result = transferMotion(transferBasis(face, face, identity), face, { ...gains, expression: 0 }, pose).face;
    const turn = relativeRotationInImage(identity, pose);
    // Nose tip (1) against chin (152): their offset turns with its depth stretched.
    const offset = (points: Float32Array, k: number) => [0, 1, 2].map((c) => (points[3 + c]! - points[152 * 3 + c]!) * (c === 2 ? k : 1));
    const expected = applyRotation(turn, offset(face, depthRelief));
    expect(offset(result, 1)[0]).toBeCloseTo(expected[0], 3);
    expect(Math.abs(expected[0] - applyRotation(turn, offset(face, 1))[0])).toBeGreaterThan(0.5);
  });

  it('turns a head that slides across the picture the way a camera would see it from its new place', () => {
    const centre = (points: Float32Array, c: number) => rigidLandmarks.reduce((sum, i) => sum + points[i * 3 + c]!, 0) / rigidLandmarks.length;
    // The face at the picture's centre, on the lens's axis: sliding sideways turns it about the vertical alone.
    const picture = { width: 2 * centre(face, 0), height: 2 * centre(face, 1) };
    const focal = centre(face, 1) / Math.tan((31.5 * Math.PI) / 180);
    const at = (slide: number) => transferMotion(transferBasis(face, face, undefined, picture), moved(face, turnZ(0), [slide, 0, 0]), gains).face;
    at(0).forEach((value, i) => expect(value).toBeCloseTo(face[i]!, 3));
    // Slid right, the head turns towards the slide by the angle between the two lines of sight from the lens: near
    // points (small z) move right more than far ones.
    const result = at(2);
    const sight = (x: number) => Math.atan2(x - picture.width / 2, focal);
    const turn = sight(centre(result, 0)) - sight(centre(face, 0));
    const [near, far] = [0, 1].map((pick) => {
      let best = 0;
      for (let i = 0; i < 478; i++) if ((face[i * 3 + 2]! < face[best * 3 + 2]!) === (pick === 0)) best = i;
      return best;
    }) as [number, number];
    const moved2 = (i: number) => result[i * 3]! - face[i * 3]!;
    const measured = Math.asin((moved2(near) - moved2(far)) / (depthRelief * (face[far * 3 + 2]! - face[near * 3 + 2]!)));
    expect(turn).toBeGreaterThan(0.001);
    expect(measured).toBeCloseTo(turn, 4);
  });

  it('eases off a turn back towards the side a turned painting hides, and leaves the turn away and a frontal face alone', () => {
    // The turn about the upright the result has against the source, as the landmarks fit it.
    const turnOf = (source: Float32Array, driver: Float32Array) => {
      const r = fitSimilarity3d(source, transferMotion(transferBasis(source, face), driver, gains).face, rigidLandmarks).rotation;
      return (Math.atan2(r[2]!, r[8]!) * 180) / Math.PI;
    };
    const radians = (degrees: number) => (degrees * Math.PI) / 180;
    expect(turnBackLimit(0)).toBe(Infinity);
    expect((turnBackLimit(radians(30)) * 180) / Math.PI).toBeCloseTo(8.3, 1);
    expect(turnBackLimit(radians(16))).toBeGreaterThan(turnBackLimit(radians(30)));

    const turned = moved(face, turnY(30), [0, 0, 0]);
    const away = turnOf(turned, moved(face, turnY(18), [0, 0, 0]));
    const back = turnOf(turned, moved(face, turnY(-18), [0, 0, 0]));
    expect(away).toBeGreaterThan(15);
    expect(-back).toBeLessThan(0.6 * away);
    expect(-back).toBeGreaterThan(0.3 * away);
    // A face painted from the front turns as far either way.
    expect(turnOf(face, moved(face, turnY(-18), [0, 0, 0]))).toBeCloseTo(-turnOf(face, moved(face, turnY(18), [0, 0, 0])), 1);
  });
});
