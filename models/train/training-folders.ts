import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError, messageOf } from '../../runtime/errors.ts';

/**
 * The folders training reads and writes, checked before the trainer starts so that a wrong path is one sentence
 * at once, not a Python failure minutes later. The rules are the trainer's (models/train/deepfakes.py): a folder's
 * faces are its alignments.json entries (vivify extract), else every .png in it.
 */

/** How many faces `folder` holds; a UsageError naming it where it is not a folder or holds none. */
export async function countFaces(folder: string, option: string): Promise<number> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`${option} ${folder}: there is no such folder`);
  const listing = join(folder, 'alignments.json');
  let count: number;
  if (existsSync(listing)) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(listing, 'utf8'));
    } catch (error) {
      throw new UsageError(`${listing} cannot be read as JSON: ${messageOf(error)}`);
    }
    const parsed = z.object({ format: z.literal('vivify.faces'), faces: z.array(z.object({ file: z.string() })) }).safeParse(data);
    if (!parsed.success) throw new UsageError(`${listing} is not a vivify.faces listing (vivify extract writes them)`);
    count = parsed.data.faces.length;
  } else {
    count = (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.png')).length;
  }
  if (count === 0) throw new UsageError(`${folder} (${option}) has no faces: no alignments.json entries and no .png crops; vivify extract makes them from a video`);
  return count;
}

/** What the trainer writes beside its checkpoint (checkpoint.json): enough to resume without repeating options. */
const checkpointSummary = z.object({
  preset: z.string(),
  size: z.int(),
  iteration: z.int(),
  iterations: z.int(),
  batch: z.int(),
  seconds: z.number(),
  /** The two-sided trainers' folders (deepfakes, cyclegan); pix2pix's one folder of training pairs. */
  a: z.object({ folder: z.string(), faces: z.int() }).nullable().optional(),
  b: z.object({ folder: z.string(), faces: z.int() }).nullable().optional(),
  pairs: z.object({ folder: z.string(), faces: z.int() }).nullable().optional(),
  /** The first and last losses (written by trainers since --status; older checkpoints lack them). */
  loss: z
    .object({ first: z.record(z.string(), z.number()).nullable(), last: z.record(z.string(), z.number()).nullable() })
    .optional(),
});
export type CheckpointSummary = z.infer<typeof checkpointSummary>;

export const checkpointFile = 'checkpoint.pt';

export function hasCheckpoint(modelDir: string): boolean {
  return existsSync(join(modelDir, checkpointFile));
}

/** The checkpoint's summary; a UsageError where `modelDir` holds none to resume. */
export async function readCheckpointSummary(modelDir: string): Promise<CheckpointSummary> {
  const path = join(modelDir, 'checkpoint.json');
  if (!hasCheckpoint(modelDir) || !existsSync(path)) throw new UsageError(`${modelDir} holds no checkpoint to resume; train without --resume to start one`);
  try {
    return checkpointSummary.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new UsageError(`${path} is damaged (${messageOf(error)}); the training in ${modelDir} cannot be resumed`);
  }
}
