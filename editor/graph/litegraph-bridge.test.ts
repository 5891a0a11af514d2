import { readFile } from 'node:fs/promises';
import { LGraph } from '@comfyorg/litegraph';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { loadGraph } from '../../runtime/graph/load.ts';
import { addNode, addNodeNear, documentFromGraph, duplicateNodes, nodeRects, registerNodeTypes, setNodeMedia, showDocument, shownNode } from './litegraph-bridge.ts';
import { titleFitWidth } from './node-title.ts';

const registry = createRegistry();
const refusals: string[] = [];
registerNodeTypes(registry, { refused: (message) => refusals.push(message) });

async function preset() {
  const { document } = loadGraph(await readFile('presets/animate-painting.json', 'utf8'), registry);
  return document!;
}

describe('the litegraph bridge', () => {
  it('shows a document and reads the same document back', async () => {
    const document = await preset();
    const graph = new LGraph();
    showDocument(graph, document);
    expect(graph._nodes).toHaveLength(Object.keys(document.nodes).length);
    expect(graph.links.size).toBe(document.edges.length);
    const back = documentFromGraph(graph, document, registry);
    expect(back).toEqual({ ...document, edges: expect.arrayContaining(document.edges) as unknown });
    expect(back.edges).toHaveLength(document.edges.length);
  });

  it('refuses a wire the port types forbid, saying why', async () => {
    const document = await preset();
    const graph = new LGraph();
    showDocument(graph, document);
    // The painting's face cannot feed the blend's mask.
    const face = shownNode(graph, 'paintFace')!;
    const blend = shownNode(graph, 'blend')!;
    const link = face.connect(0, blend, blend.inputs.findIndex((slot) => slot.name === 'mask'));
    expect(link).toBeNull();
    expect(refusals.at(-1)).toMatch(/face output cannot feed Blend's mask input "mask"/);
  });

  it('a node removed on the canvas leaves the document with its edges and command-line input', async () => {
    const document = await preset();
    const graph = new LGraph();
    showDocument(graph, document);
    graph.remove(shownNode(graph, 'paint')!);
    const back = documentFromGraph(graph, document, registry);
    expect(back.nodes.paint).toBeUndefined();
    expect(back.edges.some((edge) => edge.from[0] === 'paint' || edge.to[0] === 'paint')).toBe(false);
    expect(back.inputs.source).toBeUndefined();
  });

  it('keeps labelled groups, and shows a node of an unknown type with its wires instead of dropping it', async () => {
    const document = await preset();
    const grouped = { ...document, groups: [{ title: 'the driver', bounds: [20, 260, 560, 200] as [number, number, number, number], color: '#335' }] };
    const unknown = { ...grouped, nodes: { ...grouped.nodes, blend: { ...grouped.nodes.blend!, type: 'blender' } } };
    const graph = new LGraph();
    showDocument(graph, unknown);
    expect(graph._nodes).toHaveLength(7);
    expect(graph.links.size).toBe(document.edges.length);
    expect(shownNode(graph, 'blend')!.title).toBe('blend: unknown type "blender"');
    const back = documentFromGraph(graph, unknown, registry);
    expect(back.groups).toEqual(grouped.groups);
    expect(back.nodes.blend!.type).toBe('blender');
    expect(back.edges).toHaveLength(document.edges.length);
  });

  it('adds a node with a fresh id and default parameters, and duplicates one with its parameters', async () => {
    const document = await preset();
    const graph = new LGraph();
    showDocument(graph, document);
    addNode(graph, 'blend', [600, 500]);
    duplicateNodes(graph, [shownNode(graph, 'driveFace')!], document);
    const back = documentFromGraph(graph, document, registry);
    expect(back.nodes.blend2).toMatchObject({ type: 'blend', params: {}, ui: { pos: [600, 500] } });
    expect(back.nodes.faceLandmarks).toMatchObject({ type: 'face-landmarks', params: document.nodes.driveFace!.params });
  });

  it('places added nodes clear of each other, titled with their id and wide enough for the whole title', async () => {
    const document = await preset();
    const graph = new LGraph();
    showDocument(graph, document);
    const f2f = shownNode(graph, 'f2f')!;
    expect(f2f.title).toBe('f2f: Face2Face expression transfer');
    expect(f2f.size[0]).toBeGreaterThanOrEqual(titleFitWidth(f2f.title));
    const added = [addNodeNear(graph, 'blend', [700, 200], 'blend2')!, addNodeNear(graph, 'blend', [700, 200], 'blend3')!];
    expect(added.map((node) => node.title)).toEqual(['blend2: Blend', 'blend3: Blend']);
    const rects = nodeRects(graph);
    const overlap = (a: readonly number[], b: readonly number[]) => a[0]! < b[0]! + b[2]! && b[0]! < a[0]! + a[2]! && a[1]! < b[1]! + b[3]! && b[1]! < a[1]! + a[3]!;
    // The two added (last) are clear of every other node.
    for (const rect of rects.slice(-2)) expect(rects.filter((other) => other !== rect && overlap(rect, other))).toEqual([]);
    const back = documentFromGraph(graph, document, registry);
    expect(Object.keys(back.nodes).slice(-2)).toEqual(['blend2', 'blend3']);
  });

  it("grows a source node to show its file's name and picture, and back", async () => {
    const graph = new LGraph();
    showDocument(graph, await preset());
    const paint = shownNode(graph, 'paint')!;
    const bare = paint.size[1];
    setNodeMedia(paint, { file: '', prompt: 'no picture yet' });
    const named = paint.size[1];
    expect(named).toBeGreaterThan(bare);
    setNodeMedia(paint, { file: 'mona.jpg', prompt: '', picture: { source: {} as CanvasImageSource, width: 720, height: 1280 } });
    expect(paint.size[1]).toBeGreaterThan(named + 100);
    setNodeMedia(paint, undefined);
    expect(paint.size[1]).toBe(bare);
  });
});
