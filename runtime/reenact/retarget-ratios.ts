/**
 * The eye and lip closure ratios LivePortrait's retargeting networks take, measured on MediaPipe's 478-point face mesh
 * (flat x, y, z in pixels, as `FaceLandmarks.points`). LivePortrait measures them on its own 203-point landmarker as
 * lid gap over eye width, |p6 − p18| / |p0 − p12| and |p30 − p42| / |p24 − p36|, and inner-lip gap over mouth width,
 * |p90 − p102| / |p48 − p66|; these are the same definitions on the MediaPipe points that mark the same places (the
 * lid centres and eye corners of runtime/face2face/face-regions.ts and runtime/eval/face-motion.ts, the inner-lip
 * centres 13/14 and mouth corners 61/291). Distances are in the picture (x, y), as LivePortrait's 2-D landmarks are.
 */
import { landmarkDistance } from '../face.ts';

/** Upper and lower lid centre, then the two corners, of each eye in MediaPipe's mesh. */
export const eyeRatioLandmarks = {
  /** The person's right eye, on the image's left in an unmirrored picture: lids 159/145, corners 33/133. */
  right: { upper: 159, lower: 145, outer: 33, inner: 133 },
  /** The person's left eye, on the image's right: lids 386/374, corners 263/362. */
  left: { upper: 386, lower: 374, outer: 263, inner: 362 },
} as const;

/** Inner-lip centres 13 (upper) and 14 (lower), mouth corners 61 and 291. */
export const lipRatioLandmarks = { upper: 13, lower: 14, left: 61, right: 291 } as const;

function ratio(points: Float32Array, a: number, b: number, c: number, d: number): number {
  const width = landmarkDistance(points, c, d);
  return width > 0 ? landmarkDistance(points, a, b) / width : 0;
}

/**
 * Each eye's lid gap over its width, [left, right]: left is the person's left eye (image right, MediaPipe's
 * 386/374 over 362/263), right the person's right eye (image left, 159/145 over 33/133). 0 for an eye of no width.
 */
export function eyeRatios(points: Float32Array): [left: number, right: number] {
  const { left, right } = eyeRatioLandmarks;
  return [
    ratio(points, left.upper, left.lower, left.inner, left.outer),
    ratio(points, right.upper, right.lower, right.outer, right.inner),
  ];
}

/** Inner-lip gap over mouth width: |p13 − p14| / |p61 − p291|; 0 for a mouth of no width. */
export function lipRatio(points: Float32Array): number {
  const { upper, lower, left, right } = lipRatioLandmarks;
  return ratio(points, upper, lower, left, right);
}
