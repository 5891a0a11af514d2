import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';

/** Where the viewer's extras come from in a graph: the still "before" picture, and a driver with its landmarks. */
export interface ViewerSources {
  /** A once-per-run node's image output: the painting before it moves. */
  before?: { nodeId: string; port: string };
  /** A streaming landmarker and the frames it looks at: drawn as the driver inset with its mesh. */
  driver?: { frames: { nodeId: string; port: string }; face: { nodeId: string; port: string } };
}

export function viewerSources(document: GraphDocument, registry: NodeRegistry): ViewerSources {
  const typeOf = (nodeId: string, port: string, side: 'inputs' | 'outputs') =>
    registry.get(document.nodes[nodeId]?.type ?? '')?.[side][port]?.type;
  // A source node's still image is the "before" (source nodes have no inputs, so it is computed once).
  const stillSource = Object.entries(document.nodes).find(([, node]) => {
    const definition = registry.get(node.type);
    return definition?.category === 'source' && !definition.timeline && Object.values(definition.outputs).some((output) => output.type === 'image');
  });
  const before = stillSource && {
    nodeId: stillSource[0],
    port: Object.entries(registry.get(stillSource[1].type)!.outputs).find(([, output]) => output.type === 'image')![0],
  };
  // A landmarker fed frames: the edge into it names the frames it saw.
  for (const edge of document.edges) {
    if (typeOf(edge.from[0], edge.from[1], 'outputs') !== 'frame') continue;
    const landmarker = registry.get(document.nodes[edge.to[0]]?.type ?? '');
    const facePort = Object.entries(landmarker?.outputs ?? {}).find(([, output]) => output.type === 'face')?.[0];
    if (!facePort) continue;
    return { before, driver: { frames: { nodeId: edge.from[0], port: edge.from[1] }, face: { nodeId: edge.to[0], port: facePort } } };
  }
  return { before };
}
