import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { alignmentName } from '../runtime/align/face-align.ts';
import { drawFaceSketch } from '../runtime/draw/face-sketch.ts';
import { UsageError, messageOf } from '../runtime/errors.ts';
import { displayPath } from '../runtime/node/paths.ts';
import { extractFaces, writePng } from './extract-command.ts';

/**
 * The training pairs of `vivify train pix2pix`: for every aligned crop of the target, the landmark sketch drawn from
 * its own landmarks by runtime/draw/face-sketch.ts, the function the pix2pix-face node draws with, so the generator
 * learns from the sketches it will be shown. Videos are extracted first, as `vivify extract` does (into
 * <model folder>/faces); folders `vivify extract` made are used where they are. Everything goes in the model folder:
 *
 *   <out>/faces/            crops of the videos given (a vivify extract face set)
 *   <out>/pairs/pairs.json  the pairs: each sketch and the crop it was drawn from
 *   <out>/pairs/sketches/   the sketches, at the training size
 */

export const pairsFolderName = 'pairs';

/** The sides of the preset's pictures, as models/train/pix2pix_train.py's PRESETS has them. */
export const pix2pixPresetSizes = { small: 64, original: 256, hd: 512 } as const;

const faceSet = z.object({
  format: z.literal('vivify.faces'),
  size: z.int().min(1),
  alignment: z.string(),
  faces: z.array(z.object({ file: z.string(), landmarks: z.array(z.tuple([z.number(), z.number()])) })),
});

export interface Pix2pixPairs {
  /** The pairs folder the trainer takes (--pairs). */
  folder: string;
  pairs: number;
  sources: { folder: string; faces: number }[];
}

/**
 * Makes the pairs of `targets` (videos, pictures, or face-set folders) at `size` in `out`/pairs, replacing any made
 * before. Each target is checked before any work: a missing one, or a folder holding no face set, is one UsageError.
 */
export async function makePix2pixPairs(targets: string[], out: string, size: number, options: { json?: boolean }): Promise<Pix2pixPairs> {
  const folders: string[] = [];
  const media: string[] = [];
  for (const target of targets) {
    const path = resolve(target);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`${displayPath(path)}: no such file or folder (vivify train pix2pix takes videos of the target, or folders vivify extract made)`);
    if (!info.isDirectory()) media.push(path);
    else if (existsSync(join(path, 'alignments.json'))) folders.push(path);
    else throw new UsageError(`${displayPath(path)} holds no faces: no alignments.json (vivify extract makes one from a video; or give the video itself)`);
  }
  const sets = await Promise.all(folders.map(readFaceSet));
  if (media.length > 0) {
    const faces = join(out, 'faces');
    const extracted = await extractFaces(media, { out: faces, size: String(size), force: true, json: options.json });
    if (extracted.crops === 0) throw new UsageError(`no usable face in ${media.map(displayPath).join(', ')} (${extracted.skipped.noFace} frames without a face, ${extracted.skipped.blurry} blurred)`);
    sets.push(await readFaceSet(faces));
  }

  const folder = join(out, pairsFolderName);
  await rm(folder, { recursive: true, force: true });
  await mkdir(join(folder, 'sketches'), { recursive: true });
  const pairs: { sketch: string; face: string }[] = [];
  const writing: Promise<void>[] = [];
  for (const [k, set] of sets.entries()) {
    // Landmarks are in the crop's pixels: scaled to the training size, where the trainer scales the crop too.
    const scale = size / set.document.size;
    for (const face of set.document.faces) {
      const points = new Float32Array(face.landmarks.length * 3);
      face.landmarks.forEach(([x, y], i) => points.set([x * scale, y * scale, 0], i * 3));
      const sketch = `sketches/${k}-${face.file.replaceAll('/', '_')}`;
      pairs.push({ sketch, face: join(set.folder, face.file) });
      writing.push(writePng(join(folder, sketch), drawFaceSketch(points, size), 3));
      if (writing.length >= 16) await Promise.all(writing.splice(0));
    }
  }
  await Promise.all(writing);
  const sources = sets.map((set) => ({ folder: set.folder, faces: set.document.faces.length }));
  const listing = { format: 'vivify.pix2pix-pairs', version: 1, size, alignment: alignmentName, sources, pairs };
  await writeFile(join(folder, 'pairs.json'), `${JSON.stringify(listing, null, 1)}\n`);
  return { folder, pairs: pairs.length, sources };
}

/** A face set's alignments.json, checked: made with this alignment, holding faces with their landmarks. */
async function readFaceSet(folder: string): Promise<{ folder: string; document: z.infer<typeof faceSet> }> {
  const path = join(folder, 'alignments.json');
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${displayPath(path)} cannot be read as JSON: ${messageOf(error)}`);
  }
  const parsed = faceSet.safeParse(data);
  if (!parsed.success) throw new UsageError(`${displayPath(path)} is not a vivify.faces listing with landmarks (vivify extract writes them)`);
  const document = parsed.data;
  if (document.alignment !== alignmentName) {
    throw new UsageError(`${displayPath(path)}: its crops are aligned with "${document.alignment}", not "${alignmentName}" as the pix2pix-face node aligns; extract them again`);
  }
  if (document.faces.length === 0) throw new UsageError(`${displayPath(folder)} holds no faces (its alignments.json lists none); vivify extract makes them from a video of the target`);
  return { folder, document };
}
