import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { FileParam } from '../../runtime/params.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { freeSpot } from '../graph/placement.ts';

/** What kind of media a dropped file is, by its type (or, where the browser gives none, its extension). */
export function mediaKind(file: { name: string; type: string }): FileParam['accept'] | undefined {
  if (file.type.startsWith('image/') || /\.(jpe?g|png|webp|gif|bmp|tiff?)$/i.test(file.name)) return 'image';
  if (file.type.startsWith('video/') || /\.(mp4|mov|m4v|webm|mkv)$/i.test(file.name)) return 'video';
  return undefined;
}

/**
 * The file parameter a dropped file goes to: the node it was dropped on where that node takes such a file, else the
 * graph's command-line input of that kind (`--source`, `--driving`), else the first node that takes one.
 */
export function dropTarget(
  document: GraphDocument,
  registry: NodeRegistry,
  kind: FileParam['accept'],
  onNode: string | undefined,
): { nodeId: string; param: string } | undefined {
  const takes = (nodeId: string) => {
    const params = registry.get(document.nodes[nodeId]?.type ?? '')?.params ?? {};
    const found = Object.entries(params).find(([, spec]) => spec.kind === 'file' && spec.role === 'input' && (spec.accept === kind || spec.accept === 'any'));
    return found?.[0];
  };
  if (onNode) {
    const param = takes(onNode);
    if (param) return { nodeId: onNode, param };
  }
  for (const target of Object.values(document.inputs)) {
    const [nodeId, param] = target.split('.') as [string, string];
    if (takes(nodeId) === param) return { nodeId, param };
  }
  for (const nodeId of Object.keys(document.nodes)) {
    const param = takes(nodeId);
    if (param) return { nodeId, param };
  }
  return undefined;
}

/** The node a graph gets for a dropped file that none of its nodes takes: the painting, or the driver, as the presets name them. */
const sourceNodes = {
  image: { type: 'source-image', id: 'paint', input: 'source', pos: [40, 40] },
  video: { type: 'driving-video', id: 'drive', input: 'driving', pos: [40, 300] },
} as const;

/** The room a node takes on the canvas, near enough to keep a new one clear of it. */
const nodeRoom = [260, 200] as const;

/**
 * The document with a dropped file in place: in the parameter `dropTarget` picks where a node takes it, else in a new
 * source node (a picture becomes the painting, a video the driver, named as graph inputs `--source` and `--driving`),
 * so that a file dropped on an empty editor starts a graph instead of being refused. One edit, one undo step.
 */
export function placeDroppedFile(
  document: GraphDocument,
  registry: NodeRegistry,
  kind: FileParam['accept'],
  onNode: string | undefined,
  value: string,
): { document: GraphDocument; nodeId: string; param: string } | undefined {
  const target = dropTarget(document, registry, kind, onNode);
  if (target) {
    const node = document.nodes[target.nodeId]!;
    const nodes = { ...document.nodes, [target.nodeId]: { ...node, params: { ...node.params, [target.param]: value } } };
    return { document: { ...document, nodes }, ...target };
  }
  if (kind === 'any') return undefined;
  const source = sourceNodes[kind];
  const definition = registry.get(source.type);
  const param = Object.entries(definition?.params ?? {}).find(([, spec]) => spec.kind === 'file' && spec.role === 'input')?.[0];
  if (!definition || !param) return undefined;
  let nodeId: string = source.id;
  for (let n = 2; document.nodes[nodeId]; n++) nodeId = `${source.id}${n}`;
  const taken = Object.values(document.nodes).flatMap((node) => (node.ui?.pos ? [[node.ui.pos[0], node.ui.pos[1], ...nodeRoom] as const] : []));
  const pos = taken.length === 0 ? [...source.pos] : freeSpot(taken, nodeRoom, [source.pos[0] + nodeRoom[0] / 2, source.pos[1] + nodeRoom[1] / 2]);
  const nodes = { ...document.nodes, [nodeId]: { type: source.type, typeVersion: definition.version, params: { [param]: value }, ui: { pos: [pos[0], pos[1]] as [number, number] } } };
  const inputs = document.inputs[source.input] ? document.inputs : { ...document.inputs, [source.input]: `${nodeId}.${param}` };
  return { document: { ...document, nodes, inputs }, nodeId, param };
}
