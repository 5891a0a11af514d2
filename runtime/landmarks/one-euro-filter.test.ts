import { describe, expect, it } from 'vitest';
import { OneEuroFilter } from './one-euro-filter.ts';
import { seededRandom as random } from '../../test/support/seeded-random.ts';

const rate = 30;


function standardDeviation(values: number[]): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
}

/** Runs a one-number signal through a filter at 30 Hz and returns the outputs. */
function run(filter: OneEuroFilter, signal: number[]): number[] {
  return signal.map((value, frame) => filter.filter(Float32Array.of(value), frame / rate)[0]!);
}

describe('OneEuroFilter', () => {
  it('passes the first sample through unchanged and returns a new array', () => {
    const filter = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    const input = Float32Array.of(1, 2, 3);
    const output = filter.filter(input, 0);
    expect(Array.from(output)).toEqual([1, 2, 3]);
    expect(output).not.toBe(input);
  });

  it('keeps a constant signal constant', () => {
    const filter = new OneEuroFilter({ minCutoff: 0.5, beta: 0.1 });
    for (let frame = 0; frame < 60; frame++) {
      expect(Array.from(filter.filter(Float32Array.of(5, -2.5, 300), frame / rate))).toEqual([5, -2.5, 300]);
    }
  });

  it('reduces white noise around a constant', () => {
    const next = random(42);
    const signal = Array.from({ length: 600 }, () => 100 + (next() - 0.5) * 4);
    const output = run(new OneEuroFilter({ minCutoff: 0.5, beta: 0 }), signal);
    // Skip the first second, where the filter still carries the first sample.
    const inputSpread = standardDeviation(signal.slice(rate));
    const outputSpread = standardDeviation(output.slice(rate));
    expect(outputSpread).toBeLessThan(inputSpread * 0.25);
  });

  it('follows a step within a few samples when beta is above zero', () => {
    const signal = [...Array<number>(30).fill(0), ...Array<number>(30).fill(100)];
    const output = run(new OneEuroFilter({ minCutoff: 1, beta: 0.5 }), signal);
    const settled = output.findIndex((value, frame) => frame >= 30 && Math.abs(value - 100) <= 5);
    expect(settled).toBeGreaterThanOrEqual(30);
    expect(settled - 30).toBeLessThanOrEqual(4);

    // Without beta the same low cutoff is still far from the step after those samples.
    const slow = run(new OneEuroFilter({ minCutoff: 1, beta: 0 }), signal);
    expect(slow[34]!).toBeLessThan(80);
  });

  it('lags less on a ramp with a higher beta', () => {
    const signal = Array.from({ length: 90 }, (_, frame) => frame * 10);
    const lagAtEnd = (beta: number): number => {
      const output = run(new OneEuroFilter({ minCutoff: 1, beta }), signal);
      return signal.at(-1)! - output.at(-1)!;
    };
    const low = lagAtEnd(0.001);
    const high = lagAtEnd(0.1);
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(0);
    expect(high).toBeLessThan(low * 0.5);
  });

  it('filters each number of the vector on its own', () => {
    const filter = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    filter.filter(Float32Array.of(0, 7), 0);
    const output = filter.filter(Float32Array.of(10, 7), 1 / rate);
    expect(output[0]!).toBeGreaterThan(0);
    expect(output[0]!).toBeLessThan(10);
    expect(output[1]).toBe(7);
  });

  it('returns the previous output again when time does not move forward', () => {
    const filter = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    filter.filter(Float32Array.of(0), 0);
    const moved = filter.filter(Float32Array.of(10), 1 / rate);
    expect(Array.from(filter.filter(Float32Array.of(50), 1 / rate))).toEqual(Array.from(moved));
    expect(Array.from(filter.filter(Float32Array.of(50), 0))).toEqual(Array.from(moved));
    // The ignored samples left no trace: the next step continues from `moved`.
    const fresh = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    fresh.filter(Float32Array.of(0), 0);
    fresh.filter(Float32Array.of(10), 1 / rate);
    expect(Array.from(filter.filter(Float32Array.of(20), 2 / rate))).toEqual(Array.from(fresh.filter(Float32Array.of(20), 2 / rate)));
  });

  it('starts over after reset', () => {
    const filter = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    filter.filter(Float32Array.of(0), 0);
    filter.filter(Float32Array.of(10), 1 / rate);
    filter.reset();
    expect(Array.from(filter.filter(Float32Array.of(42), 0))).toEqual([42]);
  });

  it('rejects a change of length and bad parameters', () => {
    const filter = new OneEuroFilter({ minCutoff: 1, beta: 0 });
    filter.filter(Float32Array.of(0, 0), 0);
    expect(() => filter.filter(Float32Array.of(0), 1)).toThrow('got 1 values after 2');
    expect(() => new OneEuroFilter({ minCutoff: 0, beta: 0 })).toThrow('minCutoff > 0');
  });
});
