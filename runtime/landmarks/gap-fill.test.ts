import { describe, expect, it } from 'vitest';
import { HoldLast, formatRanges, interpolateGaps, missingRanges } from './gap-fill.ts';

const values = (frames: Float32Array[]): number[][] => frames.map((points) => Array.from(points));

describe('missingRanges', () => {
  it('finds leading, middle and trailing runs of missing frames', () => {
    expect(missingRanges([false, false, true, true, false, true, false, false, false, true, false])).toEqual([
      [0, 1],
      [4, 4],
      [6, 8],
      [10, 10],
    ]);
  });

  it('finds none when every frame has a face, and one range when none has', () => {
    expect(missingRanges([true, true, true])).toEqual([]);
    expect(missingRanges([false, false, false])).toEqual([[0, 2]]);
    expect(missingRanges([])).toEqual([]);
  });
});

describe('formatRanges', () => {
  it('writes single frames without a dash', () => {
    expect(
      formatRanges([
        [3, 7],
        [12, 12],
      ]),
    ).toBe('frames 3-7, 12');
    expect(formatRanges([[4, 4]])).toBe('frame 4');
    expect(formatRanges([[4, 5]])).toBe('frames 4-5');
    expect(formatRanges([])).toBe('');
  });

  it('counts the ranges past the limit instead of listing them', () => {
    const ranges = Array.from({ length: 5 }, (_, i): [number, number] => [i * 10, i * 10]);
    expect(formatRanges(ranges, 3)).toBe('frames 0, 10, 20 and 2 more ranges');
    expect(formatRanges(ranges, 4)).toBe('frames 0, 10, 20, 30 and 1 more range');
    expect(formatRanges(ranges, 5)).toBe('frames 0, 10, 20, 30, 40');
  });
});

describe('interpolateGaps', () => {
  it('interpolates a middle gap linearly between the frames either side', () => {
    const filled = interpolateGaps([Float32Array.of(0, 10), undefined, undefined, undefined, Float32Array.of(8, 2)]);
    expect(values(filled)).toEqual([
      [0, 10],
      [2, 8],
      [4, 6],
      [6, 4],
      [8, 2],
    ]);
  });

  it('holds the first found frame over a leading gap and the last over a trailing gap', () => {
    const filled = interpolateGaps([undefined, undefined, Float32Array.of(1, 2, 3), Float32Array.of(4, 5, 6), undefined]);
    expect(values(filled)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
      [4, 5, 6],
      [4, 5, 6],
    ]);
  });

  it('gives each filled frame its own array and keeps found frames as given', () => {
    const found = Float32Array.of(1);
    const filled = interpolateGaps([undefined, found, undefined]);
    expect(filled[1]).toBe(found);
    expect(filled[0]).not.toBe(found);
    expect(filled[2]).not.toBe(found);
    expect(filled[0]).not.toBe(filled[2]);
  });

  it('fills several gaps, each from its own neighbours', () => {
    const filled = interpolateGaps([Float32Array.of(0), undefined, Float32Array.of(10), undefined, undefined, Float32Array.of(40)]);
    expect(values(filled)).toEqual([[0], [5], [10], [20], [30], [40]]);
  });

  it('fails clearly when no frame has a face', () => {
    expect(() => interpolateGaps([undefined, undefined])).toThrow('No face was found in any of the 2 frames');
    expect(() => interpolateGaps([])).toThrow('No face was found');
  });

  it('refuses to interpolate between landmark sets of different sizes', () => {
    expect(() => interpolateGaps([Float32Array.of(0, 0), undefined, Float32Array.of(1)])).toThrow('Frame 2 has 1 landmark values');
  });
});

describe('HoldLast', () => {
  it('repeats the last face seen, and nothing before the first', () => {
    const hold = new HoldLast();
    const first = Float32Array.of(1, 2);
    const second = Float32Array.of(3, 4);
    expect(hold.next(undefined)).toBeUndefined();
    expect(hold.next(first)).toBe(first);
    expect(hold.next(undefined)).toBe(first);
    expect(hold.next(second)).toBe(second);
    expect(hold.next(undefined)).toBe(second);
    hold.reset();
    expect(hold.next(undefined)).toBeUndefined();
  });
});
