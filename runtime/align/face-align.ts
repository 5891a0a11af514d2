import { blurMask } from '../compose/mask-ops.ts';
import { fillPolygonMask } from '../compose/polygon-mask.ts';
import { ovalLandmarks } from '../face-topology.ts';
import { type Affine, applyAffine, invertAffine, similarityTransform } from '../geometry/affine.ts';
import type { Mask, RgbaImage } from '../image.ts';
import { sampleBilinear } from '../warp/bilinear.ts';
import { meanFaceLandmarks, meanFaceName, meanFacePoints } from './mean-face.ts';

/**
 * Aligned face crops, as DeepFakes trains on and swaps in: every face is fitted by a similarity onto one fixed mean
 * face (runtime/align/mean-face.ts), so the eyes, nose and mouth of any face, in any frame, land on about the same
 * crop pixels. Host-agnostic: `vivify extract` and the deepfakes node align the same way through these functions.
 */

/** Names the template: crops aligned with one template only fit models trained on crops aligned with the same. */
export const alignmentName: typeof meanFaceName = meanFaceName;

export interface FaceAlignment {
  /** Image pixels to crop pixels (0..size across the crop). */
  toCrop: Affine;
  /** Crop pixels to image pixels. */
  toImage: Affine;
}

const templateCount = meanFaceLandmarks.length;
const highestLandmark = Math.max(...meanFaceLandmarks, ...ovalLandmarks);

/** The similarity taking the template landmarks of `points` (478 x, y, z, pixels) onto the mean face at `size`. */
export function alignFace(points: Float32Array, size: number): FaceAlignment {
  if (points.length < (highestLandmark + 1) * 3) throw new Error(`alignFace: needs MediaPipe's 478 landmarks (got ${points.length / 3})`);
  const from = new Float64Array(templateCount * 2);
  const to = new Float64Array(templateCount * 2);
  for (let i = 0; i < templateCount; i++) {
    const index = meanFaceLandmarks[i]!;
    from[i * 2] = points[index * 3]!;
    from[i * 2 + 1] = points[index * 3 + 1]!;
    to[i * 2] = meanFacePoints[i * 2]! * size;
    to[i * 2 + 1] = meanFacePoints[i * 2 + 1]! * size;
  }
  const toCrop = similarityTransform(from, to, templateCount);
  return { toCrop, toImage: invertAffine(toCrop) };
}

/**
 * The landmarks (x, y, z each) with x and y mapped into the crop by `toCrop`, depth as it was: what a face's landmark
 * sketch is drawn from, for the training pairs and the pix2pix-face node alike.
 */
export function landmarksInCrop(points: Float32Array, toCrop: Affine): Float32Array {
  const out = Float32Array.from(points);
  for (let i = 0; i + 1 < out.length; i += 3) out.set(applyAffine(toCrop, points[i]!, points[i + 1]!), i);
  return out;
}

/**
 * The `size` x `size` crop: each crop pixel samples the image bilinearly at its centre mapped by `toImage` (centres at
 * +0.5, as runtime/warp/bilinear.ts). Where a crop pixel spans more than one image pixel (a big face into a small
 * crop) it averages an n x n grid of such samples, n the span rounded up (at most 4), so the crop is not aliased.
 */
export function warpToCrop(image: RgbaImage, toImage: Affine, size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  const span = Math.sqrt(Math.abs(toImage[0] * toImage[4] - toImage[1] * toImage[3]));
  const n = Math.min(4, Math.max(1, Math.ceil(span - 1e-6)));
  const sample = new Uint8Array(4);
  const sum = new Float64Array(4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 4;
      if (n === 1) {
        const [ix, iy] = applyAffine(toImage, x + 0.5, y + 0.5);
        sampleBilinear(image, ix, iy, data, at);
        continue;
      }
      sum.fill(0);
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [ix, iy] = applyAffine(toImage, x + (sx + 0.5) / n, y + (sy + 0.5) / n);
          sampleBilinear(image, ix, iy, sample, 0);
          for (let c = 0; c < 4; c++) sum[c]! += sample[c]!;
        }
      }
      for (let c = 0; c < 4; c++) data[at + c] = Math.round(sum[c]! / (n * n));
    }
  }
  return { width: size, height: size, data };
}

/**
 * The face in the crop: MediaPipe's face oval (hairline, temples, jaw, chin) mapped by `toCrop` and filled with
 * anti-aliased edges, then softened by a blur of `softenPx` crop pixels (0: only the anti-aliasing).
 */
export function faceMaskInCrop(points: Float32Array, toCrop: Affine, size: number, softenPx = 0): Mask {
  const polygon = new Float64Array(ovalLandmarks.length * 2);
  ovalLandmarks.forEach((index, i) => polygon.set(applyAffine(toCrop, points[index * 3]!, points[index * 3 + 1]!), i * 2));
  const mask = fillPolygonMask(size, size, polygon);
  return softenPx > 0 ? blurMask(mask, softenPx, mask) : mask;
}
