import { z } from 'zod';
import type { Problem } from '../errors.ts';
import {
  GRAPH_FORMAT,
  GRAPH_VERSION,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  edgeSchema,
  graphDocumentSchema,
  inputNameSchema,
  inputTargetSchema,
  nodeEntrySchema,
  nodeIdSchema,
} from './document.ts';
import { formatPath } from './json-path.ts';
import { dict, own } from './own.ts';

/** What a document's shape says: its well-formed parts, and a problem for each part that is not. */
export interface ReadDocument {
  /** The parts with the right shape; nodes, params and inputs are prototype-less records (own.ts). */
  document: GraphDocument;
  /** Each kept edge's position in the file (malformed edges are left out of `document.edges`). */
  edgeIndexes: number[];
  /** Ids of nodes present in the file but malformed, so that edges to them are not called dangling. */
  broken: Set<string>;
  problems: Problem[];
}

/** An object, checked for being one only: the records below are read key by key, never by zod's records. */
const anyObject = z.custom<Record<string, unknown>>(isRecord, 'expected an object');

const shellNode = nodeEntrySchema.extend({ params: anyObject.optional() });
const shell = graphDocumentSchema.extend({
  // load.ts checks the version first, with messages of its own.
  version: z.unknown().optional(),
  nodes: anyObject,
  edges: z.array(z.unknown()).optional(),
  inputs: anyObject.optional(),
});

/**
 * Reads a document's shape, part by part, so that one broken part does not hide the others and every name the file
 * uses (node ids, parameter and input names) is kept as an ordinary key, whatever it is.
 */
export function readDocument(value: Record<string, unknown>): ReadDocument {
  const problems: Problem[] = [];
  const whole = shell.safeParse(value);
  if (!whole.success) problems.push(...zodProblems(whole.error.issues, []));

  const nodes = dict<GraphNode>();
  const broken = new Set<string>();
  const rawNodes = own(value, 'nodes');
  for (const [id, raw] of Object.entries(isRecord(rawNodes) ? rawNodes : {})) {
    const name = nodeIdSchema.safeParse(id);
    if (!name.success) problems.push({ path: formatPath(['nodes', id]), message: name.error.issues[0]!.message });
    const entry = shellNode.safeParse(raw);
    if (!entry.success) problems.push(...zodProblems(entry.error.issues, ['nodes', id]));
    if (!name.success || !entry.success) {
      broken.add(id);
      continue;
    }
    nodes[id] = { ...entry.data, params: dict(Object.entries(entry.data.params ?? {})) };
  }

  const edges: GraphEdge[] = [];
  const edgeIndexes: number[] = [];
  const rawEdges = own(value, 'edges');
  (Array.isArray(rawEdges) ? rawEdges : []).forEach((raw, index) => {
    const edge = edgeSchema.safeParse(raw);
    if (!edge.success) return void problems.push(...zodProblems(edge.error.issues, ['edges', index]));
    edges.push(edge.data);
    edgeIndexes.push(index);
  });

  const inputs = dict<string>();
  const rawInputs = own(value, 'inputs');
  for (const [name, target] of Object.entries(isRecord(rawInputs) ? rawInputs : {})) {
    const path = formatPath(['inputs', name]);
    const nameCheck = inputNameSchema.safeParse(name);
    const targetCheck = inputTargetSchema.safeParse(target);
    if (!nameCheck.success) problems.push({ path, message: nameCheck.error.issues[0]!.message });
    if (!targetCheck.success) problems.push({ path, message: targetCheck.error.issues[0]!.message });
    if (nameCheck.success && targetCheck.success) inputs[name] = targetCheck.data;
  }

  // The other parts hold no names that are looked up; zod's own checks serve.
  const shape = graphDocumentSchema.shape;
  const meta = shape.meta.safeParse(own(value, 'meta'));
  const models = shape.models.safeParse(own(value, 'models'));
  const groups = shape.groups.safeParse(own(value, 'groups'));
  const document: GraphDocument = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    meta: meta.success ? meta.data : {},
    nodes,
    edges,
    inputs,
    models: models.success ? models.data : [],
    ...(groups.success && groups.data ? { groups: groups.data } : {}),
  };
  return { document, edgeIndexes, broken, problems };
}

function zodProblems(issues: z.core.$ZodIssue[], prefix: PropertyKey[]): Problem[] {
  return issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }));
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
