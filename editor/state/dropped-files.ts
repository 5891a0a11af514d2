import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { FileParam } from '../../runtime/params.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';

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
