import { type FaceMotion, faceMotion, motionSeries, pearson } from '../runtime/eval/face-motion.ts';
import { type DamageReference, type DamageSummary, type FrameDamage, frameDamage, prepareDamageReference, summariseDamage } from '../runtime/eval/picture-damage.ts';
import { farFromFaceMask, meanChangeWhere, psnr } from '../runtime/eval/pixel-fidelity.ts';
import { UsageError } from '../runtime/errors.ts';
import { resizeRgba } from '../runtime/image-resize.ts';
import type { RgbaImage } from '../runtime/image.ts';
import { type Box, faceBox } from '../runtime/landmarks/face-choice.ts';
import type { Host } from '../runtime/host.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { displayPath } from '../runtime/node/paths.ts';
import { cancelOnSignal } from './cancel-on-signal.ts';
import { terminalReporter } from './progress-reporter.ts';
import { trackFaces, type TrackingEvents } from './landmarks-graph.ts';

/** Pixels this many face heights from the face are background: a method should leave them as they were. */
const farFaceHeights = 0.6;
/** Below this share of the driver's spread, an output series is taken as not moving. */
const minAmplitude = 0.05;
/**
 * Frames after the face is (re)found whose picture damage is not scored: video mode's landmarks drift by a few
 * pixels while tracking settles (on a still picture, over about three frames), and would read as damage.
 */
const settlingFrames = 2;

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
  /**
   * Each series' spread in the output over its spread in the driver: how much of the motion came through. Gaze is
   * compared only over frames where both faces' eyes are open (at least 60 % of each video's median opening).
   */
  amplitude: Record<(typeof motionSeries)[number], number | null>;
  /**
   * How much the output moves per unit of the driver's motion: the least-squares slope of the output's series on the
   * driver's (correlation times amplitude). Unlike the amplitude, motion that does not follow the driver does not
   * count: a painting held still (headPose 0) whose measured angles wobble by 1° with its expression has an amplitude
   * of up to 0.9 against a driver turning by 1.4°, and a gain near 0.
   */
  gain: Record<(typeof motionSeries)[number], number | null>;
  /** Each series' spread (standard deviation) in the driver: a ratio to a driver that barely moves says little. */
  drivingSpread: Record<(typeof motionSeries)[number], number>;
  /** First output frame against the source picture (at the output's size), dB. */
  firstFramePsnr?: number;
  /** Mean absolute change (0-255) against the source of the pixels far from the face, over all frames. */
  farFromFaceChange?: number;
  /**
   * How far each frame's face strays from the painting once warped back onto the painting's landmarks (eyes and inner
   * mouth left out), CIE76 ΔE: tearing, ghosting and blotches rather than intended motion. See eval/picture-damage.ts.
   */
  damage?: DamageSummary;
}

/**
 * `vivify eval`: how faithfully an output follows its driver. Both videos are landmarked again (no smoothing) and
 * their mouth, eyes and head angles correlated frame by frame; with the source picture, how much of it survives.
 */
interface SourceReference {
  image: RgbaImage;
  box: Box;
  /** The source's landmarks as video mode tracks them (x, y, z each, in its pixels). */
  points: Float32Array;
  /** Pixels far from the face, once known at the output's size. */
  far?: Uint8Array;
  /** The source prepared for picture damage, once known at the output's size. */
  damage?: DamageReference;
}

