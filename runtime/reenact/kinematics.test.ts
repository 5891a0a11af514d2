import { describe, expect, it } from 'vitest';
import {
  absoluteExpressionIndices,
  absoluteKeypoints,
  applyMultiplier,
  applyStitching,
  expressionFriendly,
  eyeRetargetingInput,
  headAngle,
  hullVolume,
  lipRetargetingInput,
  type MotionInfo,
  motionInfo,
  motionMultiplier,
  relativeKeypoints,
  relativePose,
  rotationMatrix,
  stitchingInput,
  transformKeypoints,
} from './kinematics.ts';
import { scaleRotation } from '../geometry/rotation.ts';

/** 3x3 row-major product, written out here rather than taken from the module under test. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out.push(a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!);
  }
  return out;
}
const transposed = (a: ArrayLike<number>) => [a[0]!, a[3]!, a[6]!, a[1]!, a[4]!, a[7]!, a[2]!, a[5]!, a[8]!];

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits = 6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]!, `index ${i}`).toBeCloseTo(expected[i]!, digits);
}

/** The angle of a 3x3 rotation in degrees, from its trace. */
const angleOf = (r: ArrayLike<number>) => (Math.acos(Math.max(-1, Math.min(1, (r[0]! + r[4]! + r[8]! - 1) / 2))) * 180) / Math.PI;

/** Deterministic numbers in [-1, 1). */
function pseudoRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  };
}

function motion(pitch: number, yaw: number, roll: number, seed: number, overrides: Partial<MotionInfo> = {}): MotionInfo {
  const random = pseudoRandom(seed);
  return {
    pitch,
    yaw,
    roll,
    rotation: rotationMatrix(pitch, yaw, roll),
    translation: Float32Array.of(random() * 0.1, random() * 0.1, random() * 0.1),
    expression: Float32Array.from({ length: 63 }, () => random() * 0.02),
    scale: 1.5 + random() * 0.3,
    keypoints: Float32Array.from({ length: 63 }, () => random() * 0.5),
    ...overrides,
  };
}

describe('headAngle', () => {
  it('reads a one-hot bin as bin × 3 − 97.5, even with logits far past exp overflow', () => {
    const logits = new Float32Array(66);
    logits[40] = 1000; // exp(1000) is Infinity without the max subtraction
    expect(headAngle(logits)).toBe(22.5); // 40 × 3 − 97.5
    logits.fill(-1000);
    logits[0] = 0;
    expect(headAngle(logits)).toBe(-97.5);
  });

  it('takes the expectation over two bins', () => {
    const equal = new Float32Array(66).fill(-Infinity);
    equal[10] = 500;
    equal[11] = 500;
    expect(headAngle(equal)).toBeCloseTo(-66, 10); // 10.5 × 3 − 97.5
    const mix = new Float64Array(66).fill(-Infinity);
    mix[32] = Math.log(3);
    mix[33] = 0;
    // p = 3/4, 1/4: expected bin 32.25; 96.75 − 97.5
    expect(headAngle(mix)).toBeCloseTo(-0.75, 10);
  });

  it('rejects logits of the wrong length', () => {
    expect(() => headAngle(new Float32Array(65))).toThrow(/65 values/);
  });
});

