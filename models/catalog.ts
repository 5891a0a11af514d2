import { z } from 'zod';
import catalogJson from './catalog.json' with { type: 'json' };
import { UsageError } from '../runtime/errors.ts';

/**
 * The model catalog: the ONNX weights Vivify can use but cannot ship (too large, their own licences). Each entry names
 * its files, where to fetch them and the signature each must have, so a pulled or imported file is checked before any
 * node opens it. Host-agnostic: the CLI's store and the editor read the same catalog.
 */

export const CATALOG_FORMAT = 'vivify.model-catalog';

/** The element types a catalog may name, as onnxruntime spells them. */
export const catalogElementTypes = ['float32', 'float16', 'float64', 'int64', 'int32', 'int8', 'uint8', 'bool'] as const;
export type CatalogElementType = (typeof catalogElementTypes)[number];

const elementType = z.enum(catalogElementTypes);

/** A dimension: a size, or a name ("height") where the file must leave it free (a model that takes any size). */
const dimension = z.union([z.int().min(1), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a free dimension is named with letters, digits or "_"')]);

const tensor = z.strictObject({
  name: z.string().min(1),
  /** One type, or the types a file may use (an export in float16 is as good as one in float32). */
  type: z.union([elementType, z.array(elementType).min(1)]),
  shape: z.array(dimension),
});

const signature = z.strictObject({
  inputs: z.array(tensor).min(1),
  outputs: z.array(tensor).min(1),
});

// Ids and file names become paths in the store (and `remove` deletes the id's folder): nothing that climbs out of it.
const modelIdPattern = /^[a-z0-9][a-z0-9._-]*$/;
const modelId = z.string().regex(modelIdPattern, 'a model id is lowercase letters, digits, ".", "_" or "-"');
const fileNamePattern = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const fileName = z
  .string()
  .regex(fileNamePattern, 'a file name is letters, digits, ".", "_" or "-", without folders')
  .refine((name) => !name.endsWith('.part'), 'a file name may not end in .part (downloads in progress use it)');

const modelFile = z
  .strictObject({
    name: fileName,
    /**
     * Where to download it; absent or null for a model made on this machine (`vivify train`), which has none. Only
     * https, so that nobody on the way can swap the bytes; plain http only from this machine (a local mirror).
     */
    url: z
      .url({ protocol: /^https?$/ })
      .refine((url) => url.startsWith('https:') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url), 'a download url must be https (plain http only from this machine)')
      .nullish(),
    /** Bytes, where known. */
    size: z.int().min(1).nullish(),
    /** Where known; absent or null means not known yet (the first verified pull records it in the store's lock). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits')
      .nullish(),
    /** What an ONNX file must declare; absent for other files a model carries (its metadata JSON). */
    signature: signature.optional(),
  })
  .refine((file) => file.signature !== undefined || !file.name.endsWith('.onnx'), { message: 'an .onnx file needs its signature', path: ['signature'] });

/**
 * Formats Vivify converts to ONNX when a model is pulled or imported: `cyclegan-resnet` is a CycleGAN ResNet generator
 * checkpoint (the authors' PyTorch state dict), converted with PyTorch and checked with onnxruntime.
 */
export const modelConverterKinds = ['cyclegan-resnet'] as const;
export type ModelConverterKind = (typeof modelConverterKinds)[number];

const catalogEntrySchema = z
  .strictObject({
    id: modelId,
    title: z.string().min(1),
    /** What the model is for, as "reenact". */
    task: z.string().min(1),
    licence: z.string().min(1),
    homepage: z.url(),
    notes: z.string(),
    /**
     * Where the model is published in another format: its one file is made on this machine from the download. That
     * file's url, size and sha256 are then the published checkpoint's; the lock pins the file made from it.
     */
    convert: z.enum(modelConverterKinds).optional(),
    files: z
      .array(modelFile)
      .min(1)
      .refine((files) => new Set(files.map((file) => file.name)).size === files.length, 'each file name must appear once'),
  })
  .refine((entry) => !entry.convert || (entry.files.length === 1 && Boolean(entry.files[0]?.url) && entry.files[0]?.name.endsWith('.onnx')), {
    message: 'a converted model has one .onnx file, whose url is the checkpoint it is converted from',
    path: ['convert'],
  });

export const catalogSchema = z
  .strictObject({
    format: z.literal(CATALOG_FORMAT, `expected "${CATALOG_FORMAT}"`),
    version: z.literal(1),
    models: z.array(catalogEntrySchema),
  })
  .refine((catalog) => new Set(catalog.models.map((model) => model.id)).size === catalog.models.length, {
    message: 'each model id must appear once',
    path: ['models'],
  });

export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogEntry = Catalog['models'][number];
export type CatalogFile = CatalogEntry['files'][number];
export type CatalogSignature = z.infer<typeof signature>;
export type CatalogTensor = CatalogSignature['inputs'][number];

/** Parses a catalog, or throws a UsageError naming `source` and every problem with its JSON path. */
export function parseCatalog(data: unknown, source: string): Catalog {
  const result = catalogSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.length > 0 ? `${formatPath(issue.path)}: ` : ''}${issue.message}`);
  throw new UsageError(`${source}: not a valid model catalog (${lines.length === 1 ? '1 problem' : `${lines.length} problems`}):\n${lines.join('\n')}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`)).join('');
}

/** The catalog that ships with Vivify (models/catalog.json). */
export const builtInCatalog: Catalog = parseCatalog(catalogJson, 'models/catalog.json');

/** `extra`'s entries added to `base`, replacing those with the same id in place (a mirror or a test's own files). */
export function mergeCatalogs(base: Catalog, extra: Catalog): Catalog {
  const extraById = new Map(extra.models.map((model) => [model.id, model]));
  const models = base.models.map((model) => extraById.get(model.id) ?? model);
  const baseIds = new Set(base.models.map((model) => model.id));
  return { ...base, models: [...models, ...extra.models.filter((model) => !baseIds.has(model.id))] };
}

/** The entry with this id, or undefined. */
export function catalogEntry(id: string, catalog: Catalog = builtInCatalog): CatalogEntry | undefined {
  return catalog.models.find((model) => model.id === id);
}

/** Whether `id` has the form of a model id (safe as a folder name in the store). */
export function isModelId(id: string): boolean {
  return modelIdPattern.test(id);
}

/** Whether `name` can be a finished model file in the store (no folders, not a download in progress). */
export function isModelFileName(name: string): boolean {
  return fileNamePattern.test(name) && !name.endsWith('.part');
}

/**
 * Whether every file the model downloads has a published sha256 in the catalog. An unpinned file is checked by its
 * signature only on its first pull; the lock then pins the bytes it got.
 */
export function isPinned(entry: CatalogEntry): boolean {
  return entry.files.every((file) => !file.url || Boolean(file.sha256));
}

/** The total size of a model's files, or undefined where any file's size is unknown. */
export function modelSize(entry: CatalogEntry): number | undefined {
  let total = 0;
  for (const file of entry.files) {
    if (!file.size) return undefined;
    total += file.size;
  }
  return total;
}

/** The types a tensor may have, as a list. */
export function allowedTypes(tensor: CatalogTensor): CatalogElementType[] {
  return Array.isArray(tensor.type) ? tensor.type : [tensor.type];
}
