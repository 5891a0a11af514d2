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
}

export const motionSeries = ['mouthOpening', 'eyeOpening', 'yaw', 'pitch', 'roll'] as const;

export function faceMotion(face: FaceLandmarks): FaceMotion {
  const gap = (a: number, b: number) => landmarkDistance(face.points, a, b);
  const { yaw, pitch, roll } = headAngles(face.transform);
  return {
    mouthOpening: gap(13, 14) / gap(10, 152),
    eyeOpening: (gap(159, 145) / gap(33, 133) + gap(386, 374) / gap(362, 263)) / 2,
    yaw,
    pitch,
    roll,
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