describe('rotationMatrix', () => {
  it('is the transposed Rx for a pure pitch of 90°: y goes to z', () => {
    // Rx(90) = [[1,0,0],[0,0,-1],[0,1,0]]
    const r = rotationMatrix(90, 0, 0);
    expectClose(r, [1, 0, 0, 0, 0, 1, 0, -1, 0], 12);
    expectClose(r.subarray(3, 6), [0, 0, 1], 12); // (0,1,0) · R
  });

  it('is the transposed Ry for a pure yaw of 90°: x goes to −z', () => {
    // Ry(90) = [[0,0,1],[0,1,0],[-1,0,0]]
    expectClose(rotationMatrix(0, 90, 0), [0, 0, -1, 0, 1, 0, 1, 0, 0], 12);
  });

  it('is the transposed Rz for a pure roll of 90°: x goes to y', () => {
    // Rz(90) = [[0,-1,0],[1,0,0],[0,0,1]]
    expectClose(rotationMatrix(0, 0, 90), [0, 1, 0, -1, 0, 0, 0, 0, 1], 12);
  });

  it('composes as (Rz · Ry · Rx)^T', () => {
    // By hand: Ry(90) · Rx(90) = [[0,1,0],[0,0,-1],[-1,0,0]], transposed:
    expectClose(rotationMatrix(90, 90, 0), [0, 0, -1, 1, 0, 0, 0, -1, 0], 12);
    // (Rx · Ry)^T would be [[0,1,0],[0,0,1],[1,0,0]]: the order matters.

    const [pitch, yaw, roll] = [30, 45, 60].map((d) => (d * Math.PI) / 180) as [number, number, number];
    const rx = [1, 0, 0, 0, Math.cos(pitch), -Math.sin(pitch), 0, Math.sin(pitch), Math.cos(pitch)];
    const ry = [Math.cos(yaw), 0, Math.sin(yaw), 0, 1, 0, -Math.sin(yaw), 0, Math.cos(yaw)];
    const rz = [Math.cos(roll), -Math.sin(roll), 0, Math.sin(roll), Math.cos(roll), 0, 0, 0, 1];
    const r = rotationMatrix(30, 45, 60);
    expectClose(r, transposed(matmul(matmul(rz, ry), rx)), 12);
    const otherOrder = transposed(matmul(matmul(rx, ry), rz));
    expect(Math.max(...otherOrder.map((v, i) => Math.abs(v - r[i]!)))).toBeGreaterThan(0.1);
    // A rotation: R · R^T = I.
    expectClose(matmul(r, transposed(r)), [1, 0, 0, 0, 1, 0, 0, 0, 1], 12);
  });
});

describe('motionInfo', () => {
  it('decodes the motion extractor outputs', () => {
    const oneHot = (bin: number) => {
      const logits = new Float32Array(66).fill(-50);
      logits[bin] = 50;
      return { data: logits };
    };
    const exp = Float32Array.from({ length: 63 }, (_, i) => i / 100);
    const kp = Float32Array.from({ length: 63 }, (_, i) => -i / 50);
    const info = motionInfo({
      pitch: oneHot(35), // 7.5°
      yaw: oneHot(30), // −7.5°
      roll: oneHot(33), // 1.5°
      t: { data: Float32Array.of(0.1, -0.2, 0.3) },
      exp: { data: exp },
      scale: { data: Float32Array.of(1.25) },
      kp: { data: kp },
    });
    expect(info.pitch).toBeCloseTo(7.5, 10);
    expect(info.yaw).toBeCloseTo(-7.5, 10);
    expect(info.roll).toBeCloseTo(1.5, 10);
    expectClose(info.rotation, rotationMatrix(7.5, -7.5, 1.5), 10);
    expect(Array.from(info.translation)).toEqual(Array.from(Float32Array.of(0.1, -0.2, 0.3)));
    expect(info.expression).toEqual(exp);
    expect(info.expression).not.toBe(exp);
    expect(info.keypoints).toEqual(kp);
    expect(info.scale).toBe(1.25);
  });

  it('names a missing output', () => {
    expect(() => motionInfo({})).toThrow(/"pitch"/);
  });
});

describe('transformKeypoints', () => {
  it('computes scale · (kp · R + exp) + (tx, ty, 0) for two points by hand', () => {
    const kp = new Float32Array(63);
    kp.set([1, 2, 3, -1, 0, 2]);
    const exp = new Float32Array(63);
    exp.set([0.5, 0, -1, 0, 0.25, 0]);
    // Roll 90°: (x, y, z) · R = (−y, x, z)
    const roll90 = [0, 1, 0, -1, 0, 0, 0, 0, 1];
    const x = transformKeypoints(kp, roll90, exp, 2, [10, 20, 30]);
    // p0: (−2, 1, 3) + (0.5, 0, −1) = (−1.5, 1, 2); × 2 = (−3, 2, 4); + (10, 20) = (7, 22, 4)
    expect(Array.from(x.subarray(0, 3))).toEqual([7, 22, 4]);
    // p1: (0, −1, 2) + (0, 0.25, 0) = (0, −0.75, 2); × 2 = (0, −1.5, 4); + (10, 20) = (10, 18.5, 4)
    expect(Array.from(x.subarray(3, 6))).toEqual([10, 18.5, 4]);
    // Points at the origin with no expression land on the translation, z untouched.
    expect(Array.from(x.subarray(60, 63))).toEqual([10, 20, 0]);
  });
});

