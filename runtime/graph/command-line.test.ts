import { describe, expect, it } from 'vitest';
import { formatFrameRange, inputFlag, optionFor, parseFrameRange } from './command-line.ts';

describe('the command line of a graph', () => {
  it('names inputs as vivify render reads them', () => {
    expect(inputFlag('output')).toBe('-o');
    expect(inputFlag('driving')).toBe('--driving');
    expect(optionFor('source')).toBe('--source FILE');
  });

  it('writes frame ranges that read back as the same range', () => {
    for (const range of [{ start: 3, end: 10 }, { start: 5 }, { start: 0, end: 8 }]) {
      expect(parseFrameRange(formatFrameRange(range))).toEqual(range);
    }
    expect(formatFrameRange({ start: 0 })).toBeUndefined();
    expect(() => parseFrameRange('9:3')).toThrow('--frames 9:3: the end must come after the start');
  });
});
