import { z } from 'zod';

/** The graph document: the one file the CLI reads, the editor saves and users share. Parameters are keyed by name. */

export const GRAPH_FORMAT = 'vivify.graph';
export const GRAPH_VERSION = 1;

const nodeId = z.string().regex(/^[A-Za-z_][\w-]*$/, 'a node id is a letter or _ followed by letters, digits, _ or -');

const nodeEntry = z.strictObject({
  type: z.string().min(1, 'a node needs a type'),
  typeVersion: z.int().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Editor-only layout; the runtime ignores it. */
  ui: z
    .looseObject({
      pos: z.tuple([z.number(), z.number()]).optional(),
      size: z.tuple([z.number(), z.number()]).optional(),
      title: z.string().optional(),
      collapsed: z.boolean().optional(),
    })
    .optional(),
});

const portRef = z.tuple([nodeId, z.string().min(1)]);

const edge = z.strictObject({ from: portRef, to: portRef });

const model = z.strictObject({
  id: z.string().min(1),
  url: z.url().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits')
    .optional(),
});

const group = z.strictObject({
  title: z.string(),
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  color: z.string().optional(),
});

export const graphDocumentSchema = z.strictObject({
  format: z.literal(GRAPH_FORMAT, `expected "${GRAPH_FORMAT}"`),
  version: z.int().min(1),
  meta: z.looseObject({ title: z.string().optional(), description: z.string().optional() }).default({}),
  nodes: z.record(nodeId, nodeEntry),
  edges: z.array(edge).default([]),
  /** Parameters a user sets from the command line: `--driving FILE` sets the parameter named by `inputs.driving`. */
  inputs: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]*$/, 'an input name is lowercase letters, digits and -'),
      z.string().regex(/^[A-Za-z_][\w-]*\.[A-Za-z_]\w*$/, 'expected "node.param"'),
    )
    .default({}),
  models: z.array(model).default([]),
  /** Editor-only labelled frames around parts of the graph. */
  groups: z.array(group).optional(),
});

export type GraphDocument = z.infer<typeof graphDocumentSchema>;
export type GraphNode = GraphDocument['nodes'][string];
export type GraphEdge = GraphDocument['edges'][number];
