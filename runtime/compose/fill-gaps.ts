import type { RgbaImage } from '../image.ts';

/**
 * Fills the pixels `covered` leaves at 0 inside `box` from their neighbours, ring by ring inwards: each gap pixel next
 * to filled ones takes their mean. Gaps are what a turned face leaves open where nothing in front covers (a far cheek
 * coming into view from behind the nose); filled from the skin around them they read as skin, where the hidden part's
 * own pixels would be drawn mirrored. Returns how many pixels were filled; `covered` is updated.
 */
export function fillGaps(image: RgbaImage, covered: Uint8Array, box: { left: number; top: number; right: number; bottom: number }): number {
  const { width, data } = image;
  const left = Math.max(0, Math.floor(box.left));
  const top = Math.max(0, Math.floor(box.top));
  const right = Math.min(width, Math.ceil(box.right));
  const bottom = Math.min(image.height, Math.ceil(box.bottom));
  let gaps: number[] = [];
  for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) if (!covered[y * width + x]) gaps.push(y * width + x);
  const total = gaps.length;
  while (gaps.length > 0) {
    const filled: number[] = [];
    const waiting: number[] = [];
    for (const at of gaps) {
      const x = at % width;
      const y = (at - x) / width;
      const sum = [0, 0, 0];
      let count = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= image.height || !covered[ny * width + nx]) continue;
          for (let c = 0; c < 3; c++) sum[c]! += data[(ny * width + nx) * 4 + c]!;
          count++;
        }
      }
      if (count === 0) {
        waiting.push(at);
        continue;
      }
      for (let c = 0; c < 3; c++) data[at * 4 + c] = Math.round(sum[c]! / count);
      filled.push(at);
    }
    // A ring is marked only once it is all filled, so each ring takes only from the ring outside it.
    for (const at of filled) covered[at] = 1;
    if (filled.length === 0) break;
    gaps = waiting;
  }
  return total;
}
