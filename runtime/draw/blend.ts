import type { RgbaImage } from '../image.ts';

/** A straight (not premultiplied) colour, every channel 0-255 like the image bytes. */
export type Rgba = readonly [r: number, g: number, b: number, a: number];

/**
 * Lays `color` over one pixel ("source over"), its alpha scaled by `coverage` (0-1), the share of
 * the pixel the shape covers: partial coverage at the edges is what makes strokes anti-aliased.
 */
export function blendPixel(image: RgbaImage, pixelIndex: number, color: Rgba, coverage: number): void {
  const sourceAlpha = Math.min((color[3] / 255) * coverage, 1);
  if (!(sourceAlpha > 0)) return;
  const data = image.data;
  const at = pixelIndex * 4;
  const destAlpha = (data[at + 3]! / 255) * (1 - sourceAlpha);
  const outAlpha = sourceAlpha + destAlpha;
  // Weighting by alpha keeps a transparent destination's meaningless colour from tinting the result.
  for (let channel = 0; channel < 3; channel++) {
    data[at + channel] = Math.round((color[channel]! * sourceAlpha + data[at + channel]! * destAlpha) / outAlpha);
  }
  data[at + 3] = Math.round(outAlpha * 255);
}