export async function evalCommand(outputPath: string, options: { driving: string; source?: string; json?: boolean }): Promise<void> {
  // Progress and warnings on stderr as a render shows them (stdout keeps the report); Ctrl-C stops it, exit 130.
  const reporter = terminalReporter();
  let report: EvalReport;
  try {
    report = await cancelOnSignal((signal) =>
      evaluate(outputPath, options, { signal, onProgress: (progress) => reporter.progress(progress), onWarning: (warning) => reporter.warning(warning) }),
    );
  } finally {
    reporter.stop();
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const { correlation, amplitude, gain } = report;
  const lines = [
    `${displayPath(outputPath)} against ${displayPath(options.driving)}: ${report.frames.compared} frames compared (faces in ${report.facesFound.output} and ${report.facesFound.driving})`,
    ...motionSeries.map(
      (name) => `  ${name.padEnd(13)} correlation ${correlation[name] ?? 'n/a (too little motion)'}, amplitude ${amplitude[name] ?? 'n/a'}, gain ${gain[name] ?? 'n/a'}`,
    ),
  ];
  if (report.firstFramePsnr !== undefined) lines.push(`  first frame    PSNR ${report.firstFramePsnr} dB against the source`);
  if (report.farFromFaceChange !== undefined) lines.push(`  far from face  mean change ${report.farFromFaceChange} / 255`);
  if (report.damage) {
    const { meanDeltaE, p95DeltaE, worstFrame, worstP95DeltaE, frames } = report.damage;
    lines.push(`  damage         ΔE mean ${meanDeltaE}, p95 ${p95DeltaE}; worst frame ${worstFrame} (p95 ${worstP95DeltaE}); ${frames} frames scored`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What `vivify eval` measures, as a report. */
export async function evaluate(outputPath: string, options: { driving: string; source?: string }, events: TrackingEvents = {}): Promise<EvalReport> {
  const host = createNodeHost();
  let reference = options.source ? await readSource(host, options.source) : undefined;
  let firstFramePsnr: number | undefined;
  let farChange = { total: 0, frames: 0 };
  const damage: (FrameDamage | undefined)[] = [];
  let tracked = 0;
  const output = await track(host, outputPath, (frame, index, face) => {
    tracked = face ? tracked + 1 : 0;
    if (!reference) return;
    reference = reference.far ? reference : atSize(reference, frame.width, frame.height);
    if (index === 0) firstFramePsnr = psnr(frame, reference.image);
    const change = meanChangeWhere(frame, reference.image, reference.far!);
    if (change !== undefined) farChange = { total: farChange.total + change, frames: farChange.frames + 1 };
    if (face && tracked > settlingFrames) damage[index] = frameDamage(reference.damage!, frame, face);
  }, events);
  const driving = await track(host, options.driving, undefined, events);

  const compared = Math.min(output.motion.length, driving.motion.length);
  const pairs = Array.from({ length: compared }, (_, i) => [output.motion[i], driving.motion[i]] as const).filter(
    (pair): pair is readonly [FaceMotion, FaceMotion] => Boolean(pair[0] && pair[1]),
  );
  const correlation = {} as EvalReport['correlation'];
  const amplitude = {} as EvalReport['amplitude'];
  const gain = {} as EvalReport['gain'];
  const drivingSpread = {} as EvalReport['drivingSpread'];
  const eyesOpen = openEyedPairs(pairs);
  for (const name of motionSeries) {
    // Where an eye is nearly shut its iris points are guesses: gaze is compared only while both faces' eyes are open.
    const compared = name === 'gazeX' || name === 'gazeY' ? eyesOpen : pairs;
    const outputSeries = compared.map(([o]) => o[name]);
    const drivingSeries = compared.map(([, d]) => d[name]);
    drivingSpread[name] = round(spread(drivingSeries), 4) ?? 0;
    const ratio = spread(drivingSeries) > 0 ? spread(outputSeries) / spread(drivingSeries) : undefined;
    amplitude[name] = round(ratio, 3);
    const r = ratio === undefined || ratio < minAmplitude ? undefined : pearson(outputSeries, drivingSeries);
    correlation[name] = round(r, 4);
    gain[name] = round(ratio !== undefined && ratio < minAmplitude ? 0 : r === undefined ? undefined : r * ratio!, 3);
  }
  const report: EvalReport = {
    output: outputPath,
    driving: options.driving,
    frames: { output: output.motion.length, driving: driving.motion.length, compared: pairs.length },
    facesFound: { output: output.motion.filter(Boolean).length, driving: driving.motion.filter(Boolean).length },
    correlation,
    amplitude,
    gain,
    drivingSpread,
    // Identical pictures have an infinite PSNR, which JSON cannot hold: 100 dB stands for it.
    ...(firstFramePsnr === undefined ? {} : { firstFramePsnr: Math.min(100, Math.round(firstFramePsnr * 100) / 100) }),
    ...(farChange.frames === 0 ? {} : { farFromFaceChange: Math.round((farChange.total / farChange.frames) * 1000) / 1000 }),
  };
  const damageSummary = reference && summariseDamage(Array.from({ length: output.motion.length }, (_, i) => damage[i]));
  if (damageSummary) report.damage = damageSummary;
  return report;
}

async function readSource(host: Host, path: string): Promise<SourceReference> {
  const image = await host.readImage(path);
  const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
  const [face] = await detector.detect(image, 0);
  detector.close();
  if (!face) throw new UsageError(`${displayPath(path)}: no face found, so there is nothing to compare against`);
  return { image, box: faceBox(face.points), points: (await trackedLandmarks(host, image)) ?? face.points };
}

/** Times the source picture is tracked before its landmarks count as settled, and how many of the last are averaged. */
const sourceTrackingFrames = 10;
const sourceAveragedFrames = 5;

/**
 * The landmarks video mode finds on the picture once tracking has settled: the output frames are landmarked in video
 * mode, whose tracked landmarks sit a pixel or two off a single detection's, and picture damage warps one onto the
 * other. Undefined if tracking loses the face.
 */
async function trackedLandmarks(host: Host, image: RgbaImage): Promise<Float32Array | undefined> {
  const detector = await host.createFaceDetector({ mode: 'video', maxFaces: 1, minConfidence: 0.5 });
  try {
    let sum: Float32Array | undefined;
    for (let frame = 0; frame < sourceTrackingFrames; frame++) {
      const [face] = await detector.detect(image, frame * 40);
      if (!face) return undefined;
      if (frame < sourceTrackingFrames - sourceAveragedFrames) continue;
      sum ??= new Float32Array(face.points.length);
      for (let i = 0; i < sum.length; i++) sum[i]! += face.points[i]! / sourceAveragedFrames;
    }
    return sum;
  } finally {
    detector.close();
  }
}

/** The source as the output shows it (outputs follow the source's aspect, maybe at another size). */
function atSize(reference: SourceReference, width: number, height: number): SourceReference {
  const sx = width / reference.image.width;
  const sy = height / reference.image.height;
  const box = { left: reference.box.left * sx, right: reference.box.right * sx, top: reference.box.top * sy, bottom: reference.box.bottom * sy };
  const points = Float32Array.from(reference.points, (value, i) => (i % 3 === 0 ? value * sx : i % 3 === 1 ? value * sy : value * sx));
  const image = resizeRgba(reference.image, width, height);
  return { image, box, points, far: farFromFaceMask(width, height, box, farFaceHeights), damage: prepareDamageReference(image, points) };
}

/** Each frame's motion, undefined where no face (`onFrame` sees each frame with its landmarks). */
async function track(
  host: Host,
  path: string,
  onFrame?: (frame: RgbaImage, index: number, face: Float32Array | undefined) => void,
  events: TrackingEvents = {},
): Promise<{ motion: (FaceMotion | undefined)[] }> {
  const motion: (FaceMotion | undefined)[] = [];
  // Head angles are measured from the first face's pose, in the head's own frame (see faceMotion).
  let firstPose: Float32Array | undefined;
  await trackFaces(
    host,
    path,
    (frame, index, face) => {
      onFrame?.(frame, index, face?.points);
      firstPose ??= face && Float32Array.from(face.transform);
      motion[index] = face && faceMotion(face, firstPose);
    },
    events,
  );
  return { motion };
}

/** Eyes count as open at 60 % or more of the video's median eye opening. */
const openEyes = 0.6;

function openEyedPairs(pairs: (readonly [FaceMotion, FaceMotion])[]): (readonly [FaceMotion, FaceMotion])[] {
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? 0;
  const output = openEyes * median(pairs.map(([o]) => o.eyeOpening));
  const driving = openEyes * median(pairs.map(([, d]) => d.eyeOpening));
  return pairs.filter(([o, d]) => o.eyeOpening >= output && d.eyeOpening >= driving);
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
