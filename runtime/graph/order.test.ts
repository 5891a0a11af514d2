import { describe, expect, it } from 'vitest';
import { topologicalOrder } from './order.ts';

const edge = (from: string, to: string) => ({ from: [from, 'out'] as [string, string], to: [to, 'in'] as [string, string] });

describe('topologicalOrder', () => {
  it('puts every node after the nodes that feed it, ties in document order', () => {
    expect(topologicalOrder(['out', 'a', 'b'], [edge('a', 'out'), edge('b', 'out')])).toEqual({ order: ['a', 'b', 'out'] });
  });

  it('finds the loop itself, not the nodes hanging off it', () => {
    const { cycle } = topologicalOrder(['src', 'a', 'b', 'c', 'sink'], [edge('src', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'sink')]);
    expect(cycle).toEqual(['a', 'b', 'c', 'a']);
  });

  it('reports a node feeding itself', () => {
    expect(topologicalOrder(['a'], [edge('a', 'a')]).cycle).toEqual(['a', 'a']);
  });
});
