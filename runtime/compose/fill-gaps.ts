import type { PixelBox, RgbaImage } from '../image.ts';

/**
 * Fills the pixels of `box` that `covered` (box-sized, row by row) leaves at 0 from their neighbours, ring by ring
 * inwards: each gap pixel next to filled ones takes their mean. Gaps are what a turned face leaves open where nothing
 * in front covers (a far cheek coming into view from behind the nose); filled from the skin around them they read as
 * skin, where the hidden part's own pixels would be drawn mirrored. Returns how many pixels were filled; `covered`
 * is updated. `box` must lie inside the image.
 */
export function fillGaps(image: RgbaImage, covered: Uint8Array, box: PixelBox): number {
  const { width, data } = image;
  const { left, top } = box;
  let gaps: number[] = [];
  for (let i = 0; i < box.width * box.height; i++) if (!covered[i]) gaps.push(i);
  const total = gaps.length;
  while (gaps.length > 0) {
    const filled: number[] = [];
    const waiting: number[] = [];
    for (const at of gaps) {
      const bx = at % box.width;
      const by = (at - bx) / box.width;
      const sum = [0, 0, 0];
      let count = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = bx + dx;
          const ny = by + dy;
          if (nx < 0 || ny < 0 || nx >= box.width || ny >= box.height || !covered[ny * box.width + nx]) continue;
          const pixel = ((top + ny) * width + left + nx) * 4;
          for (let c = 0; c < 3; c++) sum[c]! += data[pixel + c]!;
          count++;
        }
      }
      if (count === 0) {
        waiting.push(at);
        continue;
      }
      const pixel = ((top + by) * width + left + bx) * 4;
      for (let c = 0; c < 3; c++) data[pixel + c] = Math.round(sum[c]! / count);
      filled.push(at);
    }
    // A ring is marked only once it is all filled, so each ring takes only from the ring outside it.
    for (const at of filled) covered[at] = 1;
    if (filled.length === 0) break;
    gaps = waiting;
  }
  return total;
}
