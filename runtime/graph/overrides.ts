import { UsageError } from '../errors.ts';
import { parseParamText, type ParamValue } from '../params.ts';
import type { NodeRegistry } from '../registry.ts';
import type { GraphDocument } from './document.ts';

/** Values a user gives at run time: graph inputs by name (`--driving`) and single parameters (`--set node.param=v`). */
export interface Overrides {
  inputs?: Record<string, string>;
  sets?: string[];
}

/**
 * Returns a copy of `document` with the overrides applied. `resolveFile` turns file paths given on the command line
 * into paths the host can open (the CLI makes them absolute). Unknown names fail with the names that exist.
 */
export function applyOverrides(
  document: GraphDocument,
  registry: NodeRegistry,
  overrides: Overrides,
  resolveFile: (path: string) => string = (path) => path,
): GraphDocument {
  const nodes = structuredClone(document.nodes);
  const setParam = (nodeId: string, param: string, raw: string | ParamValue, origin: string) => {
    const node = nodes[nodeId];
    if (!node) throw new UsageError(`${origin}: there is no node "${nodeId}" (nodes: ${Object.keys(nodes).join(', ')})`);
    const spec = registry.get(node.type)?.params[param];
    if (!spec) {
      const names = Object.keys(registry.get(node.type)?.params ?? {});
      throw new UsageError(`${origin}: ${node.type} has no parameter "${param}" (it has ${names.join(', ') || 'none'})`);
    }
    let value: ParamValue;
    try {
      value = typeof raw === 'string' ? parseParamText(spec, raw) : raw;
    } catch (error) {
      throw new UsageError(`${origin}: ${(error as Error).message}`);
    }
    if (spec.kind === 'file' && typeof value === 'string' && value !== '') value = resolveFile(value);
    node.params = { ...node.params, [param]: value };
  };

  for (const [name, value] of Object.entries(overrides.inputs ?? {})) {
    const target = document.inputs[name];
    if (!target) {
      const names = Object.keys(document.inputs);
      const option = name === 'output' ? '-o' : `--${name}`;
      throw new UsageError(`${option}: this graph has no "${name}" input (${names.length > 0 ? `its inputs: ${names.join(', ')}` : 'it has none'}); use --set node.param=value`);
    }
    const [nodeId = '', param = ''] = target.split('.');
    setParam(nodeId, param, value, name === 'output' ? '-o' : `--${name}`);
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
  const nodes = structuredClone(document.nodes);
  for (const node of Object.values(nodes)) {
    const specs = registry.get(node.type)?.params ?? {};
    for (const [name, value] of Object.entries(node.params)) {
      if (specs[name]?.kind === 'file' && typeof value === 'string' && value !== '') node.params[name] = resolve(value);
    }
  }
  return { ...document, nodes };
}
