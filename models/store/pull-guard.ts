import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../runtime/errors.ts';
import { processAlive } from './process-alive.ts';

/**
 * One pull of a model at a time: two would append to the same .part files. The guard is a file holding the pulling
 * process's id; one left by a process that died (Ctrl-C, a crash) is taken over.
 */
export async function acquirePullGuard(modelDir: string, id: string): Promise<() => Promise<void>> {
  await mkdir(modelDir, { recursive: true });
  const path = join(modelDir, '.pull.pid');
  try {
    await writeFile(path, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(await readFile(path, 'utf8').catch(() => ''));
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
      throw new UsageError(`another pull of "${id}" is running (process ${holder}); wait for it to finish`);
    }
    await writeFile(path, String(process.pid));
  }
  return () => rm(path, { force: true });
}
