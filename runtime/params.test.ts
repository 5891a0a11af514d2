import { describe, expect, it } from 'vitest';
import { boolean, checkParam, choice, describeParam, file, integer, number, parseParamText } from './params.ts';

describe('params', () => {
  const crf = integer(18, { min: 0, max: 51, help: 'quality' });
  const strength = number(1, { min: 0, max: 2, help: 'strength' });
  const preset = choice(['fast', 'slow'], 'fast', { help: 'speed' });

  it('says what is wrong with a value, with the allowed range', () => {
    expect(checkParam(crf, 18)).toBeUndefined();
    expect(checkParam(crf, 60)).toBe('60 is out of range: allowed 0 to 51');
    expect(checkParam(crf, 1.5)).toBe('expected a whole number, got 1.5');
    expect(checkParam(strength, '1')).toBe('expected a number from 0 to 2, got "1"');
    expect(checkParam(preset, 'medium')).toBe('expected one of fast, slow, got "medium"');
    expect(checkParam(boolean(true, { help: '' }), 'yes')).toBe('expected true or false, got "yes"');
    expect(checkParam(file({ accept: 'video', role: 'input', help: '' }), 3)).toBe('expected a file path, got 3');
  });

  it('reads command-line text as the parameter type', () => {
    expect(parseParamText(strength, '0.5')).toBe(0.5);
    expect(parseParamText(boolean(true, { help: '' }), 'off')).toBe(false);
    expect(parseParamText(preset, 'slow')).toBe('slow');
    expect(() => parseParamText(crf, 'high')).toThrow('"high" is not a number');
    expect(() => parseParamText(crf, '')).toThrow('"" is not a number');
  });

  it('reads numbers in plain decimal only, as a graph file writes them', () => {
    for (const [raw, value] of [['18', 18], ['-0.5', -0.5], ['+2', 2], ['.25', 0.25], ['1e-3', 0.001], ['0', 0]] as const) {
      expect(parseParamText(strength, raw)).toBe(value);
    }
    expect(() => parseParamText(crf, '0x10')).toThrow('"0x10" is not a number (hexadecimal, octal and binary are not read): write it in decimal');
    expect(() => parseParamText(crf, '0b1')).toThrow('hexadecimal, octal and binary are not read');
    expect(() => parseParamText(crf, '0o17')).toThrow('hexadecimal, octal and binary are not read');
    expect(() => parseParamText(crf, '017')).toThrow('"017" is not a number (a leading 0 is not allowed)');
    for (const raw of [' 18', '18 ', '\t', 'Infinity', '-Infinity', 'NaN', '1_000', '5.', '1e']) {
      expect(() => parseParamText(crf, raw), raw).toThrow('is not a number');
    }
    expect(() => parseParamText(crf, '1e400')).toThrow('"1e400" is too large');
  });

  it('shows odd values briefly in its sentences', () => {
    expect(checkParam(crf, Infinity)).toBe('expected an integer from 0 to 51, got a number too large');
    expect(checkParam(crf, { a: 1 })).toBe('expected an integer from 0 to 51, got an object');
    expect(checkParam(crf, [1])).toBe('expected an integer from 0 to 51, got a list');
    expect(checkParam(preset, 'x'.repeat(1000))).toBe(`expected one of fast, slow, got "${'x'.repeat(60)}..."`);
  });

  it('describes each parameter in one phrase', () => {
    expect(describeParam(crf)).toBe('integer 0 to 51, default 18');
    expect(describeParam(strength)).toBe('number 0 to 2, default 1');
    expect(describeParam(preset)).toBe('one of fast, slow; default fast');
    expect(describeParam(file({ accept: 'video', role: 'input', help: '' }))).toBe('path to a video file to read, required');
  });
});
