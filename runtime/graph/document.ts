import { z } from 'zod';

/**
 * The graph document: the one file the CLI reads, the editor saves and users share. Parameters are keyed by name.
 * graphDocumentSchema gives the document's type; load.ts checks a file against its parts (read-document.ts), since
 * zod's records drop a "__proto__" key without a word.
 */

export const GRAPH_FORMAT = 'vivify.graph';
export const GRAPH_VERSION = 1;

export const nodeIdSchema = z.string().regex(/^[A-Za-z_][\w-]*$/, 'a node id is a letter or _ followed by letters, digits, _ or -');

export const nodeEntrySchema = z.strictObject({
  type: z.string('a node type is text').min(1, 'a node needs a type'),
  typeVersion: z.int('a node version is a whole number, from 1').min(1, 'a node version is a whole number, from 1'),
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

const portRef = z.tuple([nodeIdSchema, z.string().min(1)]);

export const edgeSchema = z.strictObject({ from: portRef, to: portRef });

export const modelSchema = z.strictObject({
  id: z.string().min(1),
  url: z.url().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits')
    .optional(),
});

export const groupSchema = z.strictObject({
  title: z.string(),
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  color: z.string().optional(),
});

export const inputNameSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, 'an input name is lowercase letters, digits and -');
export const inputTargetSchema = z.string('expected "node.param"').regex(/^[A-Za-z_][\w-]*\.[A-Za-z_]\w*$/, 'expected "node.param"');

export const graphDocumentSchema = z.strictObject({
  format: z.literal(GRAPH_FORMAT, `expected "${GRAPH_FORMAT}"`),
  version: z.int().min(1),
  meta: z.looseObject({ title: z.string().optional(), description: z.string().optional() }).default({}),
  nodes: z.record(nodeIdSchema, nodeEntrySchema),
  edges: z.array(edgeSchema).default([]),
  /** Parameters a user sets from the command line: `--driving FILE` sets the parameter named by `inputs.driving`. */
  inputs: z.record(inputNameSchema, inputTargetSchema).default({}),
  models: z.array(modelSchema).default([]),
  /** Editor-only labelled frames around parts of the graph. */
  groups: z.array(groupSchema).optional(),
});

export type GraphDocument = z.infer<typeof graphDocumentSchema>;
export type GraphNode = GraphDocument['nodes'][string];
export type GraphEdge = GraphDocument['edges'][number];
