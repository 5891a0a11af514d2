import { type FaceLandmarks, landmarkDistance } from '../face.ts';

/** The series `vivify eval` compares between an output and its driver, one value per frame. */
export interface FaceMotion {
  /** |p13 - p14| / |p10 - p152|: inner-lip gap over face height. */
  mouthOpening: number;
  /** Mean of each eye's lid gap over its width: |p159 - p145| / |p33 - p133| and |p386 - p374| / |p362 - p263|. */
  eyeOpening: number;
  /** Head rotation in degrees, from the facial transformation matrix. */
  yaw: number;
  pitch: number;
  roll: number;
  /** Where the irises sit between the eye corners over eye width, along the eye (x) and across it (y): see `gazeOffsets`. */
  gazeX: number;
  gazeY: number;
}

export const motionSeries = ['mouthOpening', 'eyeOpening', 'yaw', 'pitch', 'roll', 'gazeX', 'gazeY'] as const;

/**
 * Each eye's iris (centre, then its ring of four) and corners in the 478-point mesh, in the order of face-regions'
 * `eyeContours`: the person's right eye (on the image's left), then the left. Corners go image-left to image-right
 * in an upright face, so x grows towards the image's right in both eyes.
 */
export const eyeIrises = [
  { centre: 468, ring: [469, 470, 471, 472], corners: [33, 133] },
  { centre: 473, ring: [474, 475, 476, 477], corners: [362, 263] },
] as const;

/**
 * Per eye, the iris centre from the midpoint of the corners, over the corner distance: x along the corner-to-corner
 * axis (positive towards the image's right), y across it (positive downwards). Measured on the eye's own axis, so a
 * tilted head reads the same as an upright one.
 */
export function gazeOffsets(points: Float32Array): { x: number; y: number }[] {
  return eyeIrises.map(({ centre, corners: [a, b] }) => {
    const ax = points[b * 3]! - points[a * 3]!;
    const ay = points[b * 3 + 1]! - points[a * 3 + 1]!;
    const widthSquared = ax * ax + ay * ay || 1;
    const dx = points[centre * 3]! - (points[a * 3]! + points[b * 3]!) / 2;
    const dy = points[centre * 3 + 1]! - (points[a * 3 + 1]! + points[b * 3 + 1]!) / 2;
    // The perpendicular (-ay, ax) points down the picture when the axis points right.
    return { x: (dx * ax + dy * ay) / widthSquared, y: (dy * ax - dx * ay) / widthSquared };
  });
}

/**
 * The face's motion series. With `pose`, a pose matrix to measure from (the video's first face), the angles are those
 * of the turn since that pose, in the head's own frame: a head that starts turned or tilted (a painting in 3/4 view)
 * then reads a nod as a nod, where angles of the whole pose would mix the nod into roll and yaw.
 */
export function faceMotion(face: FaceLandmarks, pose?: Float32Array): FaceMotion {
  const gap = (a: number, b: number) => landmarkDistance(face.points, a, b);
  const { yaw, pitch, roll } = headAngles(pose ? turnSince(pose, face.transform) : face.transform);
  const [right, left] = gazeOffsets(face.points) as [{ x: number; y: number }, { x: number; y: number }];
  return {
    mouthOpening: gap(13, 14) / gap(10, 152),
    eyeOpening: (gap(159, 145) / gap(33, 133) + gap(386, 374) / gap(362, 263)) / 2,
    yaw,
    pitch,
    roll,
    gazeX: (right.x + left.x) / 2,
    gazeY: (right.y + left.y) / 2,
  };
}

/**
 * Yaw, pitch and roll in degrees from a column-major 4x4 pose matrix, taking the rotation as yaw about y after pitch
 * about x after roll about z. Any fixed convention serves: eval correlates each angle over time.
 */
export function headAngles(matrix: Float32Array): { yaw: number; pitch: number; roll: number } {
  const r = (row: number, column: number) => matrix[column * 4 + row]!;
  const degrees = 180 / Math.PI;
  return {
    yaw: Math.asin(Math.max(-1, Math.min(1, -r(2, 0)))) * degrees,
    pitch: Math.atan2(r(2, 1), r(2, 2)) * degrees,
    roll: Math.atan2(r(1, 0), r(0, 0)) * degrees,
  };
}

/** The rotation from pose `from` to pose `to` in `from`'s own frame (from^T to), as a column-major 4x4 matrix. */
export function turnSince(from: Float32Array, to: Float32Array): Float32Array {
  const r = (m: Float32Array, row: number, column: number) => m[column * 4 + row]!;
  const out = new Float32Array(16);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += r(from, k, i) * r(to, k, j);
      out[j * 4 + i] = sum;
    }
  }
  out[15] = 1;
  return out;
}

/** Pearson correlation of two equally long series; undefined where either does not vary (it says nothing then). */
export function pearson(a: readonly number[], b: readonly number[]): number | undefined {
  const n = Math.min(a.length, b.length);
  if (n < 3) return undefined;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]! / n;
    meanB += b[i]! / n;
  }
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA;
    const db = b[i]! - meanB;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  if (varianceA < 1e-12 || varianceB < 1e-12) return undefined;
  return covariance / Math.sqrt(varianceA * varianceB);
}
