import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, VivifyError, messageOf } from '../../runtime/errors.ts';
import {
  CATALOG_FORMAT,
  builtInCatalog,
  catalogEntry,
  isModelId,
  parseCatalog,
  type Catalog,
  type CatalogEntry,
  type CatalogSignature,
} from '../catalog.ts';
import { fileSignatureProblems } from '../signature-check.ts';
import { sha256File } from './file-hash.ts';
import { updateLock } from './lock-file.ts';
import { modelFilePath, modelFolder } from './store-location.ts';

/**
 * Models made on this machine (`vivify train`): their catalog entries live in the store itself, in
 * `<store>/catalog.local.json`, so a store carries what it needs to verify and open them. loadCatalog merges them in;
 * their files have no URL (nothing to download) and are recorded in the lock as imported.
 */

export const localCatalogName = 'catalog.local.json';

export function localCatalogPath(storeDir: string): string {
  return join(storeDir, localCatalogName);
}

/** The store's own catalog, or undefined where it has none. Synchronous, as loadCatalog is (the file is small). */
export function readLocalCatalog(storeDir: string): Catalog | undefined {
  const path = localCatalogPath(storeDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VivifyError(`cannot read ${path}: ${messageOf(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is damaged (${messageOf(error)}); remove it and register the trained models again`);
  }
  return parseCatalog(data, path);
}

/** A file to register: where it is now, and the signature an ONNX file must declare. */
export interface LocalModelFile {
  name: string;
  path: string;
  signature?: CatalogSignature;
  /** What the lock records it was made from, where that is not `path` (a temporary file converted from a checkpoint). */
  from?: string;
}

export interface LocalModel {
  id: string;
  title: string;
  task: string;
  licence: string;
  homepage: string;
  notes: string;
  files: LocalModelFile[];
}

/** Why `id` cannot name a model made here, or undefined: it must be a plain id and not one the catalog ships. */
export function localModelIdProblem(id: string): string | undefined {
  if (!isModelId(id)) return `"${id}" is not a model id (lowercase letters, digits, ".", "_" or "-", starting with a letter or digit)`;
  if (catalogEntry(id, builtInCatalog)) return `"${id}" is a model of Vivify's own catalog; choose another name`;
  return undefined;
}

/**
 * Installs a model made on this machine: checks each ONNX file against its signature, copies every file into
 * `<store>/<id>/` (through temporary names, so a failure leaves the earlier version whole), records their hashes in
 * the lock as imported, and writes the entry, with sizes and hashes, into the store's catalog. Registering an id
 * again replaces the model. Returns the entry.
 */
export async function registerLocalModel(storeDir: string, model: LocalModel): Promise<CatalogEntry> {
  const idProblem = localModelIdProblem(model.id);
  if (idProblem) throw new UsageError(idProblem);
  const folder = modelFolder(storeDir, model.id);
  await mkdir(folder, { recursive: true });
  const staged: { name: string; temporary: string; from: string; size: number; sha256: string; signature?: CatalogSignature }[] = [];
  try {
    for (const file of model.files) {
      const temporary = join(folder, `.${file.name}.${randomBytes(4).toString('hex')}.registering`);
      staged.push({ name: file.name, temporary, from: file.from ?? file.path, size: 0, sha256: '', signature: file.signature });
      await copyFile(file.path, temporary);
      const problems = file.signature ? fileSignatureProblems(file.name, file.signature, readFileSync(temporary)) : [];
      if (problems.length > 0) throw new VivifyError(`${file.path} cannot be registered as "${model.id}": ${problems.join('; ')}`);
      const last = staged[staged.length - 1]!;
      last.size = (await stat(temporary)).size;
      last.sha256 = await sha256File(temporary);
    }
    for (const file of staged) await rename(file.temporary, modelFilePath(storeDir, model.id, file.name));
  } finally {
    await Promise.all(staged.map((file) => rm(file.temporary, { force: true })));
  }
  // Files of an earlier version that this one lacks would read as part of it.
  const names = new Set(staged.map((file) => file.name));
  for (const name of await readdir(folder)) if (!names.has(name) && !name.startsWith('.')) await rm(join(folder, name), { recursive: true, force: true });

  const recordedAt = new Date().toISOString();
  await updateLock(storeDir, (lock) => {
    lock.models[model.id] = Object.fromEntries(
      staged.map((file) => [file.name, { sha256: file.sha256, size: file.size, url: null, source: 'imported' as const, from: file.from, recordedAt }]),
    );
  });
  const entry: CatalogEntry = {
    id: model.id,
    title: model.title,
    task: model.task,
    licence: model.licence,
    homepage: model.homepage,
    notes: model.notes,
    files: staged.map((file) => ({ name: file.name, url: null, size: file.size, sha256: file.sha256, ...(file.signature ? { signature: file.signature } : {}) })),
  };
  await updateLocalCatalog(storeDir, (models) => [...models.filter((other) => other.id !== model.id), entry]);
  return entry;
}

/** Drops a model's entry from the store's catalog; whether it had one. */
export async function forgetLocalModel(storeDir: string, id: string): Promise<boolean> {
  const catalog = readLocalCatalog(storeDir);
  if (!catalog?.models.some((model) => model.id === id)) return false;
  await updateLocalCatalog(storeDir, (models) => models.filter((model) => model.id !== id));
  return true;
}

/** Read, change, and write back through a temporary file and a rename (as the lock is). */
async function updateLocalCatalog(storeDir: string, change: (models: CatalogEntry[]) => CatalogEntry[]): Promise<void> {
  const models = change(readLocalCatalog(storeDir)?.models ?? []);
  const catalog = parseCatalog({ format: CATALOG_FORMAT, version: 1, models }, localCatalogPath(storeDir));
  const path = localCatalogPath(storeDir);
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(catalog, null, 2)}\n`);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
