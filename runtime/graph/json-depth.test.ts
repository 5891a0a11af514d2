import { describe, expect, it } from 'vitest';
import { tooDeepInText, tooDeepInValue } from './json-depth.ts';

describe('nesting depth', () => {
  it('finds the first container past the limit in text, by its path, without recursing', () => {
    expect(tooDeepInText('{"a":[1,{"b":2}]}', 3)).toBeUndefined();
    expect(tooDeepInText('{"a":[1,{"b":[2]}]}', 3)).toEqual(['a', 1, 'b']);
    expect(tooDeepInText('{"x":"[[[[", "a\\"b":{"c":{}}}', 2)).toEqual(['a"b', 'c']);
    expect(tooDeepInText(`[0,${'['.repeat(1_000_000)}`, 64)?.length).toBe(64);
    // Broken JSON is the parser's to report.
    expect(tooDeepInText('{"a": [', 64)).toBeUndefined();
  });

  it('finds the same in values, and takes a cycle for too deep', () => {
    expect(tooDeepInValue({ a: [1, { b: 2 }] }, 3)).toBeUndefined();
    expect(tooDeepInValue({ a: [1, { b: [2] }] }, 3)).toEqual(['a', 1, 'b']);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(tooDeepInValue(loop, 64)?.length).toBe(64);
  });
});
