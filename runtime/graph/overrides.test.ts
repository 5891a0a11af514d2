import { describe, expect, it } from 'vitest';
import { createTestNodes } from '../../test/support/test-nodes.ts';
import type { GraphDocument } from './document.ts';
import { loadGraph } from './load.ts';
import { applyOverrides, mapFileParams } from './overrides.ts';

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
    expect(() => applyOverrides(document, registry, { sets: ['shift.amount=lots'] })).toThrow(
      '--set shift.amount=lots: "lots" is not a number: write it in decimal, such as 18, -0.5 or 1e-3',
    );
    expect(() => applyOverrides(document, registry, { sets: ['amount'] })).toThrow('--set amount: expected node.param=value');
  });

  it('finds no node or parameter named after a property of Object, and adds no such key', () => {
    for (const [assignment, message] of [
      ['shift.constructor=1', 'offset has no parameter "constructor" (it has amount)'],
      ['shift.__proto__=1', 'offset has no parameter "__proto__" (it has amount)'],
      ['shift.toString=1', 'offset has no parameter "toString" (it has amount)'],
      ['constructor.amount=1', 'there is no node "constructor" (nodes: count, shift)'],
      ['__proto__.amount=1', 'there is no node "__proto__" (nodes: count, shift)'],
      ['hasOwnProperty.amount=1', 'there is no node "hasOwnProperty" (nodes: count, shift)'],
    ]) {
      expect(() => applyOverrides(document, registry, { sets: [assignment!] })).toThrow(`--set ${assignment}: ${message}`);
    }
    expect(() => applyOverrides(document, registry, { inputs: { constructor: 'x' } })).toThrow('--constructor: this graph has no "constructor" input');
    expect(() => applyOverrides(document, registry, { inputs: { valueOf: 'x' } })).toThrow('--valueOf: this graph has no "valueOf" input');
  });

  it('sets parameters of a node whose id is "__proto__"', () => {
    const text = `{"format":"vivify.graph","version":1,"nodes":{"count":{"type":"counter","typeVersion":1},"__proto__":{"type":"offset","typeVersion":2}},
      "edges":[{"from":["count","frames"],"to":["__proto__","frames"]}],"inputs":{"by":"__proto__.amount"}}`;
    const loaded = loadGraph(text, registry).document!;
    const result = applyOverrides(mapFileParams(loaded, registry, (path) => path), registry, { inputs: { by: '3' } });
    expect(Object.keys(result.nodes)).toEqual(['count', '__proto__']);
    expect(result.nodes['__proto__']?.params).toEqual({ amount: 3 });
  });

  it('blames the option, not the graph file, for a value out of range', () => {
    expect(() => applyOverrides(document, registry, { sets: ['shift.amount=11'] })).toThrow(
      '--set shift.amount=11: 11 is out of range: allowed -10 to 10 (number -10 to 10, default 1)',
    );
    expect(() => applyOverrides(document, registry, { inputs: { length: '2.5' } })).toThrow('--length: expected a whole number, got 2.5 (integer 1 to 1000000, default 10)');
  });

  it('reads decimal numbers only: no hexadecimal, octal, binary, blanks or Infinity', () => {
    for (const raw of ['0x10', '0o7', '0b1', '010', '', ' 5', '5 ', 'Infinity', 'NaN', '1_0']) {
      expect(() => applyOverrides(document, registry, { sets: [`shift.amount=${raw}`] })).toThrow(/is not a number/);
    }
    expect(() => applyOverrides(document, registry, { sets: ['shift.amount=1e400'] })).toThrow('--set shift.amount=1e400: "1e400" is too large');
    expect(applyOverrides(document, registry, { sets: ['shift.amount=-.5e1'] }).nodes.shift?.params).toEqual({ amount: -5 });
  });
});
