import { meanFaceLandmarks, meanFacePoints } from '../../runtime/align/mean-face.ts';
import { ovalLandmarks } from '../../runtime/face-topology.ts';
import { type Affine, applyAffine } from '../../runtime/geometry/affine.ts';

/**
 * A hand-made face of 478 landmarks: the mean face's template points at their own positions (times 200 pixels), the
 * face oval on an ellipse of the given half-width and half-height around (100, 100), every other landmark there.
 */
export function handMadeFace(halfWidth: number, halfHeight: number): Float32Array {
  const points = new Float32Array(478 * 3).fill(100);
  ovalLandmarks.forEach((index, i) => {
    const angle = (i / ovalLandmarks.length) * 2 * Math.PI;
    points.set([100 + halfWidth * Math.sin(angle), 100 - halfHeight * Math.cos(angle), 0], index * 3);
  });
  meanFaceLandmarks.forEach((index, i) => points.set([meanFacePoints[i * 2]! * 200, meanFacePoints[i * 2 + 1]! * 200, 0], index * 3));
  return points;
}

/** The face's landmarks moved by `m` (x and y; z as it was). */
export function movedFace(points: Float32Array, m: Affine): Float32Array {
  const out = Float32Array.from(points);
  for (let i = 0; i < 478; i++) out.set(applyAffine(m, points[i * 3]!, points[i * 3 + 1]!), i * 3);
  return out;
}
