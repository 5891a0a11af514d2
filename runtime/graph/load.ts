import type { Problem } from '../errors.ts';
import type { AnyNodeDefinition } from '../node-definition.ts';
import { checkParam, describeParam } from '../params.ts';
import { canConnect } from '../port-types.ts';
import type { NodeRegistry } from '../registry.ts';
import { optionFor, renderOptionNames } from './command-line.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type GraphEdge, type GraphNode } from './document.ts';
import { tooDeepInValue, tooDeepMessage } from './json-depth.ts';
import { formatPath } from './json-path.ts';
import { topologicalOrder } from './order.ts';
import { dict, own } from './own.ts';
import { parseJsonStrict } from './parse-json.ts';
import { isRecord, readDocument } from './read-document.ts';

export { isRecord };

export interface LoadResult {
  /** The migrated document; present only when there are no problems. */
  document?: GraphDocument;
  problems: Problem[];
}

export interface CheckOptions {
  /** Report required file parameters left empty (true when about to render; a preset may leave them open). */
  requireFiles?: boolean;
}

/**
 * Parses, migrates and checks a graph file's text, gathering every problem rather than stopping at the first: the
 * one entry point for `vivify render` and `vivify validate`.
 */
export function loadGraph(text: string, registry: NodeRegistry, options: CheckOptions = {}): LoadResult {
  const parsed = parseJsonStrict(text);
  if (parsed.value === undefined) return { problems: parsed.problems };
  return checkGraph(parsed.value, registry, options, parsed.problems);
}

/** Nodes and edges a graph may have: a real one has about ten nodes; checking and planning grow with the count. */
export const MAX_NODES = 500;
export const MAX_EDGES = 5000;

/** A graph too large to check and run in bounded time, refused before anything else is looked at. */
function graphSizeProblem(value: Record<string, unknown>): Problem | undefined {
  const nodes = own(value, 'nodes');
  const edges = own(value, 'edges');
  const nodeCount = isRecord(nodes) ? Object.keys(nodes).length : 0;
  if (nodeCount > MAX_NODES) return { path: 'nodes', message: `has ${nodeCount} nodes; a graph may have at most ${MAX_NODES} (one that animates a painting has about 10)` };
  const edgeCount = Array.isArray(edges) ? edges.length : 0;
  if (edgeCount > MAX_EDGES) return { path: 'edges', message: `has ${edgeCount} edges; a graph may have at most ${MAX_EDGES}` };
  return undefined;
}

/**
 * Checks a document already parsed from JSON (the editor holds one in memory; the CLI checks again after `--set`).
 * Whatever the names in it, the document returned keeps its nodes, params and inputs in prototype-less records.
 */
export function checkGraph(value: unknown, registry: NodeRegistry, options: CheckOptions = {}, earlier: Problem[] = []): LoadResult {
  const problems = [...earlier];
  const deep = tooDeepInValue(value);
  if (deep) return { problems: [...problems, { path: formatPath(deep), message: tooDeepMessage() }] };
  if (!isRecord(value)) return { problems: [...problems, { path: '', message: 'a graph document is a JSON object' }] };
  if (own(value, 'format') !== GRAPH_FORMAT) {
    return { problems: [...problems, { path: 'format', message: `not a Vivify graph: expected "format": "${GRAPH_FORMAT}"` }] };
  }
  const size = graphSizeProblem(value);
  if (size) return { problems: [...problems, size] };
  const version = versionProblem(own(value, 'version'));
  if (version?.newer) return { problems: [...problems, { path: 'version', message: version.message }] };
  if (version) problems.push({ path: 'version', message: version.message });

  // Check the meaning of every part that has the right shape, even when another part does not.
  const { document, edgeIndexes, broken, problems: shapeProblems } = readDocument(value);
  problems.push(...shapeProblems);

  const migrated = dict<GraphNode>();
  for (const [id, node] of Object.entries(document.nodes)) {
    const definition = registry.get(node.type);
    if (!definition) {
      problems.push({ path: formatPath(['nodes', id, 'type']), message: unknownTypeMessage(node.type, registry) });
      broken.add(id);
      continue;
    }
    const upgraded = migrateNode(id, node, definition, problems);
    if (!upgraded) {
      broken.add(id);
      continue;
    }
    checkParams(id, upgraded, definition, document, options, problems);
    migrated[id] = upgraded;
  }
  checkEdges(document.edges, edgeIndexes, migrated, broken, registry, problems);
  checkInputs(document, migrated, broken, registry, problems);

  const { cycle } = topologicalOrder(Object.keys(migrated), document.edges);
  if (cycle) problems.push({ path: 'edges', message: `the edges form a cycle: ${cycle.join(' -> ')}; a graph must flow one way` });

  const ids = new Set<string>();
  document.models.forEach((model, index) => {
    if (ids.has(model.id)) problems.push({ path: formatPath(['models', index, 'id']), message: `duplicate model id "${model.id}"` });
    ids.add(model.id);
  });

  if (problems.length > 0) return { problems };
  return { document: { ...document, version: GRAPH_VERSION, nodes: migrated }, problems };
}

