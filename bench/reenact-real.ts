import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { type CpuSessionOptions, openCpuModel } from '../models/cpu-model-session.ts';
import { drivenKeypoints, type FirstFace, modules, type Sessions, sourceFace } from '../nodes/reenact.ts';
import type { FloatTensor, ModelSession } from '../runtime/onnx/model-session.ts';
import { flushExpDenormals } from '../runtime/onnx/denormal-flush.ts';
import { decodeModel, encodeModel } from '../runtime/onnx/onnx-graph.ts';
import { modelSessionFrom } from '../runtime/onnx/ort-session.ts';
import { motionInfo } from '../runtime/reenact/kinematics.ts';
import { seededRandom } from '../runtime/seeded-random.ts';
import { testPython } from '../support/python-torch.ts';
import { liveportraitReal, liveportraitRealSplit, realSeed, realUnavailable, upstream } from '../support/liveportrait-real.ts';

/**
 * LivePortrait's real architecture (seeded weights, support/liveportrait-real.ts) on the CPU, Vivify's
 * onnxruntime-node sessions against the upstream PyTorch modules with the same weights (reenact_reference.py), in one
 * run and interleaved call by call: the machine is shared, so the ratio of the two sides is the figure to trust, not
 * either side's milliseconds.
 */
const referenceScript = join(dirname(fileURLToPath(import.meta.url)), 'reenact_reference.py');

/** Warm-up and timed calls per side: the real W and G take seconds each on two cores. */
const defaultCounts = { moduleWarmUp: 1, heavyModule: 3, lightModule: 10, frameWarmUp: 2, frames: 5, experimentWarmUp: 1, experiment: 2 };
/** LivePortrait's modules in the letters; W and G also as two files, for their own columns. */
const moduleOrder = ['F', 'M', 'W', 'G', 'S', 'R_eye', 'R_lip'] as const;
const goal = 0.7;
/** The frame's options: every per-frame module runs (M, S, R_eye, R_lip, W+G). */
const frameOptions = { motion: 'relative', friendly: 'expression', expression: 1, headPose: 1, stitching: true, eyeRetargeting: 1, lipRetargeting: 1, multiplier: 1 } as const;

export interface SideBySide {
  vivifyMs: number;
  referenceMs: number;
  /** Vivify / reference. */
  ratio: number;
}

export interface RealReenactFigures {
  /** Intra-op threads on both sides. */
  threads: number;
  counts: typeof defaultCounts;
  statistic: 'median';
  modules: Record<(typeof moduleOrder)[number], SideBySide>;
  frame: SideBySide & { options: string };
  goal: { ratio: number; met: boolean };
  /** The last timed frame on both sides: the same weights and steps give the same keypoints and picture. */
  agreement: { keypointsMaxDifference: number; imagePsnrDb: number };
  /** W+G settings tried, each against the reference's warp_decode in the same rounds. */
  experiments: (SideBySide & { name: string })[];
}

export type RealReenactOutcome = { skipped: string } | RealReenactFigures;

