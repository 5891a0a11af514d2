import cliProgress from 'cli-progress';
import { rmdirSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { alignFace, alignmentName, faceMaskInCrop, warpToCrop } from '../runtime/align/face-align.ts';
import { blurRule, blurryOnes, faceSharpness } from '../runtime/align/sharpness.ts';
import { UsageError } from '../runtime/errors.ts';
import type { DetectedFace, FaceDetector } from '../runtime/face-detector.ts';
import { applyAffine } from '../runtime/geometry/affine.ts';
import type { Mask, RgbaImage } from '../runtime/image.ts';
import { faceBox } from '../runtime/landmarks/face-choice.ts';
import type { RunWarning } from '../runtime/executor.ts';
import { cleanUpAtExit } from '../runtime/node/exit-cleanup.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { PendingFile } from '../runtime/node/output-file.ts';
import { displayPath } from '../runtime/node/paths.ts';
import { probeVideo } from '../runtime/node/probe-media.ts';
import { cancelOnSignal } from './cancel-on-signal.ts';
import { trackFaces } from './landmarks-graph.ts';

export interface ExtractOptions {
  out: string;
  size: string;
  force?: boolean;
  json?: boolean;
}

/** The crop sizes extract writes: the sizes DeepFakes-style models train at. */

const pictureExtensions = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.bmp']);
const videoExtensions = new Set(['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.wmv', '.flv']);

interface Input {
  path: string;
  kind: 'picture' | 'video';
  /** The file-name stem of its crops, unique among the inputs. */
  stem: string;
  frames: number;
}

interface FaceRecord {
  file: string;
  source: string;
  frame: number;
  /** Image pixels to crop pixels. */
  matrix: readonly number[];
  /** x, y of the 478 landmarks in crop pixels. */
  landmarks: Float32Array;
  sharpness: number;
  /** The crops blur is judged among: one video's frames, or all the pictures. */
  group: string;
}

/** The document `<out>/alignments.json` holds. */
export interface FaceSetDocument {
  format: 'vivify.faces';
  version: 1;
  size: number;
  alignment: string;
  faces: { file: string; mask: string; source: string; frame: number; matrix: number[]; landmarks: [number, number][] }[];
  skipped: { noFace: number; blurry: number };
}

/**
 * `vivify extract`: the face of every frame of pictures and videos, aligned onto the mean face (runtime/align) and
 * written as square PNG crops with their face masks, plus one alignments.json that says where each crop came from
 * and how it maps back. What DeepFakes trains on: two such folders, one per person.
 */
export async function extractCommand(inputPaths: string[], options: ExtractOptions): Promise<void> {
  const summary = await extractFaces(inputPaths, options);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const { crops, size, skipped, seconds } = summary;
  const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  process.stdout.write(
    `Wrote ${plural(crops, 'face crop', 'face crops')} (${size}x${size}) and their masks to ${displayPath(summary.out)} in ${seconds.toFixed(1)} s; ` +
      `skipped ${plural(skipped.noFace, 'frame', 'frames')} with no face and ${plural(skipped.blurry, 'blurry frame', 'blurry frames')}.\n`,
  );
}

/** What an extraction made: `vivify extract --json` prints it. */
export interface ExtractSummary {
  out: string;
  size: number;
  alignment: string;
  crops: number;
  frames: number;
  skipped: FaceSetDocument['skipped'];
  warnings: string[];
  seconds: number;
}

/**
 * The face set of `inputPaths` written to `options.out` (crops, masks/, alignments.json): `vivify extract`'s work, and
 * `vivify train pix2pix`'s for the videos it is given. A progress bar and warnings on stderr unless `options.json`.
 */
export async function extractFaces(inputPaths: string[], options: ExtractOptions): Promise<ExtractSummary> {
  const started = performance.now();
  const size = Number(options.size);
  const out = resolve(options.out);
  const inputs = await collectInputs(inputPaths, out);
  const madeFolders = await prepareOutput(out, Boolean(options.force));

  const host = createNodeHost();
  const total = inputs.reduce((sum, input) => sum + input.frames, 0);
  const bar = !options.json && process.stderr.isTTY ? progressBar(total) : undefined;
  const faces: FaceRecord[] = [];
  let noFace = 0;
  let done = 0;
  const writing = new WriteQueue();
  // A second Ctrl-C exits at once: the crops written so far go even then (as after the first, in the catch below).
  const releaseCrops = cleanUpAtExit(() => {
    for (const path of writing.written) rmSync(path, { force: true });
    for (const folder of madeFolders.slice().reverse()) rmdirSync(folder, { recursive: false });
  });
  // Warnings name the video and its frames; with --json they go in the summary, stdout's only line.
  const warnings: string[] = [];
  const warn = (warning: RunWarning) => {
    warnings.push(warning.message);
    if (!options.json) process.stderr.write(`${bar ? '\r\x1b[K' : ''}warning: ${warning.message}\n`);
  };
  try {
    let pictureDetector: FaceDetector | undefined;
    try {
      // Ctrl-C stops the run as it stops a render: exit 130, and the crops made so far are removed below.
      await cancelOnSignal(async (signal) => {
        for (const input of inputs) {
          const onFrame = async (image: RgbaImage, frame: number, found: Float32Array | undefined) => {
            done++;
            bar?.update(done, { fps: (done / ((performance.now() - started) / 1000)).toFixed(1) });
            if (!found) {
              noFace++;
              return;
            }
            const file = `${input.stem}_${String(frame).padStart(6, '0')}.png`;
            const record = extractFace(image, found, size, { file, source: input.path, frame, group: input.kind === 'video' ? input.path : '' });
            faces.push(record.face);
            await writing.add(join(out, file), () => writePng(join(out, file), record.crop, 3));
            await writing.add(join(out, 'masks', file), () => writePng(join(out, 'masks', file), record.mask, 1));
          };
          if (input.kind === 'picture') {
            // One picture is one look, not a frame loop: a single detector serves every picture.
            const image = await host.readImage(input.path);
            pictureDetector ??= await host.createFaceDetector({ mode: 'image', maxFaces: 4, minConfidence: 0.5 });
            await onFrame(image, 0, largest(await pictureDetector.detect(image, 0))?.points);
          } else {
            // A video is tracked on the executor, as renders and eval track theirs (progress, Ctrl-C, warnings).
            await trackFaces(host, input.path, (image, frame, face) => onFrame(image, frame, face?.points), { signal, onWarning: warn });
          }
        }
      });
      await writing.flush();
    } finally {
      pictureDetector?.close();
      bar?.stop();
    }
  } catch (error) {
    // Leave no crops of a run that did not finish: without their alignments.json they would only mislead.
    await writing.flush().catch(() => undefined);
    await Promise.all(writing.written.map((path) => rm(path, { force: true })));
    // The folders this run made go too, where nothing else has appeared in them (rmdir refuses a full folder).
    for (const folder of madeFolders.slice().reverse()) await rmdir(folder).catch(() => undefined);
    releaseCrops();
    throw error;
  }

  const kept = await dropBlurry(faces, out);
  const skipped = { noFace, blurry: faces.length - kept.length };
  await writeAlignments(out, { size, faces: kept, skipped });
  releaseCrops();
  const seconds = (performance.now() - started) / 1000;
  return { out, size, alignment: alignmentName, crops: kept.length, frames: total, skipped, warnings, seconds: Math.round(seconds * 100) / 100 };
}

/** The crop, mask and record of one face. */
function extractFace(image: RgbaImage, points: Float32Array, size: number, where: Pick<FaceRecord, 'file' | 'source' | 'frame' | 'group'>) {
  const { toCrop, toImage } = alignFace(points, size);
  const crop = warpToCrop(image, toImage, size);
  // A soft edge of a pixel or two (1 at 64 and 128, 2 at 256): the oval is a guide, not an exact outline.
  const mask = faceMaskInCrop(points, toCrop, size, Math.max(1, size / 128));
  const landmarks = new Float32Array((points.length / 3) * 2);
  for (let i = 0; i < landmarks.length / 2; i++) landmarks.set(applyAffine(toCrop, points[i * 3]!, points[i * 3 + 1]!), i * 2);
  // Sharpness counts the face itself (the hard-edged oval), not a flat background around it.
  const sharpness = faceSharpness(crop, faceMaskInCrop(points, toCrop, size));
  return { crop, mask, face: { ...where, matrix: toCrop, landmarks, sharpness } };
}

/** A picture's largest face, where it holds several. */
function largest(faces: DetectedFace[]): DetectedFace | undefined {
  const area = (face: DetectedFace) => {
    const box = faceBox(face.points);
    return (box.right - box.left) * (box.bottom - box.top);
  };
  return faces.reduce<DetectedFace | undefined>((best, face) => (!best || area(face) > area(best) ? face : best), undefined);
}

/**
 * The inputs in the order given: a picture, a video, or a folder whose pictures and videos are taken, and those of
 * its subfolders (one level down), in name order. Every path is checked before any work starts.
 */
async function collectInputs(paths: string[], out: string): Promise<Input[]> {
  const files: string[] = [];
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`${displayPath(path)}: no such file`);
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const found = await mediaIn(path, 1, out);
    if (found.length === 0) throw new UsageError(`${displayPath(path)}: the folder holds no pictures or videos`);
    files.push(...found);
  }
  const stems = new Map<string, number>();
  const inputs: Input[] = [];
  for (const path of files) {
    const kind = pictureExtensions.has(extname(path).toLowerCase()) ? 'picture' : 'video';
    // Two inputs with one name (a/x.mp4, b/x.mp4) would overwrite each other's crops: the second becomes x-2.
    const stem = basename(path, extname(path));
    const seen = (stems.get(stem) ?? 0) + 1;
    stems.set(stem, seen);
    inputs.push({ path, kind, stem: seen === 1 ? stem : `${stem}-${seen}`, frames: kind === 'picture' ? 1 : (await probeVideo(path)).frameCount });
  }
  return inputs;
}

