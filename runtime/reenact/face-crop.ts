import type { RgbaImage } from '../image.ts';
import { browLandmarks } from '../face-topology.ts';
import { type Affine, applyAffine, invertAffine } from '../geometry/affine.ts';
import { sampleBilinear } from '../warp/bilinear.ts';

/**
 * The square face crop LivePortrait-class models see, placed from MediaPipe's 478 landmarks instead of InsightFace's
 * 106. The mapping follows LivePortrait's crop_image step for step:
 * - the up axis runs from the eye centre to the lip centre: the mean of the two eye centres (each the mean of its two
 *   corners and two lid midpoints: MediaPipe 33, 133, 159, 145 and 362, 263, 386, 374, where InsightFace uses
 *   33/35/40/39 and 87/89/94/93) to the middle of the inner lips (13, 14; InsightFace 52, 61);
 * - the box is taken around the points of the face that InsightFace's 106 cover, in that rotated frame: the jaw line
 *   from ear to ear (the lower half of MediaPipe's face oval), the brows, eyes, nose and lips; MediaPipe's forehead
 *   points are left out because the 106-point contour stops at the brows;
 * - the box is squared, scaled by `scale` (2.3 for the source, 2.2 for the driver) and shifted by `offsetX`/`offsetY`
 *   times its size along the face's own axes (LivePortrait's vx_ratio, vy_ratio: 0 and -0.125 move it up a little).
 * `rotate` false keeps the crop upright (LivePortrait's driver crop).
 */
export interface CropOptions {
  scale: number;
  offsetX: number;
  offsetY: number;
  rotate: boolean;
}

export interface FaceCrop {
  /** Side of the crop, in source pixels. */
  side: number;
  /** Image pixels to unit crop coordinates (0..1 across the crop). */
  toCrop: Affine;
  /** Unit crop coordinates to image pixels. */
  toImage: Affine;
}

const eyeCentres = [
  [33, 133, 159, 145],
  [362, 263, 386, 374],
];
const lipCentre = [13, 14];
/** The lower face oval, ear to ear through the chin: where InsightFace's 106-point contour runs. */
const jawLine = [127, 234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361, 323, 454, 356];
/** Points inside the jaw line and brows do not change the box, but the nose tip and lips can pass the chin in profile. */
const boxLandmarks = [...jawLine, ...browLandmarks, ...eyeCentres.flat(), 1, 4, 0, 17, 61, 291];

export function faceCrop(points: Float32Array, options: CropOptions): FaceCrop {
  const eye = mean(points, eyeCentres.flat());
  const lip = mean(points, lipCentre);
  let uy: [number, number] = [lip[0] - eye[0], lip[1] - eye[1]];
  const length = Math.hypot(uy[0], uy[1]);
  uy = !options.rotate || length < 1e-3 ? [0, 1] : [uy[0] / length, uy[1] / length];
  const ux: [number, number] = [uy[1], -uy[0]];
  const centre0 = mean(points, boxLandmarks);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const index of boxLandmarks) {
    const dx = points[index * 3]! - centre0[0];
    const dy = points[index * 3 + 1]! - centre0[1];
    const rx = dx * ux[0] + dy * ux[1];
    const ry = dx * uy[0] + dy * uy[1];
    minX = Math.min(minX, rx);
    maxX = Math.max(maxX, rx);
    minY = Math.min(minY, ry);
    maxY = Math.max(maxY, ry);
  }
  const side = Math.max(maxX - minX, maxY - minY) * options.scale;
  const mid: [number, number] = [(minX + maxX) / 2 + options.offsetX * side, (minY + maxY) / 2 + options.offsetY * side];
  const centre: [number, number] = [centre0[0] + ux[0] * mid[0] + uy[0] * mid[1], centre0[1] + ux[1] * mid[0] + uy[1] * mid[1]];
  // Unit crop (u, v) -> image: centre + (u - 0.5)·side·ux + (v - 0.5)·side·uy ([ux; uy] is a rotation: no mirror).
  const right = ux;
  const toImage: Affine = [
    right[0] * side,
    uy[0] * side,
    centre[0] - 0.5 * side * (right[0] + uy[0]),
    right[1] * side,
    uy[1] * side,
    centre[1] - 0.5 * side * (right[1] + uy[1]),
  ];
  return { side, toImage, toCrop: invertAffine(toImage) };
}

/**
 * The crop as a model input: planar RGB in 0..1, `size` square. Sampled at twice the size and averaged 2x2, as
 * LivePortrait crops at 512 and shrinks to 256 with area interpolation.
 */
export function cropTensor(image: RgbaImage, crop: FaceCrop, size: number): Float32Array {
  const tensor = new Float32Array(3 * size * size);
  const plane = size * size;
  const pixel = new Uint8Array(4);
  const step = 1 / (2 * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < 2; sy++) {
        for (let sx = 0; sx < 2; sx++) {
          const [ix, iy] = applyAffine(crop.toImage, (2 * x + sx + 0.5) * step, (2 * y + sy + 0.5) * step);
          sampleBilinear(image, ix, iy, pixel, 0);
          r += pixel[0]!;
          g += pixel[1]!;
          b += pixel[2]!;
        }
      }
      const at = y * size + x;
      tensor[at] = r / 1020;
      tensor[plane + at] = g / 1020;
      tensor[2 * plane + at] = b / 1020;
    }
  }
  return tensor;
}

function mean(points: Float32Array, indices: readonly number[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const index of indices) {
    x += points[index * 3]!;
    y += points[index * 3 + 1]!;
  }
  return [x / indices.length, y / indices.length];
}