/** `fewer` shortens a trial run; the bench entry uses the defaults. */
export async function realReenactBenchmark(fewer: Partial<typeof defaultCounts> = {}): Promise<RealReenactOutcome> {
  const counts = { ...defaultCounts, ...fewer };
  if (realUnavailable) return { skipped: realUnavailable };
  const threads = cpus().length;
  const folder = liveportraitReal();
  const split = liveportraitRealSplit();
  const work = await mkdtemp(join(tmpdir(), 'vivify-bench-reenact-real-'));
  const opened: ModelSession[] = [];
  const open = async (path: string, options?: CpuSessionOptions) => {
    const session = await openCpuModel(path, path, options);
    opened.push(session);
    return session;
  };
  /** The file as onnxruntime reads it, without Vivify's changes to the graph (or with only the Exp flush): the "before" of the experiments. */
  const openPlain = async (path: string, flushOnly = false) => {
    let bytes: Uint8Array = new Uint8Array(readFileSync(path));
    if (flushOnly) {
      const model = decodeModel(bytes);
      flushExpDenormals(model);
      bytes = encodeModel(model);
    }
    const session = modelSessionFrom(await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' }), ort.Tensor, path, 'cpu');
    opened.push(session);
    return session;
  };
  let reference: Reference | undefined;
  try {
    const inputs = await writeInputs(work);
    reference = await startReference(work, inputs.request, threads);
    const partial: Partial<Sessions> = {};
    for (const [key, file] of Object.entries(modules) as [keyof Sessions, string][]) partial[key] = await open(join(folder, file));
    const sessions = partial as Sessions;
    const warp = await open(join(split, 'warping.onnx'));
    const generator = await open(join(split, 'spade_generator.onnx'));

    const own = await sourceFace(sessions, inputs.source, { side: 256, toCrop: [1, 0, 0, 0, 1, 0], toImage: [1, 0, 0, 0, 1, 0] }, inputs.sourceEyes, inputs.sourceLip);
    const img = { data: inputs.source, dims: [1, 3, 256, 256] };
    const kp = (data: Float32Array): FloatTensor => ({ data, dims: [1, 21, 3] });
    const nearby = own.keypoints.map((value) => value + 0.01);
    const warpFeeds = { feature_3d: own.features, kp_driving: kp(nearby), kp_source: kp(own.keypoints) };
    const feature = (await warp.run(warpFeeds)).out!;
    const random = seededRandom(7);
    const vector = (length: number): FloatTensor => ({ data: Float32Array.from({ length }, random), dims: [1, length] });
    const vivifyModule: Record<(typeof moduleOrder)[number], () => Promise<unknown>> = {
      F: () => sessions.appearance.run({ img }),
      M: () => sessions.motion.run({ img }),
      W: () => warp.run(warpFeeds),
      G: () => generator.run({ feature }),
      S: () => sessions.stitching.run({ input: vector(126) }),
      R_eye: () => sessions.eyes.run({ input: vector(66) }),
      R_lip: () => sessions.lips.run({ input: vector(65) }),
    };
    const table = {} as RealReenactFigures['modules'];
    for (const name of moduleOrder) {
      const warmUp = await interleave(counts.moduleWarmUp, vivifyModule[name], () => reference!.module(name));
      const timed = warmUp.vivify[0]! > 500 ? counts.heavyModule : counts.lightModule;
      table[name] = sideBySide(await interleave(timed, vivifyModule[name], () => reference!.module(name)));
      console.log(`[reenact real] ${name}: ${format(table[name])}`);
    }

    // One driver frame through Vivify's path (M, retargeting, stitching, the fused W+G) and the reference's.
    const first: FirstFace = { motion: motionInfo(await sessions.motion.run({ img: { data: inputs.drivers[0]!, dims: [1, 3, 256, 256] } })), multiplier: 1 };
    // Each side its own count: interleave() alternates which goes first.
    let vivifyIndex = 0;
    let referenceIndex = 0;
    let last: { x_d: Float32Array; out: Float32Array } | undefined;
    const vivifyFrame = async () => {
      const i = vivifyIndex++ % inputs.drivers.length;
      const motion = motionInfo(await sessions.motion.run({ img: { data: inputs.drivers[i]!, dims: [1, 3, 256, 256] } }));
      const driven = await drivenKeypoints(sessions, own, motion, first, inputs.driving[i]!, frameOptions);
      const out = (await sessions.warp.run({ feature_3d: own.features, kp_driving: kp(driven), kp_source: kp(own.keypoints) })).out!.data;
      last = { x_d: driven, out };
    };
    let referenceOut: { x_d: number[]; path: string } | undefined;
    const referenceFrame = async () => {
      const path = join(work, 'reference-out.f32');
      const answer = await reference!.ask({ op: 'frame', index: referenceIndex++, out: path });
      referenceOut = { x_d: answer.x_d!, path };
      return answer.ms;
    };
    // Seeds the first face's keypoints and motion multiplier, as the node's first driven frame does.
    await drivenKeypoints(sessions, own, first.motion, first, inputs.driving[0]!, frameOptions);
    await interleave(counts.frameWarmUp, vivifyFrame, referenceFrame);
    const frame = sideBySide(await interleave(counts.frames, vivifyFrame, referenceFrame));
    console.log(`[reenact real] frame: ${format(frame)}`);
    const expected = new Float32Array(readFileSync(referenceOut!.path).buffer.slice(0));
    const agreement = { keypointsMaxDifference: maxDifference(last!.x_d, referenceOut!.x_d), imagePsnrDb: round(psnr(last!.out, expected), 1) };

    // The W+G settings the issue names, round-robin with the reference so that all see the same load.
    const fused = (session: ModelSession) => () => session.run(warpFeeds);
    const wgFile = join(folder, modules.warp);
    const variants: { name: string; threads: number; run: () => Promise<unknown> }[] = [
      { name: `fused W+G, optimisation all, ${threads} threads (the default)`, threads, run: fused(sessions.warp) },
      { name: `the same with its 3-D convolutions left as they are (Exp's subnormals still flushed)`, threads, run: fused(await openPlain(wgFile, true)) },
      { name: `the file as it is (neither the 3-D convolutions as 2-D nor Exp's subnormals flushed)`, threads, run: fused(await openPlain(wgFile)) },
      { name: `fused W+G, optimisation extended, ${threads} threads`, threads, run: fused(await open(wgFile, { graphOptimizationLevel: 'extended', intraOpNumThreads: threads })) },
      { name: `fused W+G, optimisation basic, ${threads} threads`, threads, run: fused(await open(wgFile, { graphOptimizationLevel: 'basic', intraOpNumThreads: threads })) },
      { name: `W then G as two sessions, ${threads} threads`, threads, run: async () => generator.run({ feature: (await warp.run(warpFeeds)).out! }) },
      { name: 'fused W+G, optimisation all, 1 thread (reference 1 thread)', threads: 1, run: fused(await open(wgFile, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 })) },
    ];
    const referenceWith = async (n: number) => {
      if (n !== threads) await reference!.ask({ op: 'threads', n });
      const ms = await reference!.module('WG');
      if (n !== threads) await reference!.ask({ op: 'threads', n: threads });
      return ms;
    };
    const byThreads = [...new Set(variants.map((variant) => variant.threads))];
    const samples = { vivify: variants.map(() => [] as number[]), reference: new Map(byThreads.map((n) => [n, [] as number[]])) };
    for (let round = 0; round < counts.experimentWarmUp + counts.experiment; round++) {
      const timedRound = round >= counts.experimentWarmUp;
      for (const n of byThreads) {
        const ms = await referenceWith(n);
        if (timedRound) samples.reference.get(n)!.push(ms);
      }
      // Each round starts one variant later, so that a change of load mid-round falls on each in turn.
      for (let k = 0; k < variants.length; k++) {
        const i = (k + round) % variants.length;
        const ms = await timeIt(variants[i]!.run);
        if (timedRound) samples.vivify[i]!.push(ms);
      }
    }
    const experiments = variants.map((variant, i) => ({ name: variant.name, ...sideBySide({ vivify: samples.vivify[i]!, reference: samples.reference.get(variant.threads)! }) }));
    for (const experiment of experiments) console.log(`[reenact real] ${experiment.name}: ${format(experiment)}`);

    return {
      threads,
      counts,
      statistic: 'median',
      modules: table,
      frame: { ...frame, options: 'relative, expression-friendly, eye and lip retargeting, stitching; crops and paste-back not included' },
      goal: { ratio: goal, met: frame.ratio <= goal },
      agreement,
      experiments,
    };
  } finally {
    reference?.close();
    await Promise.all(opened.map((session) => session.release()));
    await rm(work, { recursive: true, force: true });
  }
}

