import { type FaceMotion, faceMotion, motionSeries, pearson } from '../../eval/face-motion.ts';
import { farFromFaceMask, meanChangeWhere, psnr } from '../../eval/pixel-fidelity.ts';
import { UsageError } from '../../errors.ts';
import { resizeRgba } from '../../image-resize.ts';
import type { RgbaImage } from '../../image.ts';
import { type Box, faceBox } from '../../landmarks/face-choice.ts';
import type { Host } from '../../host.ts';
import { createNodeHost } from '../node-host.ts';
import { displayPath } from '../paths.ts';

/** Pixels this many face heights from the face are background: a method should leave them as they were. */
const farFaceHeights = 0.6;
/** Below this share of the driver's spread, an output series is taken as not moving. */
const minAmplitude = 0.05;

export interface EvalReport {
  output: string;
  driving: string;
  frames: { output: number; driving: number; compared: number };
  facesFound: { output: number; driving: number };
  /**
   * Pearson correlation of each series between output and driver; null where either barely moves (the output's
   * spread under 5 % of the driver's): a frozen output's landmark noise would otherwise correlate by chance.
   */
  correlation: Record<(typeof motionSeries)[number], number | null>;
  /** Each series' spread in the output over its spread in the driver: how much of the motion came through. */
  amplitude: Record<(typeof motionSeries)[number], number | null>;
  /** First output frame against the source picture (at the output's size), dB. */
  firstFramePsnr?: number;
  /** Mean absolute change (0-255) against the source of the pixels far from the face, over all frames. */
  farFromFaceChange?: number;
}

/**
 * `vivify eval`: how faithfully an output follows its driver. Both videos are landmarked again (no smoothing) and
 * their mouth, eyes and head angles correlated frame by frame; with the source picture, how much of it survives.
 */
interface SourceReference {
  image: RgbaImage;
  box: Box;
  /** Pixels far from the face, once known at the output's size. */
  far?: Uint8Array;
}

export async function evalCommand(outputPath: string, options: { driving: string; source?: string; json?: boolean }): Promise<void> {
  const host = createNodeHost();
  let reference = options.source ? await readSource(host, options.source) : undefined;
  let firstFramePsnr: number | undefined;
  let farChange = { total: 0, frames: 0 };
  const output = await track(host, outputPath, (frame, index) => {
    if (!reference) return;
    reference = reference.far ? reference : atSize(reference, frame.width, frame.height);
    if (index === 0) firstFramePsnr = psnr(frame, reference.image);
    const change = meanChangeWhere(frame, reference.image, reference.far!);
    if (change !== undefined) farChange = { total: farChange.total + change, frames: farChange.frames + 1 };
  });
  const driving = await track(host, options.driving);

  const compared = Math.min(output.motion.length, driving.motion.length);
  const pairs = Array.from({ length: compared }, (_, i) => [output.motion[i], driving.motion[i]] as const).filter(
    (pair): pair is readonly [FaceMotion, FaceMotion] => Boolean(pair[0] && pair[1]),
  );
  const correlation = {} as EvalReport['correlation'];
  const amplitude = {} as EvalReport['amplitude'];
  for (const name of motionSeries) {
    const outputSeries = pairs.map(([o]) => o[name]);
    const drivingSeries = pairs.map(([, d]) => d[name]);
    const ratio = spread(drivingSeries) > 0 ? spread(outputSeries) / spread(drivingSeries) : undefined;
    amplitude[name] = round(ratio, 3);
    correlation[name] = ratio === undefined || ratio < minAmplitude ? null : round(pearson(outputSeries, drivingSeries), 4);
  }
  const report: EvalReport = {
    output: outputPath,
    driving: options.driving,
    frames: { output: output.motion.length, driving: driving.motion.length, compared: pairs.length },
    facesFound: { output: output.motion.filter(Boolean).length, driving: driving.motion.filter(Boolean).length },
    correlation,
    amplitude,
    // Identical pictures have an infinite PSNR, which JSON cannot hold: 100 dB stands for it.
    ...(firstFramePsnr === undefined ? {} : { firstFramePsnr: Math.min(100, Math.round(firstFramePsnr * 100) / 100) }),
    ...(farChange.frames === 0 ? {} : { farFromFaceChange: Math.round((farChange.total / farChange.frames) * 1000) / 1000 }),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const lines = [
    `${displayPath(outputPath)} against ${displayPath(options.driving)}: ${pairs.length} frames compared (faces in ${report.facesFound.output} and ${report.facesFound.driving})`,
    ...motionSeries.map(
      (name) => `  ${name.padEnd(13)} correlation ${correlation[name] ?? 'n/a (too little motion)'}, amplitude ${amplitude[name] ?? 'n/a'}`,
    ),
  ];
  if (report.firstFramePsnr !== undefined) lines.push(`  first frame    PSNR ${report.firstFramePsnr} dB against the source`);
  if (report.farFromFaceChange !== undefined) lines.push(`  far from face  mean change ${report.farFromFaceChange} / 255`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function readSource(host: Host, path: string): Promise<SourceReference> {
  const image = await host.readImage(path);
  const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
  const [face] = await detector.detect(image, 0);
  detector.close();
  if (!face) throw new UsageError(`${displayPath(path)}: no face found, so there is nothing to compare against`);
  return { image, box: faceBox(face.points) };
}

/** The source as the output shows it (outputs follow the source's aspect, maybe at another size). */
function atSize(reference: SourceReference, width: number, height: number): SourceReference {
  const sx = width / reference.image.width;
  const sy = height / reference.image.height;
  const box = { left: reference.box.left * sx, right: reference.box.right * sx, top: reference.box.top * sy, bottom: reference.box.bottom * sy };
  return { image: resizeRgba(reference.image, width, height), box, far: farFromFaceMask(width, height, box, farFaceHeights) };
}

/** Landmarks every frame of a video (video mode, no smoothing) and returns each frame's motion, undefined where no face. */
async function track(host: Host, path: string, onFrame?: (frame: RgbaImage, index: number) => void): Promise<{ motion: (FaceMotion | undefined)[] }> {
  const reader = await host.openVideo(path, { start: 0 });
  const detector = await host.createFaceDetector({ mode: 'video', maxFaces: 1, minConfidence: 0.5 });
  const motion: (FaceMotion | undefined)[] = [];
  try {
    for (let frame = await reader.next(), index = 0; frame; frame = await reader.next(), index++) {
      onFrame?.(frame, index);
      const [face] = await detector.detect(frame, Math.round((index * 1000) / reader.info.fps));
      motion.push(face && faceMotion({ ...face, confidence: 1, found: true }));
    }
  } finally {
    detector.close();
    await reader.close();
  }
  return { motion };
}

function spread(values: number[]): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
}

function round(value: number | undefined, digits: number): number | null {
  if (value === undefined) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
