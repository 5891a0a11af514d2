import { UsageError } from '../errors.ts';
import { checkParam, describeParam, parseParamText, type ParamValue } from '../params.ts';
import type { NodeRegistry } from '../registry.ts';
import { inputFlag } from './command-line.ts';
import type { GraphDocument } from './document.ts';
import { dict, own } from './own.ts';

/** Values a user gives at run time: graph inputs by name (`--driving`) and single parameters (`--set node.param=v`). */
export interface Overrides {
  inputs?: Record<string, string>;
  sets?: string[];
}

/**
 * Returns a copy of `document` with the overrides applied. `resolveFile` turns file paths given on the command line
 * into paths the host can open (the CLI makes them absolute). Unknown names fail with the names that exist, and a
 * value out of range fails naming the option that gave it (the graph file is not to blame).
 */
export function applyOverrides(
  document: GraphDocument,
  registry: NodeRegistry,
  overrides: Overrides,
  resolveFile: (path: string) => string = (path) => path,
): GraphDocument {
  const nodes = copyNodes(document.nodes);
  const setParam = (nodeId: string, param: string, raw: string | ParamValue, origin: string) => {
    const node = own(nodes, nodeId);
    if (!node) throw new UsageError(`${origin}: there is no node "${nodeId}" (nodes: ${Object.keys(nodes).join(', ')})`);
    const specs = registry.get(node.type)?.params;
    const spec = own(specs, param);
    if (!spec) {
      const names = Object.keys(specs ?? {});
      throw new UsageError(`${origin}: ${node.type} has no parameter "${param}" (it has ${names.join(', ') || 'none'})`);
    }
    let value: ParamValue;
    try {
      value = typeof raw === 'string' ? parseParamText(spec, raw) : raw;
    } catch (error) {
      throw new UsageError(`${origin}: ${(error as Error).message}`);
    }
    const wrong = checkParam(spec, value);
    if (wrong) throw new UsageError(`${origin}: ${wrong} (${describeParam(spec)})`);
    if (spec.kind === 'file' && typeof value === 'string' && value !== '') value = resolveFile(value);
    node.params[param] = value;
  };

  for (const [name, value] of Object.entries(overrides.inputs ?? {})) {
    const option = inputFlag(name);
    const target = own(document.inputs, name);
    if (!target) {
      const names = Object.keys(document.inputs);
      throw new UsageError(`${option}: this graph has no "${name}" input (${names.length > 0 ? `its inputs: ${names.join(', ')}` : 'it has none'}); use --set node.param=value`);
    }
    const [nodeId = '', param = ''] = target.split('.');
    setParam(nodeId, param, value, option);
  }
  for (const assignment of overrides.sets ?? []) {
    const match = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(assignment);
    if (!match) throw new UsageError(`--set ${assignment}: expected node.param=value`);
    setParam(match[1]!, match[2]!, match[3]!, `--set ${assignment}`);
  }
  return { ...document, nodes };
}

/** Applies `resolve` to every non-empty file parameter: the CLI makes a graph's relative paths relative to its file. */
export function mapFileParams(document: GraphDocument, registry: NodeRegistry, resolve: (path: string) => string): GraphDocument {
  const nodes = copyNodes(document.nodes);
  for (const node of Object.values(nodes)) {
    const specs = registry.get(node.type)?.params;
    for (const [name, value] of Object.entries(node.params)) {
      if (own(specs, name)?.kind === 'file' && typeof value === 'string' && value !== '') node.params[name] = resolve(value);
    }
  }
  return { ...document, nodes };
}

/** Nodes with params of their own to change, in prototype-less records (any id or name is an ordinary key). */
function copyNodes(nodes: GraphDocument['nodes']): GraphDocument['nodes'] {
  return dict(Object.entries(nodes).map(([id, node]) => [id, { ...node, params: dict(Object.entries(node.params)) }]));
}
