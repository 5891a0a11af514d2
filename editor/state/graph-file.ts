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

/** A file that is no graph this editor can read (not JSON, not a Vivify graph, a newer version): it opens nothing. */
export interface UnreadableGraph {
  document: undefined;
  /** Why, in the CLI's words. */
  problem: Problem;
}

/** Problems about the document as a whole: where one is found, there is no graph to show, only the reason. */
const wholeDocumentPaths = new Set(['', 'format', 'version']);

export function emptyGraph(): GraphDocument {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, meta: {}, nodes: {}, edges: [], inputs: {}, models: [] };
}

/**
 * Opens a graph file's text. A graph with problems still opens, never blank: its nodes and edges are shown as
 * written and the problems are listed (the same sentences the CLI prints). A file that is no readable graph at all
 * opens nothing, so that the graph on screen is not swapped for an empty one.
 */
export function openGraphText(text: string, registry: NodeRegistry): OpenedGraph | UnreadableGraph {
  const parsed = parseJsonStrict(text);
  const unparsed = parsed.problems[0];
  if (parsed.value === undefined) return { document: undefined, problem: unparsed ?? { path: '', message: 'not valid JSON' } };
  const checked = checkGraph(parsed.value, registry, {}, parsed.problems);
  const whole = checked.problems.find((problem) => wholeDocumentPaths.has(problem.path));
  if (whole) return { document: undefined, problem: whole };
  return { document: checked.document ?? salvageDocument(parsed.value), problems: checked.problems };
}

/** What opening a file came to, as the store reports it. */
export type OpenOutcome = { opened: true; problems: readonly Problem[] } | { opened: false; problem: Problem };

/** The one status sentence for a file opened (or not): it names the file and, where there is one, the problem. */
export function openedMessage(name: string, outcome: OpenOutcome): string {
  if (!outcome.opened) return `${name} was not opened: ${outcome.problem.message}; the graph shown is unchanged`;
  return outcome.problems.length > 0 ? `${name}: ${outcome.problems.length} problem(s), listed on their nodes` : `opened ${name}`;
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