/** What is wrong with a document's version, if anything; a newer one ends the check, its parts may mean other things. */
function versionProblem(version: unknown): { message: string; newer?: boolean } | undefined {
  const readable = `this Vivify reads version ${GRAPH_VERSION}`;
  if (version === undefined) return { message: `a graph document needs a version (${readable})` };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    const got = typeof version === 'string' ? JSON.stringify(version.slice(0, 20)) : typeof version === 'object' && version !== null ? 'an object' : String(version);
    return { message: `the version must be a whole number, from 1 (${readable}); got ${got}` };
  }
  if (version > GRAPH_VERSION) {
    return { message: `made by a newer Vivify (document version ${version}; this one reads up to ${GRAPH_VERSION}): update Vivify`, newer: true };
  }
  return undefined;
}

function migrateNode(id: string, node: GraphNode, definition: AnyNodeDefinition, problems: Problem[]): GraphNode | undefined {
  const path = formatPath(['nodes', id, 'typeVersion']);
  if (node.typeVersion > definition.version) {
    problems.push({
      path,
      message: `${node.type} version ${node.typeVersion} is newer than this Vivify knows (${definition.version}): update Vivify`,
    });
    return undefined;
  }
  let params: Record<string, unknown> = node.params;
  for (let version = node.typeVersion; version < definition.version; version++) {
    const migrate = own(definition.migrations, version);
    if (!migrate) {
      problems.push({ path, message: `${node.type} has no migration from version ${version} to ${version + 1}` });
      return undefined;
    }
    try {
      params = dict(Object.entries(migrate(params)));
    } catch (error) {
      // A migration is written for the params its version had; odd values in an old file must not crash the check.
      const message = error instanceof Error ? error.message : String(error);
      problems.push({ path: formatPath(['nodes', id, 'params']), message: `cannot carry these params from ${node.type} version ${version} to ${version + 1}: ${message}` });
      return undefined;
    }
  }
  return { ...node, typeVersion: definition.version, params: params === node.params ? dict(Object.entries(params)) : params };
}

function checkParams(
  id: string,
  node: GraphNode,
  definition: AnyNodeDefinition,
  document: GraphDocument,
  options: CheckOptions,
  problems: Problem[],
): void {
  const known = Object.keys(definition.params);
  for (const [name, value] of Object.entries(node.params)) {
    const path = formatPath(['nodes', id, 'params', name]);
    const spec = own(definition.params, name);
    if (!spec) {
      const list = known.length > 0 ? `it has ${known.join(', ')}` : 'it has none';
      problems.push({ path, message: `${node.type} has no parameter "${name}" (${list})` });
      continue;
    }
    const wrong = checkParam(spec, value);
    if (wrong) problems.push({ path, message: `${wrong} (${describeParam(spec)})` });
  }
  if (!options.requireFiles) return;
  for (const [name, spec] of Object.entries(definition.params)) {
    if (spec.kind !== 'file' || !spec.required) continue;
    const value = own(node.params, name) ?? spec.default;
    if (value !== '') continue;
    const exposed = Object.entries(document.inputs).find(([, target]) => target === `${id}.${name}`)?.[0];
    const how = exposed ? optionFor(exposed) : `--set ${id}.${name}=FILE`;
    problems.push({ path: formatPath(['nodes', id, 'params', name]), message: `no ${spec.accept} file given: pass ${how}` });
  }
}