describe('relative and absolute motion', () => {
  const source = motion(5, -20, 3, 1);

  it('gives the source its own keypoints when the driver has not moved', () => {
    const driver = motion(4, 12, -2, 2);
    const x = relativeKeypoints(source, driver, driver, { expression: 1, pose: 1 });
    const own = transformKeypoints(source.keypoints, source.rotation, source.expression, source.scale, [
      source.translation[0]!,
      source.translation[1]!,
      0,
    ]);
    expectClose(x, own, 6);
  });

  it('turns the source by 10° when the driver yaws 10° from its first frame', () => {
    const still = { expression: new Float32Array(63), translation: new Float32Array(3), scale: 1 };
    const kp = new Float32Array(63);
    kp.set([1, 0, 0, 0, 1, 0, 0, 0, 1]); // the first three keypoints are the unit axes
    const src = { ...motion(5, -20, 3, 3), ...still, keypoints: kp };
    const first = { ...motion(0, 15, 0, 4), ...still };
    const now = { ...motion(0, 25, 0, 5), ...still };
    const own = transformKeypoints(kp, src.rotation, still.expression, 1, still.translation).subarray(0, 9);
    const driven = relativeKeypoints(src, now, first).subarray(0, 9);
    // Rows of `own` are R_s, rows of `driven` are the new rotation: the turn between them is R_s^T · driven.
    expect(angleOf(matmul(transposed(own), driven))).toBeCloseTo(10, 4);
    // In the canonical frame the turn is a yaw: each axis point's atan2(x, z) grows by 10°.
    const canonical = matmul(driven, transposed(src.rotation));
    expect((Math.atan2(canonical[6]!, canonical[8]!) * 180) / Math.PI).toBeCloseTo(10, 4); // (0,0,1) turned
    const halfway = relativeKeypoints(src, now, first, { expression: 1, pose: 0.5 }).subarray(0, 9);
    expect(angleOf(matmul(transposed(own), halfway))).toBeCloseTo(5, 4);
    const none = relativeKeypoints(src, now, first, { expression: 1, pose: 0 }).subarray(0, 9);
    expectClose(none, own, 6);
  });

  it('equals the plain formula exactly with gains of 1', () => {
    const first = motion(-3, 8, 2, 6);
    const now = motion(6, -4, 5, 7);
    const rotation = matmul(matmul(now.rotation, transposed(first.rotation)), source.rotation);
    const expression = source.expression.map((e, i) => e + (now.expression[i]! - first.expression[i]!));
    const scale = source.scale * (now.scale / first.scale);
    const translation = Float32Array.of(
      source.translation[0]! + (now.translation[0]! - first.translation[0]!),
      source.translation[1]! + (now.translation[1]! - first.translation[1]!),
      0,
    );
    const plain = transformKeypoints(source.keypoints, rotation, expression, scale, translation);
    expect(relativeKeypoints(source, now, first, { expression: 1, pose: 1 })).toEqual(plain);
    expect(relativeKeypoints(source, now, first)).toEqual(plain);
    const pose = relativePose(source, now, first);
    expect(Array.from(pose.rotation)).toEqual(rotation);
    expect(pose.scale).toBe(scale);
    expect(pose.translation).toEqual(translation);
  });

  it('keeps the source expression at expression gain 0', () => {
    const first = motion(0, 0, 0, 8);
    const now = motion(0, 0, 0, 9);
    const pose = relativePose(source, now, first, { expression: 0, pose: 1 });
    expect(pose.expression).toEqual(source.expression);
    const sameExpression = { ...now, expression: first.expression };
    expect(relativeKeypoints(source, now, first, { expression: 0, pose: 1 })).toEqual(
      relativeKeypoints(source, sameExpression, first),
    );
  });

  it('scales translation and the log of the scale ratio with the pose gain', () => {
    const first = { ...motion(0, 0, 0, 10), scale: 1, translation: Float32Array.of(0, 0, 0) };
    const now = { ...first, scale: 4, translation: Float32Array.of(0.2, -0.4, 1) };
    const pose = relativePose(source, now, first, { expression: 1, pose: 0.5 });
    expect(pose.scale).toBeCloseTo(source.scale * 2, 6); // sqrt(4)
    expectClose(pose.translation, [source.translation[0]! + 0.1, source.translation[1]! - 0.2, 0], 6);
  });

  it('takes the driver rotation, translation and chosen expression values at the source scale in absolute mode', () => {
    const now = motion(6, -4, 5, 11);
    // LivePortrait's pipeline keeps the source's expression for points 0, 7 and 10 and some coordinates of 3, 4, 5, 8
    // and 9 (found by the parity test against its code: the whole driver expression was taken before).
    const kept = [0, 1, 2, 9, 11, 12, 14, 15, 16, 21, 22, 23, 24, 25, 27, 30, 31, 32];
    const expression = Float32Array.from(now.expression);
    for (const i of kept) expression[i] = source.expression[i]!;
    expect(absoluteExpressionIndices).toHaveLength(63 - kept.length);
    const expected = transformKeypoints(source.keypoints, now.rotation, expression, source.scale, [
      now.translation[0]!,
      now.translation[1]!,
      0,
    ]);
    expect(absoluteKeypoints(source, now)).toEqual(expected);
    expect(absoluteKeypoints(source, now)).not.toEqual(transformKeypoints(source.keypoints, now.rotation, now.expression, source.scale, [now.translation[0]!, now.translation[1]!, 0]));
  });
});

