import type { Mask, RgbaImage } from '../image.ts';

/**
 * How sharp a face crop is: the variance of the Laplacian of its grey values (Pech-Pacheco et al. 2000), the usual
 * blur test of face-set tools. Motion blur and defocus take out the fine detail the Laplacian responds to. Where a
 * mask is given only the pixels at least half inside it count, so a flat background (a green screen) does not read
 * as blur. Grey is Rec. 601 luma, 0..255; the 4-neighbour Laplacian is taken at pixels whose neighbours all exist.
 */
export function laplacianVariance(image: RgbaImage, mask?: Mask): number {
  const { width, height, data } = image;
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
  let count = 0;
  let sum = 0;
  let squares = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const at = y * width + x;
      if (mask && mask.data[at]! < 128) continue;
      const laplacian = grey[at - 1]! + grey[at + 1]! + grey[at - width]! + grey[at + width]! - 4 * grey[at]!;
      count++;
      sum += laplacian;
      squares += laplacian * laplacian;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return Math.max(0, squares / count - mean * mean);
}

/** The side sharpness is judged at: every crop is first reduced to about this size, so one threshold serves every size. */
export const sharpnessSide = 64;

/**
 * The sharpness of a face crop as `vivify extract` judges it: the crop and its face mask are area-averaged by the
 * whole factor that brings them nearest `sharpnessSide` (4 x 4 for 256, 2 x 2 for 128), then `laplacianVariance`.
 * Judged at one scale, the same frames pass whatever --size asks for, and an absolute floor means the same at every size.
 */
export function faceSharpness(crop: RgbaImage, mask?: Mask): number {
  const factor = Math.max(1, Math.round(Math.min(crop.width, crop.height) / sharpnessSide));
  if (factor === 1) return laplacianVariance(crop, mask);
  return laplacianVariance(reduce(crop, 4, factor), mask && reduce(mask, 1, factor));
}

/** Averages `factor` x `factor` blocks of an image with `channels` bytes a pixel (edge rows and columns left over are dropped). */
function reduce<T extends { width: number; height: number; data: Uint8Array }>(image: T, channels: number, factor: number): { width: number; height: number; data: Uint8Array } {
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const data = new Uint8Array(width * height * channels);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = ((y * factor + dy) * image.width + x * factor) * channels + c;
          for (let dx = 0; dx < factor; dx++) sum += image.data[row + dx * channels]!;
        }
        data[(y * width + x) * channels + c] = Math.round(sum / area);
      }
    }
  }
  return { width, height, data };
}

/**
 * Which crops are too blurred to train on. A crop is blurry where its sharpness is under `relative` x the median of
 * its set (the `faceSharpness` of the frames of one video, whose typical sharpness it is judged against: a soft, compressed video is not
 * all blurry), or under the absolute `floor` whatever the set (a set of smears has a smeared median).
 */
export const blurRule = { relative: 0.3, floor: 15 } as const;

export function blurryOnes(sharpness: readonly number[], rule: { relative: number; floor: number } = blurRule): boolean[] {
  const threshold = Math.max(rule.floor, rule.relative * median(sharpness));
  return sharpness.map((value) => value < threshold);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
