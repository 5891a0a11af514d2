/**
 * The keypoint math of LivePortrait-class reenactment (Guo et al. 2024): decoding the motion extractor's head pose,
 * posing the 21 canonical 3-D keypoints, relative and absolute motion transfer, expression-friendly scaling, and the
 * inputs and outputs of the small stitching and retargeting networks.
 *
 * Keypoints are flat arrays of 21 x 3 = 63 numbers, row-major: point k is at [3k, 3k + 1, 3k + 2]. Matrices are 3x3,
 * row-major, and act on points as row vectors multiplied on the right (x · R), as LivePortrait's code does. Inputs are
 * any array of numbers; results are Float32Array where they feed a network (keypoints, network inputs) and
 * Float64Array for rotations. The arithmetic runs in doubles.
 */
import type quickhullEntry from 'quickhull3d';
// quickhull3d's main entry imports its own files without extensions, which Node's ESM loader (and so vitest, which
// leaves node_modules to Node) cannot resolve; its single-file bundle loads everywhere but ships no types: it is the
// same function as the main entry, so it takes that entry's type.
// @ts-expect-error TS7016: no declaration file for the bundle.
import quickhullBundle from 'quickhull3d/dist/quickhull3d.js';
import { multiply3, scaleRotation, transpose3 } from '../geometry/rotation.ts';

const quickhull: typeof quickhullEntry = quickhullBundle;

export const keypointCount = 21;
export const keypointValues = keypointCount * 3;
/** Bins of the motion extractor's pitch, yaw and roll classifiers: 3° each, from -97.5° (0..65). */
export const headPoseBins = 66;

/** One frame's motion as the motion extractor describes it. */
export interface MotionInfo {
  /** Head pose in degrees. */
  pitch: number;
  yaw: number;
  roll: number;
  /** `rotationMatrix(pitch, yaw, roll)`: 3x3 row-major, for row vectors (x · R). */
  rotation: Float64Array;
  /** tx, ty, tz; only tx and ty move keypoints. */
  translation: Float32Array;
  /** Per-keypoint expression offsets (63). */
  expression: Float32Array;
  scale: number;
  /** The canonical (implicit) keypoints (63). */
  keypoints: Float32Array;
}

/** How much of the driver's motion to pass on: 1 is all of it, 0 none; values between scale it down. */
export interface MotionGains {
  /** Multiplies the driver's expression change (exp_d − exp_d0). */
  expression: number;
  /** Scales the driver's relative rotation angle, translation change and the log of its scale ratio. */
  pose: number;
}

export const fullMotion: MotionGains = { expression: 1, pose: 1 };

function expectLength(values: ArrayLike<number>, length: number, what: string): void {
  if (values.length !== length) throw new Error(`${what} has ${values.length} values, expected ${length}.`);
}

/** Degrees from one of the 66-bin head-pose logits: the softmax's expected bin times 3 minus 97.5. */
export function headAngle(logits: ArrayLike<number>): number {
  expectLength(logits, headPoseBins, 'Head-pose logits');
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = Math.exp(logits[i]! - max);
    total += p;
    weighted += p * i;
  }
  return (weighted / total) * 3 - 97.5;
}

/**
 * LivePortrait's head rotation from pitch, yaw and roll in degrees: R = (Rz(roll) · Ry(yaw) · Rx(pitch))^T, 3x3
 * row-major, to be applied to row vectors as x · R. Rx = [[1,0,0],[0,c,-s],[0,s,c]], Ry = [[c,0,s],[0,1,0],[-s,0,c]],
 * Rz = [[c,-s,0],[s,c,0],[0,0,1]].
 */
export function rotationMatrix(pitch: number, yaw: number, roll: number): Float64Array {
  const radians = Math.PI / 180;
  const [cx, sx] = [Math.cos(pitch * radians), Math.sin(pitch * radians)];
  const [cy, sy] = [Math.cos(yaw * radians), Math.sin(yaw * radians)];
  const [cz, sz] = [Math.cos(roll * radians), Math.sin(roll * radians)];
  const rx = [1, 0, 0, 0, cx, -sx, 0, sx, cx];
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const rz = [cz, -sz, 0, sz, cz, 0, 0, 0, 1];
  return transpose3(multiply3(multiply3(rz, ry), rx));
}

