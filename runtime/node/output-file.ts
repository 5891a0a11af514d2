import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { access, constants, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { graphSidecarPath } from '../host.ts';
import { processAlive } from '../../models/store/process-alive.ts';
import { cleanUpAtExit } from './exit-cleanup.ts';
import { displayPath } from './paths.ts';

/** Fails with one sentence where the video at `path`, or its graph sidecar, cannot be written as asked. */
export function checkOutputPath(path: string, overwrite: boolean): Promise<void> {
  return checkWritable([path, graphSidecarPath(path)], overwrite);
}

/**
 * Fails with one sentence where a file in `paths` cannot be written: its folder is missing or not writable, the path
 * is a folder, or it exists (without `overwrite`). Checked before any work, so a render never fails at its end on
 * these. Temporary files that dead runs left beside these paths are removed.
 */
export async function checkWritable(paths: string[], overwrite: boolean): Promise<void> {
  for (const path of paths) {
    const folder = dirname(path);
    const folderStat = await stat(folder).catch(() => undefined);
    if (!folderStat?.isDirectory()) throw new UsageError(`${displayPath(path)}: the folder ${displayPath(folder)} does not exist`);
    await access(folder, constants.W_OK).catch(() => {
      throw new UsageError(`${displayPath(path)}: the folder ${displayPath(folder)} is not writable`);
    });
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw new UsageError(`${displayPath(path)}: is a folder; name a file to write`);
    if (existing && !overwrite) throw new UsageError(`${displayPath(path)}: already exists; pass --force to replace it`);
    await removeStaleTemporaries(path);
  }
}

const temporaryMark = '.vivify-tmp-';

/**
 * Removes the temporary files of `path` (and of files named after it: its sidecar) that runs which no longer exist
 * left behind: a run killed outright (SIGKILL, a power cut) cannot clean up after itself.
 */
async function removeStaleTemporaries(path: string): Promise<void> {
  const folder = dirname(path);
  const prefix = `.${basename(path)}`;
  const names = await readdir(folder).catch(() => []);
  for (const name of names) {
    const at = name.indexOf(temporaryMark);
    if (!name.startsWith(prefix) || at < 0) continue;
    const pid = Number(name.slice(at + temporaryMark.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) await rm(join(folder, name), { force: true });
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
  /** Removes the temporary file if the process exits first (a second Ctrl-C exits without waiting). */
  private readonly release: () => void;

  constructor(readonly path: string) {
    const extension = basename(path).match(/\.[^.]+$/)?.[0] ?? '';
    this.temporaryPath = join(dirname(path), `.${basename(path)}${temporaryMark}${process.pid}-${randomBytes(3).toString('hex')}${extension}`);
    this.release = cleanUpAtExit(() => rmSync(this.temporaryPath, { force: true }));
  }

  async commit(): Promise<void> {
    await rename(this.temporaryPath, this.path);
    this.release();
  }

  async discard(): Promise<void> {
    await rm(this.temporaryPath, { force: true });
    this.release();
  }
}
