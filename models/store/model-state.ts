import { stat } from 'node:fs/promises';
import type { CatalogEntry } from '../catalog.ts';
import { catalogEntry } from '../catalog.ts';
import type { ModelProblem } from '../../runtime/model-problem.ts';
import { loadCatalog } from './catalog-file.ts';
import { catalogModelWay, unknownModelWay } from './model-remedy.ts';
import { modelFilePath, partFilePath, storeOption } from './store-location.ts';

/** installed: every file is in place; partial: some are, or a download is under way; missing: nothing yet. */
export type InstallState = 'installed' | 'partial' | 'missing';

export interface FileState {
  name: string;
  state: InstallState;
  /** Bytes on disk: the installed file's, or the .part's while partial. */
  bytes?: number;
}

export interface ModelState {
  id: string;
  state: InstallState;
  files: FileState[];
}

/** Which files of a model are in the store, from their names alone (fast: hashes are `verify`'s job). */
export async function modelState(storeDir: string, entry: CatalogEntry): Promise<ModelState> {
  const files: FileState[] = [];
  for (const file of entry.files) {
    const installed = await fileSize(modelFilePath(storeDir, entry.id, file.name));
    const part = installed === undefined ? await fileSize(partFilePath(storeDir, entry.id, file.name)) : undefined;
    const state: InstallState = installed !== undefined ? 'installed' : part !== undefined ? 'partial' : 'missing';
    files.push({ name: file.name, state, bytes: installed ?? part });
  }
  const installedCount = files.filter((file) => file.state === 'installed').length;
  const state: InstallState =
    installedCount === files.length ? 'installed' : files.every((file) => file.state === 'missing') ? 'missing' : 'partial';
  return { id: entry.id, state, files };
}

/**
 * Why a graph cannot use the model with this id from this store, with the commands that get it, or undefined when
 * every file is installed. Hosts call this before a run so a missing model is one sentence, not a failed open.
 * `task` is what the node needs it for ("faceswap"): a model no catalog knows is named with the way to make one.
 */
export async function findModelProblem(storeDir: string, id: string, task?: string): Promise<ModelProblem | undefined> {
  const catalog = loadCatalog(storeDir);
  const entry = catalogEntry(id, catalog);
  const option = storeOption(storeDir);
  if (!entry) {
    const way = unknownModelWay(id, task, catalog, option);
    if (way) return { model: id, message: `the graph needs model "${id}", which is not in the model store (${storeDir}): ${way.advice}`, remedy: way.remedy, command: way.command };
    const known = catalog.models.map((model) => model.id).join(', ');
    return { model: id, message: `the graph needs model "${id}", which the model catalog does not know (it has ${known || 'no models'})`, remedy: 'unknown' };
  }
  const state = await modelState(storeDir, entry);
  if (state.state === 'installed') return undefined;
  const absent = state.files.filter((file) => file.state !== 'installed').map((file) => file.name);
  const where =
    state.state === 'missing'
      ? `which is not in the model store (${storeDir})`
      : `which is not complete in the model store (${storeDir}): it lacks ${absent.join(', ')}`;
  const way = catalogModelWay(entry, option);
  return { model: id, message: `the graph needs model "${id}" (${entry.title}), ${where}; ${way.advice}`, remedy: way.remedy, command: way.command };
}

/** findModelProblem's sentence alone: what the CLI prints. */
export async function modelProblem(storeDir: string, id: string, task?: string): Promise<string | undefined> {
  return (await findModelProblem(storeDir, id, task))?.message;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}
