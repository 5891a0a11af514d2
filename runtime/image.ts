/** Pixel containers shared by every host and node. Row-major, top-left origin, no padding between rows. */

/** 8-bit RGBA, 4 bytes a pixel: the form frames travel in between nodes. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** 8-bit single-channel coverage: 0 outside, 255 inside. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

export function createRgbaImage(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8Array(width * height * 4) };
}

/**
 * Resizes with a box filter when shrinking (each output pixel averages the source pixels it covers, so no aliasing)
 * and bilinear interpolation when enlarging.
 */
export function resizeRgba(source: RgbaImage, width: number, height: number): RgbaImage {
  if (width === source.width && height === source.height) return source;
  const out = createRgbaImage(width, height);
  const scaleX = source.width / width;
  const scaleY = source.height / height;
  const src = source.data;
  const dst = out.data;
  const sw = source.width;
  for (let y = 0; y < height; y++) {
    const y0 = y * scaleY;
    const y1 = Math.min(source.height, y0 + Math.max(scaleY, 1));
    for (let x = 0; x < width; x++) {
      const x0 = x * scaleX;
      const o = (y * width + x) * 4;
      if (scaleX > 1 || scaleY > 1) {
        const x1 = Math.min(sw, x0 + Math.max(scaleX, 1));
        let r = 0;
        let g = 0;
        let b = 0;
        let a = 0;
        let total = 0;
        for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
          const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
          for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
            const w = wy * (Math.min(x1, sx + 1) - Math.max(x0, sx));
            const i = (sy * sw + sx) * 4;
            r += src[i]! * w;
            g += src[i + 1]! * w;
            b += src[i + 2]! * w;
            a += src[i + 3]! * w;
            total += w;
          }
        }
        dst[o] = Math.round(r / total);
        dst[o + 1] = Math.round(g / total);
        dst[o + 2] = Math.round(b / total);
        dst[o + 3] = Math.round(a / total);
      } else {
        sampleBilinear(source, (x + 0.5) * scaleX - 0.5, (y + 0.5) * scaleY - 0.5, dst, o);
      }
    }
  }
  return out;
}

/** Writes the bilinear sample of `source` at (x, y), clamped to the border, into `out` at `offset`. */
export function sampleBilinear(source: RgbaImage, x: number, y: number, out: Uint8Array, offset: number): void {
  const maxX = source.width - 1;
  const maxY = source.height - 1;
  const cx = Math.min(Math.max(x, 0), maxX);
  const cy = Math.min(Math.max(y, 0), maxY);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, maxX);
  const y1 = Math.min(y0 + 1, maxY);
  const fx = cx - x0;
  const fy = cy - y0;
  const d = source.data;
  const i00 = (y0 * source.width + x0) * 4;
  const i10 = (y0 * source.width + x1) * 4;
  const i01 = (y1 * source.width + x0) * 4;
  const i11 = (y1 * source.width + x1) * 4;
  for (let c = 0; c < 4; c++) {
    const top = d[i00 + c]! + (d[i10 + c]! - d[i00 + c]!) * fx;
    const bottom = d[i01 + c]! + (d[i11 + c]! - d[i01 + c]!) * fx;
    out[offset + c] = Math.round(top + (bottom - top) * fy);
  }
}

/** The size that fits `width` x `height` within `maxDimension` on its longer side, keeping the aspect ratio. */
export function fitWithin(width: number, height: number, maxDimension: number): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (maxDimension <= 0 || longer <= maxDimension) return { width, height };
  const scale = maxDimension / longer;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
