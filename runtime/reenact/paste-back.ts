import type { Mask, RgbaImage } from '../image.ts';
import { smoothstep } from '../compose/region.ts';
import { type Affine, applyAffine } from '../geometry/affine.ts';

/**
 * Pastes a generated crop (planar RGB 0..1, square) back into the full-size picture through a soft mask, as
 * LivePortrait does with its template: the whole crop is replaced except a feathered band along its border, so the
 * seam falls where the crop meets untouched pixels and fades over about 4% of the crop. `toCrop` and `toImage` map
 * image pixels to unit crop coordinates (0..1) and back. With `options.mask` (a size x size plane in 0..1, as a face
 * swap's decoder draws it), the returned mask is that plane under the border band, for a blend downstream; the
 * picture is still pasted under the band alone, so the blend has the whole drawn crop to work with.
 */
export function pasteBack(
  source: RgbaImage,
  generated: Float32Array,
  size: number,
  toCrop: Affine,
  toImage: Affine,
  options: { mask?: Float32Array } = {},
): { frame: RgbaImage; mask: Mask } {
  const plane = options.mask;
  const { width, height } = source;
  const data = new Uint8ClampedArray(source.data);
  const mask = new Uint8Array(width * height);
  // Only pixels inside the crop's bounding box can change.
  const corners = [applyAffine(toImage, 0, 0), applyAffine(toImage, 1, 0), applyAffine(toImage, 0, 1), applyAffine(toImage, 1, 1)];
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[0]))));
  const x1 = Math.min(width, Math.ceil(Math.max(...corners.map((c) => c[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c[1]))));
  const y1 = Math.min(height, Math.ceil(Math.max(...corners.map((c) => c[1]))));
  const area = size * size;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const [u, v] = applyAffine(toCrop, x + 0.5, y + 0.5);
      const weight = cropMask(u, v);
      if (weight <= 0) continue;
      const at = (y * width + x) * 4;
      // Bilinear in the crop, pixel centres at +0.5, clamped at its edge.
      const fx = Math.min(Math.max(u * size - 0.5, 0), size - 1);
      const fy = Math.min(Math.max(v * size - 0.5, 0), size - 1);
      const ix = Math.min(fx | 0, size - 2);
      const iy = Math.min(fy | 0, size - 2);
      const wx = fx - ix;
      const wy = fy - iy;
      const i00 = iy * size + ix;
      for (let c = 0; c < 3; c++) {
        const value = bilinear(generated.subarray(c * area, (c + 1) * area), i00, size, wx, wy) * 255;
        data[at + c] = data[at + c]! + weight * (value - data[at + c]!) + 0.5;
      }
      const face = plane ? bilinear(plane, i00, size, wx, wy) : 1;
      mask[y * width + x] = Math.round(weight * Math.min(1, Math.max(0, face)) * 255);
    }
  }
  return { frame: { width, height, data: new Uint8Array(data.buffer) }, mask: { width, height, data: mask } };
}

/** A plane's value between the four samples from `at` (its top-left), weights wx, wy. */
function bilinear(plane: Float32Array, at: number, size: number, wx: number, wy: number): number {
  const top = plane[at]! + wx * (plane[at + 1]! - plane[at]!);
  const bottom = plane[at + size]! + wx * (plane[at + size + 1]! - plane[at + size]!);
  return top + wy * (bottom - top);
}

/** The paste mask at unit crop coordinates: 1 inside, 0 at the border, a smooth ramp between, rounded corners. */
export function cropMask(u: number, v: number): number {
  if (u <= 0 || u >= 1 || v <= 0 || v >= 1) return 0;
  const band = 0.045;
  const dx = Math.max(band - u, u - (1 - band), 0);
  const dy = Math.max(band - v, v - (1 - band), 0);
  // Distance into the band, measured from the inner square: round at the corners.
  const inward = band - Math.hypot(dx, dy);
  return smoothstep(0.008, band, inward);
}
