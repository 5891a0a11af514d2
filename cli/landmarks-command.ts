import { extname, resolve } from 'node:path';
import { createRegistry } from '../nodes/index.ts';
import { drawFaceOverlay } from '../runtime/draw/landmark-overlay.ts';
import { UsageError } from '../runtime/errors.ts';
import { runGraph } from '../runtime/executor.ts';
import { type FaceLandmarks, faceFromValues, faceValues } from '../runtime/face.ts';
import { checkGraph } from '../runtime/graph/load.ts';
import { applyOverrides } from '../runtime/graph/overrides.ts';
import type { RgbaImage } from '../runtime/image.ts';
import { interpolateGaps } from '../runtime/landmarks/gap-fill.ts';
import { writePngFile } from '../runtime/node/image-file.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { checkWritable, writeOutputFile } from '../runtime/node/output-file.ts';
import { displayPath } from '../runtime/node/paths.ts';
import { jsonReporter, terminalReporter } from './progress-reporter.ts';
import { landmarksGraph } from './landmarks-graph.ts';

const imageExtensions = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.bmp']);

export interface LandmarksOptions {
  json?: string;
  overlay?: string;
  set: string[];
  force?: boolean;
  progressJson?: boolean;
}

interface FrameRecord {
  frame: number;
  found: boolean;
  /** Where no face was found: the landmarks were interpolated from the found frames around (or held at the ends). */
  filled?: 'interpolated' | 'held';
  confidence: number;
  /** [x, y, z] per landmark, in pixels, rounded to 0.01. */
  points: number[][];
  transform: number[];
}

/**
 * `vivify landmarks`: runs the same face-landmarks node as a render on a picture or a video, so users (and tests) can
 * check what the methods will see. Writes the landmarks as JSON and/or an overlay (PNG for a picture, MP4 for a video).
 */
export async function landmarksCommand(inputPath: string, options: LandmarksOptions): Promise<void> {
  const isImage = imageExtensions.has(extname(inputPath).toLowerCase());
  const overlay = options.overlay && resolve(options.overlay);
  const json = options.json && resolve(options.json);
  if (overlay) {
    const wanted = isImage ? '.png' : '.mp4';
    if (extname(overlay).toLowerCase() !== wanted) throw new UsageError(`--overlay ${options.overlay}: for ${isImage ? 'a picture' : 'a video'} the overlay is a ${wanted} file`);
  }
  await checkWritable([json, overlay].filter((path): path is string => Boolean(path)), Boolean(options.force));

  const registry = createRegistry();
  const document = applyOverrides(landmarksGraph(resolve(inputPath), isImage, isImage ? undefined : overlay), registry, { sets: options.set }, (path) => resolve(path));
  const checked = checkGraph(document, registry, { requireFiles: true });
  if (!checked.document) throw new UsageError(checked.problems.map((p) => `${p.path}: ${p.message}`).join('; '));

  const frames: FaceLandmarks[] = [];
  let picture: RgbaImage | undefined;
  let still: FaceLandmarks | undefined;
  const reporter = options.progressJson ? jsonReporter() : terminalReporter();
  const summary = await runGraph(checked.document, {
    registry,
    host: createNodeHost(),
    settings: { overwrite: Boolean(options.force), frames: { start: 0 } },
    onProgress: (progress) => reporter.progress(progress),
    onWarning: (warning) => reporter.warning(warning),
    onOutputs(nodeId, frame, outputs) {
      if (nodeId === 'picture') picture = outputs.image as RgbaImage;
      if (nodeId !== 'face') return;
      const face = outputs.face as FaceLandmarks | undefined;
      if (frame === undefined) still = face;
      frames[frame ?? 0] = face ?? { points: new Float32Array(0), transform: new Float32Array(0), confidence: 0, found: false };
    },
  });
  reporter.stop();

  if (json) {
    const report = { input: resolve(inputPath), kind: isImage ? 'image' : 'video', frames: wholeVideoRecords(frames) };
    await writeOutputFile(json, `${JSON.stringify(report)}\n`, Boolean(options.force));
  }
  if (overlay && isImage && picture && still) await writePngFile(overlay, drawFaceOverlay(picture, still), Boolean(options.force));
  const found = frames.filter((f) => f.found).length;
  const what = isImage ? `${found === 1 ? 'a face' : 'no face'} with ${(frames[0]?.points.length ?? 0) / 3} landmarks` : `a face in ${found} of ${summary.frames} frames`;
  const written = [json, overlay].filter(Boolean).map((path) => displayPath(path!));
  process.stdout.write(`${displayPath(inputPath)}: ${what}${written.length > 0 ? `; wrote ${written.join(', ')}` : ''}\n`);
}

/**
 * The whole video is known here, unlike in a render: frames without a face get landmarks interpolated between the
 * found frames around them (held before the first and after the last) instead of the last face held.
 */
function wholeVideoRecords(faces: FaceLandmarks[]): FrameRecord[] {
  if (!faces.some((face) => face.found)) return faces.map((face, frame) => record(frame, face));
  const found = faces.map((face) => (face.found ? faceValues(face.points, face.transform) : undefined));
  const filled = interpolateGaps(found);
  const first = found.findIndex(Boolean);
  const last = found.length - 1 - [...found].reverse().findIndex(Boolean);
  return faces.map((face, frame) => {
    if (face.found) return record(frame, face);
    return { ...record(frame, faceFromValues(filled[frame]!, false)), filled: frame < first || frame > last ? 'held' : 'interpolated' };
  });
}

function record(frame: number, face: FaceLandmarks | undefined): FrameRecord {
  const round = (value: number) => Math.round(value * 100) / 100;
  const points: number[][] = [];
  for (let i = 0; face && i < face.points.length; i += 3) points.push([round(face.points[i]!), round(face.points[i + 1]!), round(face.points[i + 2]!)]);
  return {
    frame,
    found: Boolean(face?.found),
    confidence: face?.confidence ?? 0,
    points,
    transform: face ? Array.from(face.transform, (v) => Math.round(v * 1e5) / 1e5) : [],
  };
}