describe('scaleRotation', () => {
  it('scales the angle about the same axis', () => {
    const yaw90 = rotationMatrix(0, 90, 0);
    expectClose(scaleRotation(yaw90, 0.5), rotationMatrix(0, 45, 0), 12);
    expectClose(scaleRotation(yaw90, 0), [1, 0, 0, 0, 1, 0, 0, 0, 1], 12);
    expect(scaleRotation(yaw90, 1)).toEqual(yaw90);
    // 180° about x: the trace is −1, where the plain axis formula breaks down.
    expectClose(scaleRotation(rotationMatrix(180, 0, 0), 0.5), rotationMatrix(90, 0, 0), 12);
    const r = rotationMatrix(20, -35, 50);
    expect(angleOf(scaleRotation(r, 0.25))).toBeCloseTo(angleOf(r) / 4, 8);
    expectClose(matmul(scaleRotation(r, 0.5), scaleRotation(r, 0.5)), r, 12);
  });
});

/** A cube of side `side` from the origin: its 8 corners, its centre, 6 face centres, 6 points inside. */
function cube(side: number): Float32Array {
  const points: number[] = [];
  for (const x of [0, 1]) for (const y of [0, 1]) for (const z of [0, 1]) points.push(x, y, z);
  points.push(0.5, 0.5, 0.5);
  points.push(0, 0.5, 0.5, 1, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 1, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 1);
  points.push(0.25, 0.5, 0.5, 0.75, 0.5, 0.5, 0.5, 0.25, 0.5, 0.5, 0.75, 0.5, 0.5, 0.5, 0.25, 0.5, 0.5, 0.75);
  return Float32Array.from(points, (v) => v * side);
}

