import type { RgbaImage } from '../image.ts';

/**
 * Samples `source` at (x, y) in pixel coordinates, where pixel (i, j) has its centre at (i + 0.5, j + 0.5), blending
 * the four nearest pixels and clamping to the edge outside the image. Writes the RGBA result (rounded) to
 * out[offset..offset + 3]. A point exactly on a pixel centre gives that pixel unchanged.
 */
export function sampleBilinear(source: RgbaImage, x: number, y: number, out: Uint8Array, offset: number): void {
  const { width, height, data } = source;
  const lastX = width - 1;
  const lastY = height - 1;
  let fx = x - 0.5;
  let fy = y - 0.5;
  fx = fx < 0 ? 0 : fx > lastX ? lastX : fx;
  fy = fy < 0 ? 0 : fy > lastY ? lastY : fy;
  // fx, fy are non-negative here, so truncation is floor (and NaN becomes 0 rather than an out-of-range index).
  const ix = fx | 0;
  const iy = fy | 0;
  const wx = fx - ix;
  const wy = fy - iy;
  const top = (iy * width + ix) * 4;
  const right = ix < lastX ? 4 : 0;
  const below = iy < lastY ? width * 4 : 0;
  const bottom = top + below;
  for (let c = 0; c < 4; c++) {
    const upper = data[top + c]! + wx * (data[top + right + c]! - data[top + c]!);
    const lower = data[bottom + c]! + wx * (data[bottom + right + c]! - data[bottom + c]!);
    out[offset + c] = upper + wy * (lower - upper) + 0.5;
  }
}
