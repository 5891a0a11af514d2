import { describe, expect, it } from 'vitest';
import { createTestNodes } from '../../test/support/test-nodes.ts';
import { checkGraph, loadGraph } from './load.ts';

const { registry } = createTestNodes();

function graph(parts: Record<string, unknown>): string {
  return JSON.stringify({ format: 'vivify.graph', version: 1, nodes: {}, edges: [], ...parts });
}

const validNodes = {
  count: { type: 'counter', typeVersion: 1, params: { frames: 4 } },
  shift: { type: 'offset', typeVersion: 2, params: { amount: 2 } },
  still: { type: 'still', typeVersion: 1, params: {} },
  end: { type: 'sink', typeVersion: 1, params: {} },
};
const validEdges = [
  { from: ['count', 'frames'], to: ['shift', 'frames'] },
  { from: ['still', 'image'], to: ['shift', 'image'] },
  { from: ['shift', 'frames'], to: ['end', 'frames'] },
];

describe('loadGraph', () => {
  it('accepts a valid graph and fills the optional sections', () => {
    const { document, problems } = loadGraph(graph({ nodes: validNodes, edges: validEdges }), registry);
    expect(problems).toEqual([]);
    expect(document?.inputs).toEqual({});
    expect(document?.models).toEqual([]);
  });

  it('reports every problem at once, each with its path and a sentence', () => {
    const text = graph({
      nodes: {
        ...validNodes,
        count: { type: 'counter', typeVersion: 1, params: { frames: 0, speed: 3 } },
        shift: { type: 'offset', typeVersion: 2, params: { amount: 'big' } },
        mystery: { type: 'countr', typeVersion: 1, params: {} },
        end: { type: 'sink', typeVersion: 1, params: {} },
      },
      edges: [{ from: ['still', 'image'], to: ['shift', 'frames'] }],
      inputs: { driving: 'nowhere.path' },
    });
    const { document, problems } = loadGraph(text, registry);
    expect(document).toBeUndefined();
    expect(problems).toHaveLength(7);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'nodes.count.params.frames', message: '0 is out of range: allowed 1 to 1000000 (integer 1 to 1000000, default 10)' },
        { path: 'nodes.count.params.speed', message: 'counter has no parameter "speed" (it has frames, failAt)' },
        { path: 'nodes.shift.params.amount', message: 'expected a number from -10 to 10, got "big" (number -10 to 10, default 1)' },
        { path: 'nodes.mystery.type', message: 'unknown node type "countr": did you mean "counter"?' },
        { path: 'edges[0]', message: 'cannot connect still.image (image) to shift.frames (frame): the types differ' },
        { path: 'nodes.end', message: 'required input "frames" (frame) is not connected' },
        { path: 'inputs.driving', message: 'there is no node "nowhere"' },
      ]),
    );
  });

  it('refuses an edge between incompatible port types and lets frames feed image inputs', () => {
    const bad = loadGraph(
      graph({
        nodes: validNodes,
        edges: [...validEdges.slice(0, 2), { from: ['still', 'image'], to: ['end', 'frames'] }],
      }),
      registry,
    );
    expect(bad.problems).toContainEqual({
      path: 'edges[2]',
      message: 'cannot connect still.image (image) to end.frames (frame): the types differ',
    });
    const lifted = loadGraph(
      graph({ nodes: validNodes, edges: [validEdges[0], { from: ['count', 'frames'], to: ['shift', 'image'] }, validEdges[2]] }),
      registry,
    );
    expect(lifted.problems).toEqual([]);
  });

  it('names a cycle by its nodes', () => {
    const { problems } = loadGraph(
      graph({
        nodes: { a: { type: 'offset', typeVersion: 2 }, b: { type: 'offset', typeVersion: 2 }, end: { type: 'sink', typeVersion: 1 } },
        edges: [
          { from: ['a', 'frames'], to: ['b', 'frames'] },
          { from: ['b', 'frames'], to: ['a', 'frames'] },
          { from: ['b', 'frames'], to: ['end', 'frames'] },
        ],
      }),
      registry,
    );
    expect(problems).toEqual([{ path: 'edges', message: 'the edges form a cycle: a -> b -> a; a graph must flow one way' }]);
  });

  it('finds node ids that appear twice, which JSON.parse would silently merge', () => {
    const text = `{"format":"vivify.graph","version":1,"nodes":{"end":{"type":"sink","typeVersion":1},"end":{"type":"sink","typeVersion":1}},"edges":[]}`;
    expect(loadGraph(text, registry).problems).toContainEqual({ path: 'nodes', message: 'duplicate node id "end": each must appear once' });
  });

  it('says where text is not JSON', () => {
    expect(loadGraph('{"format": "vivify.graph",\n  "nodes": }', registry).problems).toEqual([
      { path: '', message: 'not valid JSON: value expected at line 2, column 12' },
    ]);
  });

  it('reports structural mistakes with their paths and still checks the parts that are well formed', () => {
    const { problems } = loadGraph(
      graph({
        nodes: { ...validNodes, broken: { type: 'sink' }, extra: { type: 'sink', typeVersion: 1, colour: 'red' } },
        edges: [...validEdges, { from: ['count'], to: ['end', 'frames'] }, { from: ['still', 'image'], to: ['ghost', 'frames'] }],
      }),
      registry,
    );
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('nodes.broken.typeVersion');
    expect(paths).toContain('nodes.extra');
    expect(paths).toContain('edges[3].from');
    expect(problems).toContainEqual({ path: 'edges[4].to', message: 'there is no node "ghost"' });
  });

  it('upgrades older node versions through their migrations', () => {
    const { document, problems } = loadGraph(
      graph({
        nodes: { ...validNodes, shift: { type: 'offset', typeVersion: 1, params: { delta: 3 } } },
        edges: validEdges,
      }),
      registry,
    );
    expect(problems).toEqual([]);
    expect(document?.nodes.shift).toMatchObject({ typeVersion: 2, params: { amount: 3 } });
  });

  it('refuses documents and nodes from a newer Vivify, saying so', () => {
    expect(loadGraph(graph({ version: 9 }), registry).problems[0]?.message).toMatch(/newer Vivify/);
    const { problems } = loadGraph(graph({ nodes: { ...validNodes, end: { type: 'sink', typeVersion: 4 } }, edges: validEdges }), registry);
    expect(problems).toEqual([{ path: 'nodes.end.typeVersion', message: 'sink version 4 is newer than this Vivify knows (1): update Vivify' }]);
  });

  it('rejects files that are not graphs', () => {
    expect(loadGraph('[1,2]', registry).problems[0]?.message).toBe('a graph document is a JSON object');
    expect(loadGraph('{"nodes":{}}', registry).problems[0]).toEqual({ path: 'format', message: 'not a Vivify graph: expected "format": "vivify.graph"' });
  });

  it('feeds an input from one edge only', () => {
    const { problems } = loadGraph(graph({ nodes: validNodes, edges: [...validEdges, { from: ['count', 'frames'], to: ['end', 'frames'] }] }), registry);
    expect(problems).toEqual([{ path: 'edges[3].to', message: 'end.frames is already fed by edges[2]; an input takes one edge' }]);
  });

  it('takes names of built-in object properties as plain names: a node "__proto__" is kept, a "constructor" is not found on Object', () => {
    // Written as text: JSON.stringify of an object literal would not keep a "__proto__" key.
    const text = `{"format":"vivify.graph","version":1,"nodes":{"__proto__":{"type":"counter","typeVersion":1},"constructor":{"type":"sink","typeVersion":1}},
      "edges":[{"from":["__proto__","frames"],"to":["constructor","frames"]}],"inputs":{"length":"__proto__.frames"}}`;
    const { document, problems } = loadGraph(text, registry);
    expect(problems).toEqual([]);
    expect(Object.keys(document!.nodes)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(document!.nodes)).toBeNull();
    expect(document!.inputs).toEqual({ length: '__proto__.frames' });
  });

  it('says there is no such node, port, parameter or type where a file names a property of Object', () => {
    const text = `{"format":"vivify.graph","version":1,
      "nodes":{"count":{"type":"counter","typeVersion":1,"params":{"hasOwnProperty":1,"__proto__":{"frames":99}}},
               "end":{"type":"sink","typeVersion":1},"odd":{"type":"constructor","typeVersion":1}},
      "edges":[{"from":["__proto__","frames"],"to":["end","frames"]},{"from":["count","constructor"],"to":["end","frames"]},
               {"from":["count","frames"],"to":["end","valueOf"]},{"from":["count","frames"],"to":["toString","frames"]}],
      "inputs":{"source":"constructor.path","driving":"count.__proto__","length":"count.toString"}}`;
    const { document, problems } = loadGraph(text, registry);
    expect(document).toBeUndefined();
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'nodes.count.params.hasOwnProperty', message: 'counter has no parameter "hasOwnProperty" (it has frames, failAt)' },
        { path: 'nodes.count.params.__proto__', message: 'counter has no parameter "__proto__" (it has frames, failAt)' },
        { path: 'nodes.odd.type', message: expect.stringMatching(/^unknown node type "constructor"/) },
        { path: 'edges[0].from', message: 'there is no node "__proto__"' },
        { path: 'edges[1].from', message: 'counter has no output "constructor" (its outputs: frames)' },
        { path: 'edges[3].to', message: 'there is no node "toString"' },
        { path: 'edges[2].to', message: 'sink has no input "valueOf" (its inputs: frames)' },
        { path: 'inputs.source', message: 'there is no node "constructor"' },
        { path: 'inputs.driving', message: 'counter has no parameter "__proto__"' },
        { path: 'inputs.length', message: 'counter has no parameter "toString"' },
      ]),
    );
  });

  it('refuses JSON nested deeper than 64 levels, at any depth of nesting, with the path to it', () => {
    for (const depth of [65, 2_000, 1_000_000]) {
      const text = `{"format":"vivify.graph","version":1,"nodes":{},"meta":{"notes":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      const { problems } = loadGraph(text, registry);
      expect(problems).toEqual([{ path: `meta.notes${'[0]'.repeat(62)}`, message: 'nested more than 64 levels deep (a graph is about 5 deep)' }]);
    }
    const deep: unknown[] = [];
    let inner = deep;
    for (let level = 0; level < 5_000; level++) inner = (inner[0] = []) as unknown[];
    expect(checkGraph({ format: 'vivify.graph', version: 1, nodes: {}, meta: { deep } }, registry).problems[0]?.message).toMatch(/nested more than 64 levels/);
    const sixtyFour = `{"format":"vivify.graph","version":1,"nodes":{},"meta":{"notes":${'['.repeat(62)}${']'.repeat(62)}}}`;
    expect(loadGraph(sixtyFour, registry).problems).toEqual([]);
  });

  it('refuses a graph of more than 500 nodes at once, before checking any of them', () => {
    const nodes = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`n${i}`, { type: 'still', typeVersion: 1, params: {} }]));
    expect(checkGraph({ format: 'vivify.graph', version: 1, nodes: nodes(10_000), edges: [] }, registry).problems).toEqual([
      { path: 'nodes', message: 'has 10000 nodes; a graph may have at most 500 (one that animates a painting has about 10)' },
    ]);
    expect(checkGraph({ format: 'vivify.graph', version: 1, nodes: nodes(500), edges: [] }, registry).problems).toEqual([]);
  });

  it('says a version must be a whole number, rather than calling 1.5 newer', () => {
    for (const version of ['1.5', '0', '"1"', 'null']) {
      expect(loadGraph(graph({}).replace('"version":1', `"version":${version}`), registry).problems).toEqual([
        { path: 'version', message: expect.stringMatching(/^the version must be a whole number, from 1 \(this Vivify reads version 1\); got /) },
      ]);
    }
    expect(loadGraph(graph({}).replace('"version":1', '"version":2'), registry).problems[0]?.message).toMatch(/newer Vivify/);
    expect(loadGraph(graph({}).replace('"version":1,', ''), registry).problems).toEqual([
      { path: 'version', message: 'a graph document needs a version (this Vivify reads version 1)' },
    ]);
  });

  it('refuses numbers too large to hold, rather than reading them as Infinity', () => {
    const text = graph({ nodes: validNodes, edges: validEdges }).replace('"amount":2', '"amount":1e400');
    expect(loadGraph(text, registry).problems).toContainEqual({ path: 'nodes.shift.params.amount', message: 'the number 1e400 is too large' });
  });

  it('refuses an input named as an option of vivify render, whose flag could not reach it', () => {
    const { problems } = loadGraph(graph({ nodes: validNodes, edges: validEdges, inputs: { json: 'count.frames', force: 'shift.amount' } }), registry);
    expect(problems).toEqual([
      { path: 'inputs.json', message: '"json" is an option of vivify render itself (--json): give the input another name' },
      { path: 'inputs.force', message: '"force" is an option of vivify render itself (--force): give the input another name' },
    ]);
  });

  it('carries odd old params through a migration without crashing, and keeps a "__proto__" param as a name', () => {
    const text = `{"format":"vivify.graph","version":1,"nodes":{"shift":{"type":"offset","typeVersion":1,"params":{"delta":3,"__proto__":{"amount":9}}}},"edges":[]}`;
    const { problems } = loadGraph(text, registry);
    expect(problems).toContainEqual({ path: 'nodes.shift.params.__proto__', message: 'offset has no parameter "__proto__" (it has amount)' });
  });
});