describe('hullVolume and expressionFriendly', () => {
  it('measures the hull of a cube in any orientation, mirrored too', () => {
    expect(cube(1).length).toBe(63);
    expect(hullVolume(cube(1))).toBeCloseTo(1, 6);
    expect(hullVolume(cube(2))).toBeCloseTo(8, 5);
    const turned = transformKeypoints(cube(1), rotationMatrix(33, -71, 12), new Float32Array(63), 1, [5, -3, 0]);
    expect(hullVolume(turned)).toBeCloseTo(1, 5);
    const mirrored = cube(1).map((v, i) => (i % 3 === 0 ? -v : v));
    expect(hullVolume(mirrored)).toBeCloseTo(1, 6);
  });

  it('gives 0 for a flat, a straight or a single-spot point set', () => {
    expect(hullVolume(cube(1).map((v, i) => (i % 3 === 2 ? 0 : v)))).toBe(0);
    expect(hullVolume(Float32Array.from({ length: 63 }, (_, i) => (i % 3 === 0 ? i : 0)))).toBe(0);
    expect(hullVolume(new Float32Array(63).fill(2))).toBe(0);
  });

  it('scales the driven change by sqrt(source volume / first driven volume)', () => {
    const source = cube(1); // volume 1
    const first = cube(2); // volume 8
    // m = sqrt(1) / sqrt(8) = 1 / (2·sqrt(2)) = 0.35355339
    expect(motionMultiplier(source, first)).toBeCloseTo(0.35355339, 6);
    const now = Float32Array.from(first);
    now[0]! += 0.8;
    now[5]! -= 0.4;
    const x = expressionFriendly(source, now, first);
    const expected = Array.from(source);
    expected[0]! += 0.28284271; // 0.8 · 0.35355339
    expected[5]! -= 0.14142136; // 0.4 · 0.35355339
    expectClose(x, expected, 6);
    // The first frame itself maps onto the source.
    expectClose(expressionFriendly(source, first, first), source, 7);
  });

  it('falls back to m = 1 for a degenerate hull', () => {
    const flat = cube(2).map((v, i) => (i % 3 === 2 ? 0 : v));
    expect(motionMultiplier(cube(1), flat)).toBe(1);
    const now = Float32Array.from(flat);
    now[1]! += 0.5;
    const x = expressionFriendly(cube(1), now, flat);
    expect(x[1]).toBeCloseTo(0.5, 6);
    expect(x[4]).toBeCloseTo(cube(1)[4]!, 6);
  });
});

describe('stitching and retargeting', () => {
  const xs = Float32Array.from({ length: 63 }, (_, i) => i);
  const xd = Float32Array.from({ length: 63 }, (_, i) => 100 + i);

  it('lays out the stitching input as [xs, xd]', () => {
    const input = stitchingInput(xs, xd);
    expect(input.length).toBe(126);
    expect([input[0], input[62], input[63], input[125]]).toEqual([0, 62, 100, 162]);
  });

  it('adds the 63 deltas and then tx, ty to x and y of every point', () => {
    const delta = new Float32Array(65);
    delta[0] = 0.5; // point 0 x
    delta[5] = -1; // point 1 z
    delta[63] = 10;
    delta[64] = 20;
    const x = applyStitching(xd, delta);
    expect(Array.from(x.subarray(0, 6))).toEqual([100.5 + 10, 101 + 20, 102, 103 + 10, 104 + 20, 105 - 1]);
    expect(Array.from(x.subarray(60, 63))).toEqual([160 + 10, 161 + 20, 162]);
    expect(() => applyStitching(xd, new Float32Array(63))).toThrow(/65/);
  });

  it('lays out the eye and lip retargeting inputs', () => {
    const eye = eyeRetargetingInput(xs, 0.3, 0.25, 0.1);
    expect(eye.length).toBe(66);
    expect(Array.from(eye.subarray(0, 63))).toEqual(Array.from(xs));
    expect(Array.from(eye.subarray(63))).toEqual(Array.from(Float32Array.of(0.3, 0.25, 0.1)));
    const lip = lipRetargetingInput(xs, 0.05, 0.4);
    expect(lip.length).toBe(65);
    expect(lip[62]).toBe(62);
    expect(Array.from(lip.subarray(63))).toEqual(Array.from(Float32Array.of(0.05, 0.4)));
  });

  it('applies the driving multiplier as xs + (xd − xs) · m', () => {
    const x = applyMultiplier(xs, xd, 0.25);
    expect([x[0], x[10], x[62]]).toEqual([25, 35, 87]); // i + 100 · 0.25
    expect(applyMultiplier(xs, xd, 1)).toEqual(xd);
    expect(applyMultiplier(xs, xd, 0)).toEqual(xs);
  });
});
