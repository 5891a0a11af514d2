import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { displayPath } from './paths.ts';

/** The sidecar that holds the graph which made an output. */
export function sidecarPath(outputPath: string): string {
  return `${outputPath}.vivify.json`;
}

/** Fails with one sentence where `path` (or its sidecar) cannot be written as asked. */
export async function checkOutputPath(path: string, overwrite: boolean): Promise<void> {
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) throw new UsageError(`${displayPath(path)}: the folder ${displayPath(folder)} does not exist`);
  if (overwrite) return;
  for (const target of [path, sidecarPath(path)]) {
    if (await stat(target).catch(() => undefined)) {
      throw new UsageError(`${displayPath(target)}: already exists; pass --force to replace it`);
    }
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
