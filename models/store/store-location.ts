import { join, resolve } from 'node:path';
import { modelsFolder } from './models-folder.ts';

/**
 * Where the store puts things: `<store>/<id>/<file>` for installed files, `<file>.part` beside it while a download
 * is in progress (only the download ever opens it), and `models.lock.json` at the top recording every file's hash.
 */

export const lockFileName = 'models.lock.json';

/** The store folder: `--models-dir` where given (it wins), else VIVIFY_MODELS_DIR, else the user's cache folder. */
export function resolveModelsDir(option?: string): string {
  return resolve(option ?? modelsFolder().path);
}

export function modelFolder(storeDir: string, id: string): string {
  return join(storeDir, id);
}

/** The installed file a node opens. */
export function modelFilePath(storeDir: string, id: string, file: string): string {
  return join(storeDir, id, file);
}

/** A download in progress: renamed to the installed name only once its hash and signature are checked. */
export function partFilePath(storeDir: string, id: string, file: string): string {
  return `${modelFilePath(storeDir, id, file)}.part`;
}

export function lockFilePath(storeDir: string): string {
  return join(storeDir, lockFileName);
}

/**
 * The `--models-dir` a suggested command needs to reach this store: none for the default store, so messages stay
 * short where users never chose a folder.
 */
export function storeOption(storeDir: string): string {
  if (resolve(storeDir) === resolveModelsDir()) return '';
  return ` --models-dir ${/[\s"'$`\\]/.test(storeDir) ? JSON.stringify(storeDir) : storeDir}`;
}
