import { describe, expect, it } from 'vitest';
import { formatFrameRange, inputFlag, optionFor, parseFrameRange, readRenderArguments } from './command-line.ts';

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

  it('reads every other input of a graph as --name FILE, wherever the graph stands', () => {
    const { graph, inputs } = readRenderArguments(['--style', 'van-gogh.png', 'graph.json', '--mask=face.png', '--constructor', 'c.png']);
    expect(graph).toBe('graph.json');
    expect(inputs).toEqual({ style: 'van-gogh.png', mask: 'face.png', constructor: 'c.png' });
    expect(Object.getPrototypeOf(inputs)).toBeNull();
    expect(readRenderArguments(['--style', 'a.png', '--', '-odd.json']).graph).toBe('-odd.json');
  });

  it('refuses what is neither the graph nor an input flag, in one sentence', () => {
    expect(() => readRenderArguments(['graph.json', '--style'])).toThrow('--style: not an option of vivify render; a graph input takes a file (--style FILE)');
    expect(() => readRenderArguments(['graph.json', '-x'])).toThrow('-x: not an option of vivify render (see vivify render --help)');
    expect(() => readRenderArguments(['graph.json', '--Style', 'a'])).toThrow('--Style: not an option of vivify render');
    expect(() => readRenderArguments(['graph.json', '--style', 'a', '--style=b'])).toThrow('--style: given twice');
    expect(() => readRenderArguments(['a.json', 'b.json'])).toThrow('b.json: one graph at a time (the graph is a.json)');
    expect(() => readRenderArguments(['--style', 'a'])).toThrow('vivify render: name the graph to render');
  });
});
