import type { Mask, RgbaImage } from '../image.ts';
import { nonZeroBounds } from './mask-ops.ts';

/**
 * out = layer x m + background x (1 - m) per colour channel, m = mask / 255, rounded; alpha is
 * always 255 (the frame is opaque once composed). `output` may be `background` or `layer` itself.
 */
export function blendWithMask(background: RgbaImage, layer: RgbaImage, mask: Mask, output?: RgbaImage): RgbaImage {
  const { width, height } = background;
  const pixelCount = width * height;
  for (const [name, image] of [['layer', layer], ['output', output]] as const) {
    if (image && (image.width !== width || image.height !== height)) {
      throw new Error(`${name} is ${image.width}x${image.height}, background is ${width}x${height}`);
    }
  }
  if (mask.width !== width || mask.height !== height) throw new Error(`mask is ${mask.width}x${mask.height}, background is ${width}x${height}`);
  const result = output ?? { width, height, data: new Uint8Array(pixelCount * 4) };
  const back = background.data;
  const front = layer.data;
  const weights = mask.data;
  const out = result.data;
  // Outside the mask's box the result is the background: copy it whole, then mix only inside the box.
  const box = out === front ? { left: 0, top: 0, width, height } : nonZeroBounds(mask, 0);
  if (out !== front) {
    if (out !== back) out.set(back);
    for (let at = 3; at < out.length; at += 4) out[at] = 255;
  }
  if (!box) return result;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let pixel = y * width + box.left, at = pixel * 4; pixel < y * width + box.left + box.width; pixel++, at += 4) {
      const weight = weights[pixel]!;
      const rest = 255 - weight;
      for (let channel = at; channel < at + 3; channel++) {
        // Exact round(x / 255) for x up to 255 * 255, without a division.
        const mixed = front[channel]! * weight + back[channel]! * rest + 128;
        out[channel] = (mixed + (mixed >> 8)) >> 8;
      }
      out[at + 3] = 255;
    }
  }
  return result;
}
