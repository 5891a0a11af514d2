import { rm, stat } from 'node:fs/promises';
import { UsageError } from '../../runtime/errors.ts';
import { isModelId } from '../catalog.ts';
import { forgetLocalModel } from './local-catalog.ts';
import { readLock, updateLock } from './lock-file.ts';
import { modelFolder } from './store-location.ts';

/**
 * Deletes a model's folder (installed files, downloads in progress), its lock entries and, for a model trained here,
 * its entry in the store's catalog. Works for ids the catalog no longer has, so old downloads can be cleared. Returns
 * whether there was anything to remove.
 */
export async function removeModel(storeDir: string, id: string): Promise<boolean> {
  // The id becomes a path that is deleted recursively: only a plain id may get there.
  if (!isModelId(id)) throw new UsageError(`"${id}" is not a model id (lowercase letters, digits, ".", "_" or "-")`);
  const folder = modelFolder(storeDir, id);
  const hadFolder = await stat(folder).then(
    () => true,
    () => false,
  );
  const hadLock = (await readLock(storeDir)).models[id] !== undefined;
  if (hadFolder) await rm(folder, { recursive: true, force: true });
  if (hadLock) await updateLock(storeDir, (lock) => void delete lock.models[id]);
  // A model trained here leaves the store's catalog with its files.
  const hadEntry = await forgetLocalModel(storeDir, id);
  return hadFolder || hadLock || hadEntry;
}