async function mediaIn(folder: string, depth: number, out: string): Promise<string[]> {
  const entries = (await readdir(folder, { withFileTypes: true })).filter((entry) => !entry.name.startsWith('.'));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    // The output folder may sit inside an input folder: its crops are not inputs.
    if (path === out || path.startsWith(out + sep)) continue;
    // Links are followed: a folder of links to the footage is a common way to pick it.
    const target = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    if (target?.isDirectory() && depth > 0) found.push(...(await mediaIn(path, depth - 1, out)));
    const extension = extname(entry.name).toLowerCase();
    if (target?.isFile() && (pictureExtensions.has(extension) || videoExtensions.has(extension))) found.push(path);
  }
  return found;
}

/**
 * Makes `out` and `out/masks`, returning the folders it made. A folder that already holds a face set (an alignments.json) is kept unless `force`;
 * with it, the crops and masks that set lists are removed first, so no stale crop is mistaken for a new one.
 */
async function prepareOutput(out: string, force: boolean): Promise<string[]> {
  const info = await stat(out).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`${displayPath(out)}: exists and is not a folder`);
  const previous = join(out, 'alignments.json');
  if (info && (await stat(previous).catch(() => undefined))) {
    if (!force) throw new UsageError(`${displayPath(out)} already holds extracted faces (alignments.json); pass --force to replace them`);
    const listed = await readFile(previous, 'utf8')
      .then((text) => (JSON.parse(text) as Partial<FaceSetDocument>).faces ?? [])
      .catch(() => []);
    for (const face of listed) {
      for (const name of [face.file, face.mask]) {
        // Only files inside the folder: a hand-edited alignments.json must not delete anything else.
        const path = typeof name === 'string' ? resolve(out, name) : undefined;
        if (path && relative(out, path) && !relative(out, path).startsWith('..')) await rm(path, { force: true });
      }
    }
  }
  const masks = join(out, 'masks');
  const made = [info ? undefined : out, (await stat(masks).catch(() => undefined)) ? undefined : masks];
  await mkdir(masks, { recursive: true });
  return made.filter((folder) => folder !== undefined);
}

