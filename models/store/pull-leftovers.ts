import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a failed pull must not leave in the store: empty .part files (a download that never got a byte) and then the
 * model's folder itself where nothing else is in it, so `vivify models pull <id>` offline leaves the store as it was.
 * A .part holding bytes stays: the next pull resumes from it.
 */
export async function removePullLeftovers(modelDir: string): Promise<void> {
  const names = await readdir(modelDir).catch(() => undefined);
  if (!names) return;
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    const path = join(modelDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && info.size === 0) await rm(path, { force: true });
  }
  // rmdir refuses a folder with anything left in it, which is the point.
  await rmdir(modelDir).catch(() => undefined);
}
