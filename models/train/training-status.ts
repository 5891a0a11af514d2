import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { UsageError } from '../../runtime/errors.ts';
import { readLock } from '../store/index.ts';
import { readCheckpointSummary, type CheckpointSummary } from './training-folders.ts';

/** What `vivify train … --status <folder>` reports: the checkpoint, the last export, the latest preview, the store. */
export interface TrainingStatus {
  folder: string;
  checkpoint: CheckpointSummary;
  /** The ONNX export in the folder, where there is one: the iteration it was made at and when. */
  export?: { iteration: number; at: string; files: string[] };
  preview?: { iteration: number; path: string };
  /** Store ids whose files were registered from this folder (the lock records where each came from). */
  registered: string[];
}

/** `metadataFile` is the trainer's export record (deepfakes.json, cyclegan.json); `files` the ONNX files it exports. */
export async function readTrainingStatus(folder: string, metadataFile: string, files: readonly string[], storeDir: string): Promise<TrainingStatus> {
  const out = resolve(folder);
  if (!existsSync(join(out, 'checkpoint.json'))) throw new UsageError(`${out} holds no training (no checkpoint.json): --status takes the --out folder of a training`);
  const checkpoint = await readCheckpointSummary(out);
  return { folder: out, checkpoint, export: await lastExport(out, metadataFile, files), preview: await latestPreview(out), registered: await registeredFrom(out, storeDir) };
}

async function lastExport(out: string, metadataFile: string, files: readonly string[]): Promise<TrainingStatus['export']> {
  const path = join(out, metadataFile);
  const present = files.filter((file) => existsSync(join(out, file)));
  if (!existsSync(path) || present.length === 0) return undefined;
  try {
    const { iterations } = JSON.parse(await readFile(path, 'utf8')) as { iterations?: unknown };
    if (typeof iterations !== 'number') return undefined;
    return { iteration: iterations, at: (await stat(path)).mtime.toISOString(), files: present };
  } catch {
    return undefined;
  }
}

async function latestPreview(out: string): Promise<TrainingStatus['preview']> {
  const names = await readdir(join(out, 'previews')).catch(() => [] as string[]);
  const found = names
    .map((name) => ({ name, match: /^preview_(\d+)\.png$/.exec(name) }))
    .filter((entry) => entry.match)
    .map((entry) => ({ iteration: Number(entry.match![1]), path: join(out, 'previews', entry.name) }))
    .sort((x, y) => x.iteration - y.iteration);
  return found.at(-1);
}

async function registeredFrom(out: string, storeDir: string): Promise<string[]> {
  const lock = await readLock(storeDir).catch(() => undefined);
  if (!lock) return [];
  return Object.entries(lock.models)
    .filter(([, files]) => Object.values(files).some((file) => file.from?.startsWith(out + sep)))
    .map(([id]) => id);
}