/**
 * The motion of one frame from the motion extractor's outputs: pitch, yaw, roll [1,66] logits, t [1,3], exp [1,63],
 * scale [1,1], kp [1,63] (ONNX names as FasterLivePortrait exports them). Values are copied.
 */
export function motionInfo(outputs: Record<string, { data: Float32Array }>): MotionInfo {
  const output = (name: string, length: number): Float32Array => {
    const tensor = outputs[name];
    if (!tensor) throw new Error(`The motion extractor gave no "${name}" output.`);
    expectLength(tensor.data, length, `The motion extractor's "${name}" output`);
    return tensor.data;
  };
  const pitch = headAngle(output('pitch', headPoseBins));
  const yaw = headAngle(output('yaw', headPoseBins));
  const roll = headAngle(output('roll', headPoseBins));
  return {
    pitch,
    yaw,
    roll,
    rotation: rotationMatrix(pitch, yaw, roll),
    translation: Float32Array.from(output('t', 3)),
    expression: Float32Array.from(output('exp', keypointValues)),
    scale: output('scale', 1)[0]!,
    keypoints: Float32Array.from(output('kp', keypointValues)),
  };
}

/**
 * Posed keypoints: x = scale · (kp · R + exp), then x and y (not z) of every point += tx, ty. `translation` may have 2
 * or 3 values; its z is ignored.
 */
export function transformKeypoints(
  kp: ArrayLike<number>,
  rotation: ArrayLike<number>,
  expression: ArrayLike<number>,
  scale: number,
  translation: ArrayLike<number>,
): Float32Array {
  expectLength(kp, keypointValues, 'Keypoints');
  expectLength(rotation, 9, 'Rotation');
  expectLength(expression, keypointValues, 'Expression');
  const out = new Float32Array(keypointValues);
  const [tx, ty] = [translation[0]!, translation[1]!];
  for (let k = 0; k < keypointCount; k++) {
    const [x, y, z] = [kp[3 * k]!, kp[3 * k + 1]!, kp[3 * k + 2]!];
    for (let c = 0; c < 3; c++) {
      const rotated = x * rotation[c]! + y * rotation[3 + c]! + z * rotation[6 + c]!;
      out[3 * k + c] = scale * (rotated + expression[3 * k + c]!) + (c === 0 ? tx : c === 1 ? ty : 0);
    }
  }
  return out;
}

/** The motion a frame is rendered with: what `transformKeypoints` takes besides the canonical keypoints. */
export interface Pose {
  rotation: Float64Array;
  expression: Float32Array;
  scale: number;
  /** tx, ty, 0. */
  translation: Float32Array;
}

/**
 * LivePortrait's relative motion: the source moves as the driver moved since its first frame.
 * R = (R_d · R_d0^T) · R_s; exp = exp_s + (exp_d − exp_d0); scale = s_s · s_d / s_d0; t = t_s + (t_d − t_d0), t_z = 0.
 * `gains.expression` multiplies exp_d − exp_d0; `gains.pose` scales the angle of R_d · R_d0^T (same axis), t_d − t_d0
 * and the log of s_d / s_d0. With gains of 1 this is the plain formula exactly. For a single driving image,
 * LivePortrait takes exp_d0 to be its lip_array template: pass a `drivingFirst` whose expression is that template.
 */
export function relativePose(
  source: MotionInfo,
  driving: MotionInfo,
  drivingFirst: MotionInfo,
  gains: MotionGains = fullMotion,
): Pose {
  const relative = scaleRotation(multiply3(driving.rotation, transpose3(drivingFirst.rotation)), gains.pose);
  const expression = new Float32Array(keypointValues);
  for (let i = 0; i < keypointValues; i++) {
    expression[i] = source.expression[i]! + gains.expression * (driving.expression[i]! - drivingFirst.expression[i]!);
  }
  const translation = new Float32Array(3);
  for (let i = 0; i < 2; i++) {
    translation[i] = source.translation[i]! + gains.pose * (driving.translation[i]! - drivingFirst.translation[i]!);
  }
  return {
    rotation: multiply3(relative, source.rotation),
    expression,
    scale: source.scale * Math.pow(driving.scale / drivingFirst.scale, gains.pose),
    translation,
  };
}

