import { describe, expect, it } from 'vitest';
import { FrameRanges } from './frame-ranges.ts';

describe('FrameRanges', () => {
  it('joins neighbouring frames into ranges and names the first few', () => {
    const ranges = new FrameRanges();
    for (const index of [3, 4, 5, 9, 12, 13]) ranges.add(index);
    expect(ranges.count).toBe(6);
    expect(ranges.describe()).toBe('3-5, 9, 12-13');
    expect(ranges.describe(2)).toBe('3-5, 9 and 1 more range');
  });
});
