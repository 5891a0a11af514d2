import type { Mask, RgbaImage } from '../image.ts';

/*
 * Reinhard-style colour transfer: shift and scale each channel so its mask-weighted mean and
 * standard deviation match the reference's. It works in YCbCr (BT.601 full range, as in JPEG):
 * luminance and the two chroma axes are decorrelated enough that lighting and tint are matched
 * separately, and the space is linear in RGB, so the whole transfer folds into one 3x3 matrix plus
 * an offset per pixel, and the means come out exact (Lab would cost cube roots and powers per
 * pixel for little gain at the scale of a mouth patch).
 */

type Vector3 = [number, number, number];

/** Mask-weighted colour statistics in YCbCr (0-255 range, chroma centred on 0). */
export interface ColorStatistics {
  mean: Vector3;
  deviation: Vector3;
  /** Total mask weight (in pixels): 0 means the mask selected nothing. */
  weight: number;
}

export interface ColorTransferOptions {
  /** 0 keeps the layer as it is, 1 (default) applies the full transfer. */
  strength?: number;
  /** Bounds the deviation ratio to [1/maxScale, maxScale] (default 3), so a tiny or flat sample cannot blow up or erase contrast. */
  maxScale?: number;
}

// Rows map RGB to Y, Cb, Cr.
const RGB_TO_YCC = [0.299, 0.587, 0.114, -0.168736, -0.331264, 0.5, 0.5, -0.418688, -0.081312] as const;
const YCC_TO_RGB = [1, 0, 1.402, 1, -0.344136, -0.714136, 1, 1.772, 0] as const;

/** Below this deviation a channel is flat: its contrast is left alone rather than divided by ~0. */
const FLAT_DEVIATION = 0.5;

/** Statistics of `image`'s colours, each pixel weighted by `mask` (its size). */
export function measureColorStatistics(image: RgbaImage, mask: Mask): ColorStatistics {
  assertSameSize(image, mask, 'mask');
  const data = image.data;
  const weights = mask.data;
  let total = 0;
  const sums = new Float64Array(3);
  const squares = new Float64Array(3);
  const m = RGB_TO_YCC;
  for (let pixel = 0, at = 0; pixel < weights.length; pixel++, at += 4) {
    const weight = weights[pixel]!;
    if (weight === 0) continue;
    const r = data[at]!;
    const g = data[at + 1]!;
    const b = data[at + 2]!;
    const y = m[0] * r + m[1] * g + m[2] * b;
    const cb = m[3] * r + m[4] * g + m[5] * b;
    const cr = m[6] * r + m[7] * g + m[8] * b;
    total += weight;
    sums[0]! += weight * y;
    sums[1]! += weight * cb;
    sums[2]! += weight * cr;
    squares[0]! += weight * y * y;
    squares[1]! += weight * cb * cb;
    squares[2]! += weight * cr * cr;
  }
  const mean: Vector3 = [0, 0, 0];
  const deviation: Vector3 = [0, 0, 0];
  if (total > 0) {
    for (let c = 0; c < 3; c++) {
      mean[c] = sums[c]! / total;
      // E[x^2] - E[x]^2 can dip just below 0 from rounding on flat regions.
      deviation[c] = Math.sqrt(Math.max(squares[c]! / total - mean[c]! * mean[c]!, 0));
    }
  }
  return { mean, deviation, weight: total / 255 };
}

/**
 * A new image: every pixel of `layer` mapped so the colours under `mask` take on `target`'s mean
 * and deviation. The mask only chooses where the statistics come from; the whole layer is mapped,
 * so compositing it afterwards with a soft mask leaves no seam of half-corrected pixels. Alpha is
 * kept. An empty mask or target leaves the colours unchanged.
 */
export function transferColorStatistics(layer: RgbaImage, mask: Mask, target: ColorStatistics, options: ColorTransferOptions = {}): RgbaImage {
  const source = measureColorStatistics(layer, mask);
  const out = new Uint8Array(layer.data.length);
  if (!(source.weight > 0) || !(target.weight > 0)) {
    out.set(layer.data);
    return { width: layer.width, height: layer.height, data: out };
  }
  const { matrix, offset } = transferInRgb(source, target, options);
  const data = layer.data;
  for (let at = 0; at < data.length; at += 4) {
    const r = data[at]!;
    const g = data[at + 1]!;
    const b = data[at + 2]!;
    out[at] = clampByte(matrix[0]! * r + matrix[1]! * g + matrix[2]! * b + offset[0]!);
    out[at + 1] = clampByte(matrix[3]! * r + matrix[4]! * g + matrix[5]! * b + offset[1]!);
    out[at + 2] = clampByte(matrix[6]! * r + matrix[7]! * g + matrix[8]! * b + offset[2]!);
    out[at + 3] = data[at + 3]!;
  }
  return { width: layer.width, height: layer.height, data: out };
}

/** Makes `layer`'s colours inside `mask` match `reference`'s inside `referenceMask` (see transferColorStatistics). */
export function matchColors(layer: RgbaImage, mask: Mask, reference: RgbaImage, referenceMask: Mask, options?: ColorTransferOptions): RgbaImage {
  return transferColorStatistics(layer, mask, measureColorStatistics(reference, referenceMask), options);
}

/**
 * Folds "to YCbCr, scale about the source mean, move to the target mean, back to RGB" into
 * rgb' = matrix * rgb + offset.
 */
function transferInRgb(source: ColorStatistics, target: ColorStatistics, options: ColorTransferOptions): { matrix: Float64Array; offset: Float64Array } {
  const strength = Math.min(Math.max(options.strength ?? 1, 0), 1);
  const maxScale = Math.max(options.maxScale ?? 3, 1);
  const scale = new Float64Array(3);
  const shift = new Float64Array(3);
  for (let c = 0; c < 3; c++) {
    const from = source.deviation[c]!;
    const to = target.deviation[c]!;
    const ratio = from < FLAT_DEVIATION ? 1 : Math.min(Math.max(to / from, 1 / maxScale), maxScale);
    scale[c] = 1 + (ratio - 1) * strength;
    // y' = scale * (y - sourceMean) + sourceMean + strength * (targetMean - sourceMean)
    shift[c] = source.mean[c]! * (1 - scale[c]!) + strength * (target.mean[c]! - source.mean[c]!);
  }
  const matrix = new Float64Array(9);
  const offset = new Float64Array(3);
  for (let row = 0; row < 3; row++) {
    for (let column = 0; column < 3; column++) {
      let value = 0;
      for (let k = 0; k < 3; k++) value += YCC_TO_RGB[row * 3 + k]! * scale[k]! * RGB_TO_YCC[k * 3 + column]!;
      matrix[row * 3 + column] = value;
    }
    for (let k = 0; k < 3; k++) offset[row]! += YCC_TO_RGB[row * 3 + k]! * shift[k]!;
  }
  return { matrix, offset };
}

function clampByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}

function assertSameSize(image: RgbaImage, mask: Mask, name: string): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new Error(`${name} is ${mask.width}x${mask.height}, image is ${image.width}x${image.height}`);
  }
}