/** Removes the crops (and masks) too blurred to train on; returns the faces kept. See runtime/align/sharpness.ts. */
async function dropBlurry(faces: FaceRecord[], out: string): Promise<FaceRecord[]> {
  const groups = new Map<string, FaceRecord[]>();
  for (const face of faces) groups.set(face.group, [...(groups.get(face.group) ?? []), face]);
  const blurry = new Set<FaceRecord>();
  for (const members of groups.values()) {
    const flags = blurryOnes(members.map((face) => face.sharpness), blurRule);
    members.forEach((face, i) => flags[i] && blurry.add(face));
  }
  await Promise.all([...blurry].flatMap((face) => [rm(join(out, face.file), { force: true }), rm(join(out, 'masks', face.file), { force: true })]));
  return faces.filter((face) => !blurry.has(face));
}

/** Writes alignments.json through a temporary file: it appears only once every crop it lists is in place. */
async function writeAlignments(out: string, set: { size: number; faces: FaceRecord[]; skipped: FaceSetDocument['skipped'] }): Promise<void> {
  const round = (value: number, scale: number) => Math.round(value * scale) / scale;
  // One face a line: the file stays readable and diffable however many faces it holds.
  const faceLines = set.faces.map((face) => {
    const landmarks: [number, number][] = [];
    for (let i = 0; i < face.landmarks.length; i += 2) landmarks.push([round(face.landmarks[i]!, 100), round(face.landmarks[i + 1]!, 100)]);
    const entry: FaceSetDocument['faces'][number] = {
      file: face.file,
      mask: `masks/${face.file}`,
      source: face.source,
      frame: face.frame,
      matrix: face.matrix.map((value) => round(value, 1e6)),
      landmarks,
    };
    return `    ${JSON.stringify(entry)}`;
  });
  const text =
    `{\n  "format": "vivify.faces",\n  "version": 1,\n  "size": ${set.size},\n  "alignment": ${JSON.stringify(alignmentName)},\n` +
    `  "faces": [${faceLines.length > 0 ? `\n${faceLines.join(',\n')}\n  ` : ''}],\n  "skipped": ${JSON.stringify(set.skipped)}\n}\n`;
  const pending = new PendingFile(join(out, 'alignments.json'));
  try {
    await writeFile(pending.temporaryPath, text);
    await pending.commit();
  } finally {
    await pending.discard();
  }
}

/** A PNG of an RGBA image as RGB (`channels` 3), or of a mask as greyscale (`channels` 1). */
export async function writePng(path: string, image: RgbaImage | Mask, channels: 1 | 3): Promise<void> {
  const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels: channels === 1 ? 1 : 4 } });
  // Without 'b-w' sharp would store one channel as RGB.
  await (channels === 3 ? raw.removeAlpha() : raw.toColourspace('b-w')).png().toFile(path);
}

/** PNG encoding runs on sharp's threads while the next frames are found: at most a few writes are in flight. */
class WriteQueue {
  readonly written: string[] = [];
  private pending: Promise<void>[] = [];

  async add(path: string, write: () => Promise<void>): Promise<void> {
    this.written.push(path);
    this.pending.push(write());
    if (this.pending.length >= 8) await this.flush();
  }

  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }
}

function progressBar(total: number) {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'Extracting |{bar}| {value}/{total} frames | {fps} fps | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { fps: '0.0' });
  return bar;
}