/** A seeded painting crop and five driver crops (what they show does not change the cost), with eye and lip openings. */
async function writeInputs(work: string) {
  const random = seededRandom(realSeed);
  const crop = () => Float32Array.from({ length: 3 * 256 * 256 }, random);
  const source = crop();
  const drivers = Array.from({ length: 5 }, crop);
  const driving = [
    { eyes: 0.3, lip: 0.02 },
    { eyes: 0.05, lip: 0.02 },
    { eyes: 0.38, lip: 0.1 },
    { eyes: 0.3, lip: 0.45 },
    { eyes: 0.2, lip: 0.25 },
  ];
  const sourceEyes: [number, number] = [0.31, 0.29];
  const sourceLip = 0.03;
  await writeFile(join(work, 'source.f32'), source);
  for (const [i, driver] of drivers.entries()) await writeFile(join(work, `driver-${i}.f32`), driver);
  const request = {
    seed: realSeed,
    source: join(work, 'source.f32'),
    drivers: drivers.map((_, i) => join(work, `driver-${i}.f32`)),
    sourceEyes,
    sourceLip,
    drivingEyes: driving.map((d) => d.eyes),
    drivingLip: driving.map((d) => d.lip),
  };
  return { source, drivers, driving, sourceEyes, sourceLip, request };
}