function checkEdges(
  edges: GraphEdge[],
  /** Each edge's position in the file (broken edges were left out of `edges`). */
  edgeIndexes: number[],
  nodes: Record<string, GraphNode>,
  broken: Set<string>,
  registry: NodeRegistry,
  problems: Problem[],
): void {
  const fed = new Map<string, number>();
  edges.forEach((edge, position) => {
    const index = edgeIndexes[position]!;
    const path = formatPath(['edges', index]);
    const [fromId, fromPort] = edge.from;
    const [toId, toPort] = edge.to;
    if (broken.has(fromId) || broken.has(toId)) {
      // The edge is there: its input is not also "not connected" because a node at one end is malformed.
      if (!fed.has(`${toId}.${toPort}`)) fed.set(`${toId}.${toPort}`, index);
      return;
    }
    const fromNode = own(nodes, fromId);
    const toNode = own(nodes, toId);
    if (!fromNode) problems.push({ path: `${path}.from`, message: `there is no node "${fromId}"` });
    if (!toNode) problems.push({ path: `${path}.to`, message: `there is no node "${toId}"` });
    if (!fromNode || !toNode) return;
    const fromSpec = own(registry.get(fromNode.type)!.outputs, fromPort);
    const toSpec = own(registry.get(toNode.type)!.inputs, toPort);
    if (!fromSpec) {
      problems.push({ path: `${path}.from`, message: portMessage(fromNode.type, 'output', fromPort, registry.get(fromNode.type)!.outputs) });
    }
    if (!toSpec) {
      problems.push({ path: `${path}.to`, message: portMessage(toNode.type, 'input', toPort, registry.get(toNode.type)!.inputs) });
    }
    if (!fromSpec || !toSpec) return;
    if (!canConnect(fromSpec.type, toSpec.type)) {
      problems.push({
        path,
        message: `cannot connect ${fromId}.${fromPort} (${fromSpec.type}) to ${toId}.${toPort} (${toSpec.type}): the types differ`,
      });
    }
    const key = `${toId}.${toPort}`;
    if (fed.has(key)) {
      problems.push({ path: `${path}.to`, message: `${key} is already fed by edges[${fed.get(key)}]; an input takes one edge` });
    } else {
      fed.set(key, index);
    }
  });
  for (const [id, node] of Object.entries(nodes)) {
    for (const [port, spec] of Object.entries(registry.get(node.type)!.inputs)) {
      if (spec.optional || fed.has(`${id}.${port}`)) continue;
      problems.push({ path: formatPath(['nodes', id]), message: `required input "${port}" (${spec.type}) is not connected` });
    }
  }
}

function checkInputs(
  document: GraphDocument,
  nodes: Record<string, GraphNode>,
  broken: Set<string>,
  registry: NodeRegistry,
  problems: Problem[],
): void {
  for (const [name, target] of Object.entries(document.inputs)) {
    const [id = '', param = ''] = target.split('.');
    const path = formatPath(['inputs', name]);
    if ((renderOptionNames as readonly string[]).includes(name)) {
      problems.push({ path, message: `"${name}" is an option of vivify render itself (--${name}): give the input another name` });
    }
    if (broken.has(id)) continue;
    const node = own(nodes, id);
    if (!node) problems.push({ path, message: `there is no node "${id}"` });
    else if (!own(registry.get(node.type)!.params, param)) problems.push({ path, message: `${node.type} has no parameter "${param}"` });
  }
}

function portMessage(type: string, direction: 'input' | 'output', port: string, ports: Record<string, unknown>): string {
  const names = Object.keys(ports);
  return `${type} has no ${direction} "${port}" (${names.length > 0 ? `its ${direction}s: ${names.join(', ')}` : `it has no ${direction}s`})`;
}

function unknownTypeMessage(type: string, registry: NodeRegistry): string {
  const types = registry.types();
  const within = Math.max(2, Math.floor(type.length / 3));
  // The distance is at least the difference in length: a long hostile name is not compared letter by letter.
  const close = types.filter((known) => Math.abs(known.length - type.length) <= within && editDistance(known, type) <= within);
  const hint = close.length > 0 ? `did you mean ${close.map((t) => `"${t}"`).join(' or ')}?` : `known types: ${types.join(', ')}`;
  return `unknown node type "${type}": ${hint}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
