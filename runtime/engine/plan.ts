import { UsageError } from '../errors.ts';
import type { GraphDocument } from '../graph/document.ts';
import { topologicalOrder } from '../graph/order.ts';
import type { Host } from '../host.ts';
import type { AnyNodeDefinition, NodeContext } from '../node-definition.ts';
import { defaultParams, type ParamValue } from '../params.ts';
import type { NodeRegistry } from '../registry.ts';

/** A node's outputs by port. */
export type Outputs = Record<string, unknown>;

interface Incoming {
  port: string;
  fromId: string;
  fromPort: string;
}

/** A node as the run holds it: its definition, its full params, what feeds it, and whether it runs per frame. */
export interface PlannedNode {
  id: string;
  definition: AnyNodeDefinition;
  params: Record<string, ParamValue>;
  incoming: Incoming[];
  streaming: boolean;
}

/** A streaming node made ready to run: the context it sees and the state its `prepare` returned. */
export interface Prepared {
  node: PlannedNode;
  context: NodeContext<Record<string, ParamValue>>;
  state: unknown;
}

/** Resolves definitions, full params and incoming edges, in topological order; marks the nodes that stream. */
export function planNodes(document: GraphDocument, registry: NodeRegistry): PlannedNode[] {
  const { order, cycle } = topologicalOrder(Object.keys(document.nodes), document.edges);
  if (cycle) throw new Error(`the graph has a cycle: ${cycle.join(' -> ')}`);
  const planned = new Map<string, PlannedNode>();
  for (const id of order) {
    const node = document.nodes[id]!;
    const definition = registry.get(node.type);
    if (!definition) throw new Error(`unknown node type "${node.type}"`);
    const incoming = document.edges
      .filter((edge) => edge.to[0] === id)
      .map((edge) => ({ port: edge.to[1], fromId: edge.from[0], fromPort: edge.from[1] }));
    const params = { ...defaultParams(definition.params), ...(node.params as Record<string, ParamValue>) };
    const streaming = Boolean(definition.timeline) || incoming.some((edge) => planned.get(edge.fromId)?.streaming);
    planned.set(id, { id, definition, params, incoming, streaming });
  }
  return [...planned.values()];
}

/**
 * The nodes a run needs: `targets` and everything that feeds them, in run order. Without targets, the nodes that
 * produce nothing but their effect (an output that writes a file) are the targets; a graph without such nodes (a
 * viewer taps its nodes' outputs) runs whole. Returns the needed nodes and the ids of those left out.
 */
export function neededNodes(nodes: PlannedNode[], targets?: readonly string[]): { needed: PlannedNode[]; unused: string[] } {
  const sinks = targets ?? nodes.filter((node) => Object.keys(node.definition.outputs).length === 0).map((node) => node.id);
  if (sinks.length === 0) return { needed: nodes, unused: [] };
  const wanted = new Set(sinks);
  for (const node of nodes.slice().reverse()) {
    if (wanted.has(node.id)) for (const edge of node.incoming) wanted.add(edge.fromId);
  }
  return { needed: nodes.filter((node) => wanted.has(node.id)), unused: nodes.filter((node) => !wanted.has(node.id)).map((node) => node.id) };
}

/** Every model the graph needs must be there before anything runs: a missing one is named with the way to get it. */
export async function checkModels(nodes: PlannedNode[], host: Host): Promise<void> {
  // Each model once per task: what a node needs it for says how a model no catalog knows is made.
  const needs = new Map<string, { model: string; task?: string }>();
  for (const node of nodes) {
    const task = node.definition.modelTask;
    for (const model of node.definition.models?.(node.params) ?? []) needs.set(`${task ?? ''}\0${model}`, { model, task });
  }
  const problems = await Promise.all([...needs.values()].map((need) => host.modelProblem(need.model, need.task)));
  const messages = problems.flatMap((problem) => (problem ? [problem.message] : []));
  if (messages.length) throw new UsageError(messages.join('\n'));
}

export function gatherInputs(node: PlannedNode, values: Map<string, Outputs>): Record<string, never> {
  const inputs: Record<string, unknown> = {};
  for (const edge of node.incoming) inputs[edge.port] = values.get(edge.fromId)?.[edge.fromPort];
  // The definition's typed `run` reads these by port name; validation guaranteed the types match.
  return inputs as Record<string, never>;
}

/** Type, version, params and the keys of everything upstream: equal keys mean equal results. */
export function cacheKey(node: PlannedNode, upstreamKeys: Map<string, string>, external: string | undefined): string {
  const upstream = node.incoming
    .map((edge) => `${edge.port}=${edge.fromPort}@(${upstreamKeys.get(edge.fromId)})`)
    .sort()
    .join(',');
  return `${node.definition.type}@${node.definition.version}${JSON.stringify(node.params)}[${upstream}]${external ?? ''}`;
}
