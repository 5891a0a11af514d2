import { cp, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, sharedMedia } from '../../support/cli.ts';

/**
 * Training faces for tests, made as users make them: `vivify extract` on two shared talking-head videos of different
 * people (d0: 78 frames, d20: 175), aligned onto the mean face at 64 px with their masks and alignments.json.
 */

export const faceVideos = { a: sharedMedia('driving/d0.mp4'), b: sharedMedia('driving/d20.mp4') };

/** Extracts `video`'s faces into `folder`; returns how many crops it wrote. */
export async function extractFaces(folder: string, video: string, size = 64): Promise<number> {
  const result = await runCli(['extract', video, '--out', folder, '--size', String(size)]);
  if (result.code !== 0) throw new Error(`vivify extract ${video} failed: ${result.stderr}`);
  return (await readdir(folder)).filter((name) => name.endsWith('.png')).length;
}

/** The same faces as a plain folder of crops with masks/ and no alignments.json (the trainer's other layout). */
export async function withoutListing(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) if (name !== 'alignments.json') await cp(join(from, name), join(to, name), { recursive: true });
}
