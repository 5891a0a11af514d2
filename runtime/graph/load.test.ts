import { describe, expect, it } from 'vitest';
import { createTestNodes } from '../../test/support/test-nodes.ts';
import { loadGraph } from './load.ts';

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
});
