import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { FileParam } from '../../runtime/params.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';

/** One of the graph's command-line inputs that reads a file the user gives (`--source`, `--driving`). */
export interface GraphInputFile {
  /** The input's name: `source` for `--source`. */
  name: string;
  nodeId: string;
  param: string;
  accept: FileParam['accept'];
  /** The file's name as the graph holds it; empty while none is chosen. */
  file: string;
}

/** The graph's inputs that read a file, in the document's order, each with the file chosen for it (if any). */
export function graphInputFiles(document: GraphDocument, registry: NodeRegistry): GraphInputFile[] {
  return Object.entries(document.inputs).flatMap(([name, target]) => {
    const [nodeId = '', param = ''] = target.split('.');
    const node = Object.hasOwn(document.nodes, nodeId) ? document.nodes[nodeId] : undefined;
    const spec = node && registry.get(node.type)?.params[param];
    if (!node || spec?.kind !== 'file' || spec.role !== 'input') return [];
    const value = node.params[param];
    return [{ name, nodeId, param, accept: spec.accept, file: typeof value === 'string' ? value : '' }];
  });
}

/** What a picker of this kind of file is called where the graph has not named it better. */
export function pickerPrompt(accept: FileParam['accept']): string {
  return accept === 'image' ? 'choose a painting…' : accept === 'video' ? 'choose a driving video…' : 'choose a file…';
}

/** The `accept` attribute of a file input for this kind of file. */
export function acceptAttribute(accept: FileParam['accept']): string | undefined {
  return accept === 'image' ? 'image/*' : accept === 'video' ? 'video/*' : undefined;
}