/** The driven keypoints of `relativePose`: transformKeypoints(kp_s, R, exp, scale, t). */
export function relativeKeypoints(
  source: MotionInfo,
  driving: MotionInfo,
  drivingFirst: MotionInfo,
  gains: MotionGains = fullMotion,
): Float32Array {
  const pose = relativePose(source, driving, drivingFirst, gains);
  return transformKeypoints(source.keypoints, pose.rotation, pose.expression, pose.scale, pose.translation);
}

/**
 * The expression values absolute motion takes from the driver, as LivePortrait's pipeline picks them (flat indices
 * into the 63): all of points 1, 2, 6 and 11-20, y of points 3 and 4, z of 5 and 8, y and z of 9. The others keep the
 * source's own expression (points 0, 7, 10 and the rest of 3, 4, 5, 8, 9).
 */
export const absoluteExpressionIndices: readonly number[] = (() => {
  const picked: number[] = [];
  for (const point of [1, 2, 6, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]) picked.push(3 * point, 3 * point + 1, 3 * point + 2);
  picked.push(3 * 3 + 1, 3 * 4 + 1, 3 * 5 + 2, 3 * 8 + 2, 3 * 9 + 1, 3 * 9 + 2);
  return picked.sort((a, b) => a - b);
})();

/**
 * LivePortrait's absolute motion: the driver's rotation and translation (t_z = 0) at the source's scale, and the
 * driver's expression where `absoluteExpressionIndices` says (the source's own elsewhere).
 */
export function absolutePose(source: MotionInfo, driving: MotionInfo): Pose {
  const expression = Float32Array.from(source.expression);
  for (const i of absoluteExpressionIndices) expression[i] = driving.expression[i]!;
  return {
    rotation: Float64Array.from(driving.rotation),
    expression,
    scale: source.scale,
    translation: Float32Array.of(driving.translation[0]!, driving.translation[1]!, 0),
  };
}

export function absoluteKeypoints(source: MotionInfo, driving: MotionInfo): Float32Array {
  const pose = absolutePose(source, driving);
  return transformKeypoints(source.keypoints, pose.rotation, pose.expression, pose.scale, pose.translation);
}

/**
 * Volume of the 3-D convex hull of the 21 points: the sum of signed tetrahedra from the points' centroid to each hull
 * triangle, positive whatever the points' orientation (mirrored sets included). 0 for a degenerate hull (all points
 * on a plane, a line or one spot).
 */
export function hullVolume(points: ArrayLike<number>): number {
  expectLength(points, keypointValues, 'Keypoints');
  const vertices: [number, number, number][] = [];
  const centre = [0, 0, 0];
  for (let k = 0; k < keypointCount; k++) {
    const vertex: [number, number, number] = [points[3 * k]!, points[3 * k + 1]!, points[3 * k + 2]!];
    vertices.push(vertex);
    for (let c = 0; c < 3; c++) centre[c]! += vertex[c]! / keypointCount;
  }
  let faces: number[][];
  try {
    faces = quickhull(vertices);
  } catch {
    // quickhull3d throws when the points span no tetrahedron (a line, one spot).
    return 0;
  }
  let sixfold = 0;
  for (const face of faces) {
    // quickhull3d triangulates; a polygon is fanned from its first vertex in case it ever does not.
    const first = vertices[face[0]!]!;
    for (let i = 1; i + 1 < face.length; i++) {
      const [b, c] = [vertices[face[i]!]!, vertices[face[i + 1]!]!];
      const a0 = first[0] - centre[0]!, a1 = first[1] - centre[1]!, a2 = first[2] - centre[2]!;
      const b0 = b[0] - centre[0]!, b1 = b[1] - centre[1]!, b2 = b[2] - centre[2]!;
      const c0 = c[0] - centre[0]!, c1 = c[1] - centre[1]!, c2 = c[2] - centre[2]!;
      sixfold += a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0);
    }
  }
  // quickhull3d orients faces counter-clockwise seen from outside, so the sum is positive; abs guards the convention.
  const volume = Math.abs(sixfold) / 6;
  return Number.isFinite(volume) ? volume : 0;
}

