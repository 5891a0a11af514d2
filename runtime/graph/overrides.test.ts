import { describe, expect, it } from 'vitest';
import { createTestNodes } from '../../test/support/test-nodes.ts';
import type { GraphDocument } from './document.ts';
import { applyOverrides } from './overrides.ts';

const { registry } = createTestNodes();
const document: GraphDocument = {
  format: 'vivify.graph',
  version: 1,
  meta: {},
  nodes: { count: { type: 'counter', typeVersion: 1, params: {} }, shift: { type: 'offset', typeVersion: 2, params: { amount: 1 } } },
  edges: [],
  inputs: { length: 'count.frames' },
  models: [],
};

describe('applyOverrides', () => {
  it('sets graph inputs by name and parameters by node.param, typed by their definitions', () => {
    const result = applyOverrides(document, registry, { inputs: { length: '7' }, sets: ['shift.amount=-2.5'] });
    expect(result.nodes.count?.params).toEqual({ frames: 7 });
    expect(result.nodes.shift?.params).toEqual({ amount: -2.5 });
    expect(document.nodes.shift?.params).toEqual({ amount: 1 });
  });

  it('names what does not exist and what does', () => {
    expect(() => applyOverrides(document, registry, { inputs: { driving: 'x.mp4' } })).toThrow(
      '--driving: this graph has no "driving" input (its inputs: length); use --set node.param=value',
    );
    expect(() => applyOverrides(document, registry, { sets: ['shift.speed=2'] })).toThrow(
      '--set shift.speed=2: offset has no parameter "speed" (it has amount)',
    );
    expect(() => applyOverrides(document, registry, { sets: ['ghost.amount=2'] })).toThrow('there is no node "ghost" (nodes: count, shift)');
    expect(() => applyOverrides(document, registry, { sets: ['shift.amount=lots'] })).toThrow('--set shift.amount=lots: "lots" is not a number');
    expect(() => applyOverrides(document, registry, { sets: ['amount'] })).toThrow('--set amount: expected node.param=value');
  });
});