interface Answer {
  ms: number;
  x_d?: number[];
}

interface Reference {
  ask(command: object): Promise<Answer>;
  module(name: string): Promise<number>;
  close(): void;
}

/** The reference's timing process, asked one call at a time over its stdin and stdout. */
async function startReference(work: string, request: object, threads: number): Promise<Reference> {
  const path = join(work, 'request.json');
  await writeFile(path, JSON.stringify({ ...request, threads }));
  const child: ChildProcess = spawn(testPython, [referenceScript, 'serve', upstream, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const ask = async (command: object): Promise<Answer> => {
    child.stdin!.write(`${JSON.stringify(command)}\n`);
    const next = await lines.next();
    if (next.done) throw new Error(`${referenceScript} stopped (exit status ${child.exitCode})`);
    return JSON.parse(next.value) as Answer;
  };
  return {
    ask,
    module: async (name) => (await ask({ op: 'module', name })).ms,
    close: () => {
      child.stdin!.end();
      child.kill();
    },
  };
}

/** `rounds` calls of each side, alternating which goes first: both see the same load. */
async function interleave(rounds: number, vivify: () => Promise<unknown>, reference: () => Promise<number>) {
  const samples = { vivify: [] as number[], reference: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      samples.vivify.push(await timeIt(vivify));
      samples.reference.push(await reference());
    } else {
      samples.reference.push(await reference());
      samples.vivify.push(await timeIt(vivify));
    }
  }
  return samples;
}

async function timeIt(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function sideBySide(samples: { vivify: number[]; reference: number[] }): SideBySide {
  const vivifyMs = median(samples.vivify);
  const referenceMs = median(samples.reference);
  return { vivifyMs: round(vivifyMs, 2), referenceMs: round(referenceMs, 2), ratio: round(vivifyMs / referenceMs, 3) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const format = (figures: SideBySide) => `${figures.vivifyMs.toFixed(1)} ms vs ${figures.referenceMs.toFixed(1)} ms (x${figures.ratio.toFixed(2)})`;

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function psnr(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (Math.min(1, Math.max(0, a[i]!)) - Math.min(1, Math.max(0, b[i]!))) ** 2;
  return sum === 0 ? Infinity : 10 * Math.log10(a.length / sum);
}

export function formatRealReenactTable(figures: RealReenactFigures): string {
  const rows = [
    ...moduleOrder.map((name) => [name, figures.modules[name]] as const),
    ['frame', figures.frame] as const,
  ].map(([name, f]) => [name, f.vivifyMs.toFixed(1), f.referenceMs.toFixed(1), f.ratio.toFixed(2)]);
  const header = ['real architecture, CPU', 'Vivify ms', 'reference ms', 'Vivify/reference'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join('  ');
  const { frame, goal: target, agreement } = figures;
  return [
    line(header),
    ...rows.map(line),
    `per frame: Vivify ${frame.ratio.toFixed(2)}x the reference's seconds (goal <= ${target.ratio}x: ${target.met ? 'met' : 'not met'}); ${figures.threads} intra-op threads on both sides, medians, interleaved`,
    `frame: ${frame.options}; W and G rows are the two halves of the catalog's fused warping_spade.onnx as separate files`,
    `same weights: last frame's keypoints within ${agreement.keypointsMaxDifference.toExponential(1)}, picture ${agreement.imagePsnrDb} dB`,
    'W+G experiments (each against the reference warp_decode in the same rounds):',
    ...figures.experiments.map((experiment) => `  ${experiment.name}: ${format(experiment)}`),
  ].join('\n');
}