/**
 * The motion multiplier of LivePortrait's expression-friendly mode, m = sqrt(hullVolume(xSource)) /
 * sqrt(hullVolume(xFirstNew)), 1 where either hull is degenerate.
 */
export function motionMultiplier(xSource: ArrayLike<number>, xFirstNew: ArrayLike<number>): number {
  const [source, first] = [hullVolume(xSource), hullVolume(xFirstNew)];
  return source > 0 && first > 0 ? Math.sqrt(source) / Math.sqrt(first) : 1;
}

/**
 * Expression-friendly keypoints: the source's own keypoints plus the driven change since the first driven frame,
 * scaled by the ratio of the two faces' sizes: xSource + (xNew − xFirstNew) · motionMultiplier(xSource, xFirstNew).
 * Pass `multiplier` to reuse one computed on the first frame (LivePortrait computes it once).
 */
export function expressionFriendly(
  xSource: ArrayLike<number>,
  xNew: ArrayLike<number>,
  xFirstNew: ArrayLike<number>,
  multiplier: number = motionMultiplier(xSource, xFirstNew),
): Float32Array {
  expectLength(xNew, keypointValues, 'Keypoints');
  const out = new Float32Array(keypointValues);
  for (let i = 0; i < keypointValues; i++) out[i] = xSource[i]! + (xNew[i]! - xFirstNew[i]!) * multiplier;
  return out;
}

/** Input of the stitching network: [x_s, x_d] (126). */
export function stitchingInput(xs: ArrayLike<number>, xd: ArrayLike<number>): Float32Array {
  expectLength(xs, keypointValues, 'Source keypoints');
  expectLength(xd, keypointValues, 'Driven keypoints');
  const input = new Float32Array(2 * keypointValues);
  input.set(xs);
  input.set(xd, keypointValues);
  return input;
}

/** Driven keypoints after stitching: xd + delta[0..63), then x and y of every point += delta[63], delta[64]. */
export function applyStitching(xd: ArrayLike<number>, delta: ArrayLike<number>): Float32Array {
  expectLength(xd, keypointValues, 'Driven keypoints');
  expectLength(delta, keypointValues + 2, 'Stitching output');
  const out = new Float32Array(keypointValues);
  for (let i = 0; i < keypointValues; i++) out[i] = xd[i]! + delta[i]! + (i % 3 < 2 ? delta[keypointValues + (i % 3)]! : 0);
  return out;
}

/** Input of the eye retargeting network: [x_s, c_s,left, c_s,right, c_d] (66); the ratios of `eyeRatios`. */
export function eyeRetargetingInput(
  xs: ArrayLike<number>,
  sourceLeft: number,
  sourceRight: number,
  drivingEye: number,
): Float32Array {
  expectLength(xs, keypointValues, 'Source keypoints');
  const input = new Float32Array(keypointValues + 3);
  input.set(xs);
  input.set([sourceLeft, sourceRight, drivingEye], keypointValues);
  return input;
}

/** Input of the lip retargeting network: [x_s, c_s,lip, c_d,lip] (65); the ratios of `lipRatio`. */
export function lipRetargetingInput(xs: ArrayLike<number>, sourceLip: number, drivingLip: number): Float32Array {
  expectLength(xs, keypointValues, 'Source keypoints');
  const input = new Float32Array(keypointValues + 2);
  input.set(xs);
  input.set([sourceLip, drivingLip], keypointValues);
  return input;
}

/** LivePortrait's driving multiplier: xs + (xd − xs) · m. */
export function applyMultiplier(xs: ArrayLike<number>, xd: ArrayLike<number>, m: number): Float32Array {
  expectLength(xs, keypointValues, 'Source keypoints');
  expectLength(xd, keypointValues, 'Driven keypoints');
  const out = new Float32Array(keypointValues);
  for (let i = 0; i < keypointValues; i++) out[i] = xs[i]! + (xd[i]! - xs[i]!) * m;
  return out;
}
