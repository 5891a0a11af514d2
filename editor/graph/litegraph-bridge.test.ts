import { readFile } from 'node:fs/promises';
import { LGraph } from '@comfyorg/litegraph';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { loadGraph } from '../../runtime/graph/load.ts';
import { documentFromGraph, registerNodeTypes, showDocument, shownNode } from './litegraph-bridge.ts';

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
});
