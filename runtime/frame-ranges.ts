import type { FrameRange } from './landmarks/gap-fill.ts';

/**
 * Frame indices, seen in increasing order, kept as ranges so that a long run stays small (`formatRanges` in
 * landmarks/gap-fill.ts names them for a message).
 */
export class FrameRanges {
  readonly ranges: FrameRange[] = [];
  count = 0;

  add(index: number): void {
    this.count++;
    const last = this.ranges.at(-1);
    if (last && index <= last[1] + 1) last[1] = Math.max(last[1], index);
    else this.ranges.push([index, index]);
  }
}
