import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sharedMedia } from './cli.ts';

const exec = promisify(execFile);

/**
 * Training faces for tests, in the layout `vivify extract` writes (<dir>/*.png, <dir>/masks/<name>.png, and
 * optionally alignments.json): every frame of a shared talking-head video, cropped around the face by a fixed
 * square and scaled down with ffmpeg, each with the same elliptical mask. A stand-in until tests can run the
 * extractor itself; only this file then changes.
 */

export interface FaceVideo {
  video: string;
  /** A square around the face in every frame (these clips are framed as talking heads). */
  crop: { x: number; y: number; side: number };
}

/** Two different people: d0 (512x512, green screen, 78 frames) and d20 (480x480, talking, 175 frames). */
export const faceVideos = {
  a: { video: sharedMedia('driving/d0.mp4'), crop: { x: 120, y: 155, side: 270 } },
  b: { video: sharedMedia('driving/d20.mp4'), crop: { x: 115, y: 105, side: 250 } },
} satisfies Record<string, FaceVideo>;

/** Writes the crops into `folder`; with `alignments`, an alignments.json listing them as vivify extract does. */
export async function makeFaceCrops(folder: string, source: FaceVideo, options: { size?: number; alignments?: boolean } = {}): Promise<number> {
  const { size = 64, alignments = true } = options;
  const { x, y, side } = source.crop;
  await mkdir(join(folder, 'masks'), { recursive: true });
  await exec('ffmpeg', ['-v', 'error', '-y', '-i', source.video, '-vf', `crop=${side}:${side}:${x}:${y},scale=${size}:${size}:flags=area`, join(folder, 'face_%04d.png')]);
  // An ellipse a little taller than wide, as a face is, drawn once and given to every crop.
  const mask = join(folder, 'masks', '.ellipse.png');
  const half = size / 2;
  const ellipse = `255*lte(pow((X-${half - 0.5})/${(size * 0.4).toFixed(1)}\\,2)+pow((Y-${half + 1})/${(size * 0.47).toFixed(1)}\\,2)\\,1)`;
  await exec('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=black:s=${size}x${size},format=gray`, '-vf', `geq=lum='${ellipse}'`, '-frames:v', '1', mask]);
  const names = (await readdir(folder)).filter((name) => name.endsWith('.png')).sort();
  for (const name of names) await copyFile(mask, join(folder, 'masks', name));
  if (alignments) {
    const faces = names.map((name, frame) => ({ file: name, mask: `masks/${name}`, source: source.video, frame, matrix: null, landmarks: null }));
    const listing = { format: 'vivify.faces', version: 1, size, alignment: 'test-centre-crop', faces, skipped: {} };
    await writeFile(join(folder, 'alignments.json'), `${JSON.stringify(listing, null, 2)}\n`);
  }
  return names.length;
}
