import type { RgbaImage } from './image.ts';

/**
 * Resizes RGBA: each output pixel averages the source area it covers when shrinking (no aliasing), and samples
 * bilinearly when enlarging.
 */
export function resizeRgba(source: RgbaImage, width: number, height: number): RgbaImage {
  if (width === source.width && height === source.height) return source;
  const out = new Uint8Array(width * height * 4);
  const scaleX = source.width / width;
  const scaleY = source.height / height;
  const sum = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    const [y0, y1] = span(y, scaleY, source.height);
    for (let x = 0; x < width; x++) {
      const [x0, x1] = span(x, scaleX, source.width);
      sum.fill(0);
      let total = 0;
      // Area weights when shrinking; a 1-pixel window around the sample point (bilinear) when enlarging.
      for (let sy = Math.floor(y0); sy < Math.ceil(y1); sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.ceil(x1); sx++) {
          const weight = wy * (Math.min(x1, sx + 1) - Math.max(x0, sx));
          const i = (sy * source.width + sx) * 4;
          for (let c = 0; c < 4; c++) sum[c]! += source.data[i + c]! * weight;
          total += weight;
        }
      }
      const o = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) out[o + c] = Math.round(sum[c]! / total);
    }
  }
  return { width, height, data: out };
}

/** The source interval an output pixel covers: its own area when shrinking, a pixel-wide window when enlarging. */
function span(index: number, scale: number, limit: number): [number, number] {
  if (scale >= 1) return [index * scale, Math.min(limit, (index + 1) * scale)];
  const centre = (index + 0.5) * scale;
  const start = Math.min(Math.max(centre - 0.5, 0), limit - 1);
  return [start, start + 1];
}

/** The size that fits within `maxDimension` on its longer side, keeping the aspect ratio (unchanged if it fits). */
export function fitWithin(width: number, height: number, maxDimension: number): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (maxDimension <= 0 || longer <= maxDimension) return { width, height };
  const scale = maxDimension / longer;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
