import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { VivifyError, messageOf } from '../../runtime/errors.ts';
import { lockFilePath } from './store-location.ts';

/**
 * models.lock.json: what the store holds, file by file: its sha256 and size, where it came from, and whether it was
 * downloaded or imported. A hash recorded by a verified download pins the file: later pulls must give the same bytes,
 * which is how a catalog entry without a published hash still gets checked.
 */

export const LOCK_FORMAT = 'vivify.models-lock';

const lockedFile = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.int().min(0),
  /** The URL it (or, for a converted file, its checkpoint) was downloaded from; null where imported. */
  url: z.string().nullable(),
  /** converted: made here from a checkpoint in another format (the catalog's `convert`), downloaded or imported. */
  source: z.enum(['downloaded', 'imported', 'converted']),
  /** The file it was imported from, for the user's own record. */
  from: z.string().optional(),
  /** For a converted file: the checkpoint's sha256, which later downloads of it must match. */
  sourceSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  recordedAt: z.string(),
});

const lockSchema = z.strictObject({
  format: z.literal(LOCK_FORMAT),
  version: z.literal(1),
  models: z.record(z.string(), z.record(z.string(), lockedFile)),
});

export type ModelLock = z.infer<typeof lockSchema>;
export type LockedFile = z.infer<typeof lockedFile>;

export function emptyLock(): ModelLock {
  return { format: LOCK_FORMAT, version: 1, models: {} };
}

/** The store's lock; an empty one where the store has none yet. */
export async function readLock(storeDir: string): Promise<ModelLock> {
  const path = lockFilePath(storeDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyLock();
    throw new VivifyError(`cannot read ${path}: ${messageOf(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new VivifyError(`${path} is damaged (${messageOf(error)}); remove it and run vivify models verify to see what the store holds`);
  }
  const result = lockSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new VivifyError(`${path} is damaged (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable'}); remove it and pull or import again`);
  }
  return result.data;
}

export function lockedFileOf(lock: ModelLock, id: string, file: string): LockedFile | undefined {
  return lock.models[id]?.[file];
}

/**
 * Reads the lock, lets `change` edit it, and writes it back through a temporary file and a rename, so a crash never
 * leaves half a lock. (Two commands writing at the same instant could still lose one record; `verify` shows it.)
 */
export async function updateLock(storeDir: string, change: (lock: ModelLock) => void): Promise<void> {
  const lock = await readLock(storeDir);
  change(lock);
  for (const [id, files] of Object.entries(lock.models)) if (Object.keys(files).length === 0) delete lock.models[id];
  const path = lockFilePath(storeDir);
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(storeDir, { recursive: true });
  try {
    await writeFile(temporary, `${JSON.stringify(lock, null, 2)}\n`);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function recordFile(storeDir: string, id: string, file: string, record: Omit<LockedFile, 'recordedAt'>): Promise<void> {
  await updateLock(storeDir, (lock) => {
    lock.models[id] = { ...lock.models[id], [file]: { ...record, recordedAt: new Date().toISOString() } };
  });
}
