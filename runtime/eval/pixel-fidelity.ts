import type { RgbaImage } from '../image.ts';

/** PSNR in dB of `a` against `b` over the RGB channels (same size); Infinity where they are equal. */
export function psnr(a: RgbaImage, b: RgbaImage): number {
  let squared = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) squared += (a.data[i + c]! - b.data[i + c]!) ** 2;
  }
  const mse = squared / ((a.data.length / 4) * 3);
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

/**
 * A mask of the pixels farther than `faceHeights` face heights from the face's box: what a method should leave alone
 * (background, far clothing). 1 where far, 0 near the face.
 */
export function farFromFaceMask(width: number, height: number, box: { left: number; top: number; right: number; bottom: number }, faceHeights: number): Uint8Array {
  const reach = faceHeights * (box.bottom - box.top);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const dy = Math.max(box.top - (y + 0.5), 0, y + 0.5 - box.bottom);
    for (let x = 0; x < width; x++) {
      const dx = Math.max(box.left - (x + 0.5), 0, x + 0.5 - box.right);
      mask[y * width + x] = Math.hypot(dx, dy) > reach ? 1 : 0;
    }
  }
  return mask;
}

/** Mean absolute difference (0-255, over RGB) of `a` against `b` where `mask` is 1; undefined where it is empty. */
export function meanChangeWhere(a: RgbaImage, b: RgbaImage, mask: Uint8Array): number | undefined {
  let total = 0;
  let count = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    const i = p * 4;
    total += Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!) + Math.abs(a.data[i + 2]! - b.data[i + 2]!);
    count += 3;
  }
  return count === 0 ? undefined : total / count;
}
