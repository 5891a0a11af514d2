import { describe, expect, it } from 'vitest';
import { formatRanges } from './landmarks/gap-fill.ts';
import { FrameRanges } from './frame-ranges.ts';

describe('FrameRanges', () => {
  it('joins neighbouring frames into ranges, as formatRanges names them', () => {
    const ranges = new FrameRanges();
    for (const index of [3, 4, 5, 9, 12, 13]) ranges.add(index);
    expect(ranges.count).toBe(6);
    expect(ranges.ranges).toEqual([[3, 5], [9, 9], [12, 13]]);
    expect(formatRanges(ranges.ranges)).toBe('frames 3-5, 9, 12-13');
  });
});
