import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { graphSidecarPath } from '../host.ts';
import { displayPath } from './paths.ts';

/** Fails with one sentence where the video at `path`, or its graph sidecar, cannot be written as asked. */
export function checkOutputPath(path: string, overwrite: boolean): Promise<void> {
  return checkWritable([path, graphSidecarPath(path)], overwrite);
}

/** Fails with one sentence where a file in `paths` cannot be written: its folder is missing, or it exists. */
export async function checkWritable(paths: string[], overwrite: boolean): Promise<void> {
  for (const path of paths) {
    const folder = dirname(path);
    const folderStat = await stat(folder).catch(() => undefined);
    if (!folderStat?.isDirectory()) throw new UsageError(`${displayPath(path)}: the folder ${displayPath(folder)} does not exist`);
    if (!overwrite && (await stat(path).catch(() => undefined))) {
      throw new UsageError(`${displayPath(path)}: already exists; pass --force to replace it`);
    }
  }
}

/** Writes a whole file through a temporary one, so a reader never sees half of it. */
export async function writeOutputFile(path: string, data: string | Uint8Array, overwrite: boolean): Promise<void> {
  await checkWritable([path], overwrite);
  const pending = new PendingFile(path);
  try {
    await writeFile(pending.temporaryPath, data);
    await pending.commit();
  } finally {
    await pending.discard();
  }
}

/**
 * A file written under a hidden temporary name beside its target and renamed into place only when complete, so a
 * failed or cancelled run leaves nothing at the target (and a replaced file stays whole until the new one is).
 */
export class PendingFile {
  readonly temporaryPath: string;

  constructor(readonly path: string) {
    const extension = basename(path).match(/\.[^.]+$/)?.[0] ?? '';
    this.temporaryPath = join(dirname(path), `.${basename(path)}.vivify-tmp-${process.pid}-${randomBytes(3).toString('hex')}${extension}`);
  }

  async commit(): Promise<void> {
    await rename(this.temporaryPath, this.path);
  }

  async discard(): Promise<void> {
    await rm(this.temporaryPath, { force: true });
  }
}
