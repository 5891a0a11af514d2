import type { Problem } from '../../runtime/errors.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../runtime/graph/document.ts';
import { checkGraph, isRecord } from '../../runtime/graph/load.ts';
import { parseJsonStrict } from '../../runtime/graph/parse-json.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';

export interface OpenedGraph {
  /** What the editor shows: the migrated document, or as much of a broken one as has a recognisable shape. */
  document: GraphDocument;
  problems: Problem[];
}

export function emptyGraph(): GraphDocument {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, meta: {}, nodes: {}, edges: [], inputs: {}, models: [] };
}

/**
 * Opens a graph file's text. A document with problems still opens, never blank: its nodes and edges are shown as
 * written and the problems are listed (the same sentences the CLI prints).
 */
export function openGraphText(text: string, registry: NodeRegistry): OpenedGraph {
  const parsed = parseJsonStrict(text);
  if (parsed.value === undefined) return { document: emptyGraph(), problems: parsed.problems };
  const checked = checkGraph(parsed.value, registry, {}, parsed.problems);
  return { document: checked.document ?? salvageDocument(parsed.value), problems: checked.problems };
}

/** Checks a document the editor holds (after an edit): the problems to show, none where it is sound. */
export function checkDocument(document: GraphDocument, registry: NodeRegistry): Problem[] {
  return checkGraph(document, registry).problems;
}

/** The well-formed parts of a document that failed its checks. */
function salvageDocument(value: unknown): GraphDocument {
  const record = isRecord(value) ? value : {};
  const nodes: GraphDocument['nodes'] = {};
  for (const [id, node] of Object.entries(isRecord(record.nodes) ? record.nodes : {})) {
    if (!isRecord(node) || typeof node.type !== 'string') continue;
    nodes[id] = {
      type: node.type,
      typeVersion: typeof node.typeVersion === 'number' ? node.typeVersion : 1,
      params: isRecord(node.params) ? (node.params as GraphDocument['nodes'][string]['params']) : {},
      ...(isRecord(node.ui) ? { ui: node.ui as GraphDocument['nodes'][string]['ui'] } : {}),
    };
  }
  const edges = (Array.isArray(record.edges) ? record.edges : []).filter(
    (edge): edge is GraphDocument['edges'][number] =>
      isRecord(edge) && isPortRef(edge.from) && isPortRef(edge.to) && Boolean(nodes[edge.from[0]]) && Boolean(nodes[edge.to[0]]),
  );
  const inputs = Object.fromEntries(Object.entries(isRecord(record.inputs) ? record.inputs : {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return { ...emptyGraph(), meta: isRecord(record.meta) ? (record.meta as GraphDocument['meta']) : {}, nodes, edges, inputs };
}

/** A file name stem from a graph's title ("Animate a painting" -> "animate-a-painting"), or `fallback` without one. */
export function titleStem(title: string | undefined, fallback: string): string {
  return (title ?? '').replace(/[^\w-]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || fallback;
}

/** The document node a problem belongs to, from its JSON path (`nodes.f2f.params.expression`), if any. */
export function problemNode(problem: Problem): string | undefined {
  const match = /^nodes(?:\.([A-Za-z_][\w-]*)|\["((?:[^"\\]|\\.)*)"\])/.exec(problem.path);
  return match ? (match[1] ?? match[2]) : undefined;
}

function isPortRef(value: unknown): value is [string, string] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string';
}
