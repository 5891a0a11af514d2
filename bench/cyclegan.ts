import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { cyclegan } from '../nodes/cyclegan.ts';
import type { GraphDocument } from '../runtime/graph/document.ts';
import { timedSession } from '../runtime/executor.ts';
import type { Host } from '../runtime/host.ts';
import type { RgbaImage } from '../runtime/image.ts';
import { importModel } from '../models/store/index.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { defaultParams } from '../runtime/params.ts';
import { workingSize } from '../runtime/style/working-size.ts';
import { styleGenerator, styleGeneratorEntry, styleGeneratorUnavailable } from '../support/style-generator.ts';

/** The speed asked of the node with the full generator at a working resolution of 256x256. */
export const targetFps = 10;

export interface CycleganRun {
  case: string;
  /** The picture the generator sees, and in how many tiles. */
  working: string;
  tiles: number;
  frames: number;
  fps: number;
  provider: string;
  /** Mean milliseconds of one generator run (one tile). */
  modelMs: number;
  /** The node's own time per frame beyond the generator: scaling, tiling, blending, the flicker guard. */
  nodeOverheadMs: number;
}

export type CycleganOutcome =
  | { skipped: string }
  | { runs: CycleganRun[]; targetFps: number; pass: boolean; seams: { case: string; psnr: number } };

const modelId = 'cyclegan-bench';

/**
 * The cyclegan node with the CycleGAN authors' full ResnetGenerator (9 residual blocks, 64 filters, instance norm;
 * random weights, which cost what trained ones do), run in this process on this machine's provider: frames per second
 * at working resolutions 256 and 512 (square frames, one tile each), and a portrait video frame at 512 (two tiles).
 * Also how far a tiled run departs from an untiled one with this architecture (PSNR), since instance norm makes each
 * tile's statistics its own.
 */
export async function cycleganBenchmark(repoRoot: string): Promise<CycleganOutcome> {
  if (styleGeneratorUnavailable) return { skipped: styleGeneratorUnavailable };
  const folder = await mkdtemp(join(tmpdir(), 'vivify-bench-cyclegan-'));
  try {
    const store = join(folder, 'models');
    await importModel(store, styleGeneratorEntry(modelId), [styleGenerator('resnet')]);
    const timed = timedHost(createNodeHost({ modelsDir: store }));
    const painting = resolve(repoRoot, '../shared/media/source/s9.jpg');
    const frame = (width: number, height: number) => picture(existsSync(painting) ? painting : undefined, width, height);
    const runs = [
      await timeNode(timed, '256x256 frames, resolution 256', await frame(256, 256), { resolution: 256 }, 4),
      await timeNode(timed, '512x512 frames, resolution 512', await frame(512, 512), { resolution: 512 }, 3),
      await timeNode(timed, '720x1280 frames, resolution 512', await frame(720, 1280), { resolution: 512 }, 2),
    ];
    const seams = await seamAgreement(timed, await frame(512, 512));
    return { runs, targetFps, pass: runs[0]!.fps >= targetFps, seams };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The painting (or a gradient where the shared media is absent) at this size, as RGBA. */
async function picture(path: string | undefined, width: number, height: number): Promise<RgbaImage> {
  if (!path) {
    const data = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : ((i >> 2) % width) * 3 + (i % 4) * 40));
    return { width, height, data };
  }
  const { data } = await sharp(path).resize(width, height, { fit: 'cover' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width, height, data: new Uint8Array(data) };
}

interface TimedHost {
  host: Host;
  /** Milliseconds of every generator run since the last reset. */
  runs: number[];
}

/** The host, with each model run timed. */
function timedHost(host: Host): TimedHost {
  const timed: TimedHost = { host: { ...host }, runs: [] };
  timed.host.openModel = async (ref) => {
    const session = await host.openModel(ref);
    return timedSession(session, (milliseconds) => timed.runs.push(milliseconds));
  };
  return timed;
}

type Params = ReturnType<typeof nodeParams>;

function nodeParams(overrides: Partial<{ resolution: number; tile: number; overlap: number; temporal: number }>) {
  return { ...(defaultParams(cyclegan.params) as { model: string; region: 'whole' | 'face'; resolution: number; tile: number; overlap: number; strength: number; temporal: number }), model: modelId, ...overrides };
}

/** Runs the node by itself, as the executor would: prepare, then `run` once a frame (after one frame to warm up). */
async function runNode(timed: TimedHost, params: Params, frames: RgbaImage[], warmUp: boolean): Promise<{ seconds: number; outputs: RgbaImage[] }> {
  const graph: GraphDocument = { format: 'vivify.graph', version: 1, meta: {}, nodes: { style: { type: 'cyclegan', typeVersion: 1, params } }, edges: [], inputs: {}, models: [] };
  const ctx = {
    nodeId: 'style',
    params,
    host: timed.host,
    signal: new AbortController().signal,
    graph,
    streaming: true,
    timeline: { frameCount: frames.length, fps: 25 },
    settings: { overwrite: true, frames: { start: 0 } },
    warn() {},
    tally() {},
  };
  const state = await cyclegan.prepare!(ctx, {});
  try {
    if (warmUp) await cyclegan.run({ ...ctx, frame: { index: 0, time: 0 } }, { frame: frames[0]!, face: undefined }, state);
    timed.runs.length = 0;
    const outputs: RgbaImage[] = [];
    const started = performance.now();
    for (const [index, frame] of frames.entries()) outputs.push((await cyclegan.run({ ...ctx, frame: { index, time: index / 25 } }, { frame, face: undefined }, state)).frame);
    return { seconds: (performance.now() - started) / 1000, outputs };
  } finally {
    await cyclegan.close!(state, 'done');
  }
}

async function timeNode(timed: TimedHost, name: string, frame: RgbaImage, overrides: { resolution: number }, count: number): Promise<CycleganRun> {
  const params = nodeParams(overrides);
  const { seconds } = await runNode(timed, params, Array.from({ length: count }, () => frame), true);
  const modelMs = timed.runs.reduce((sum, ms) => sum + ms, 0) / timed.runs.length;
  const tiles = timed.runs.length / count;
  const working = workingSize(frame.width, frame.height, params.resolution);
  return {
    case: name,
    working: `${working.width}x${working.height}`,
    tiles,
    frames: count,
    fps: Math.round((count / seconds) * 100) / 100,
    provider: timed.host.executionProvider,
    modelMs: Math.round(modelMs),
    nodeOverheadMs: Math.round((seconds * 1000) / count - modelMs * tiles),
  };
}

/** PSNR of a run in 256-pixel tiles overlapping by 64 against an untiled run, on a 512x512 frame. */
async function seamAgreement(timed: TimedHost, frame: RgbaImage): Promise<{ case: string; psnr: number }> {
  const base = { resolution: 512, temporal: 0 };
  const [whole] = (await runNode(timed, nodeParams({ ...base, tile: 512 }), [frame], false)).outputs;
  const [tiled] = (await runNode(timed, nodeParams({ ...base, tile: 256, overlap: 64 }), [frame], false)).outputs;
  let squared = 0;
  for (let i = 0; i < whole!.data.length; i++) if (i % 4 !== 3) squared += (whole!.data[i]! - tiled!.data[i]!) ** 2;
  const mse = squared / ((whole!.data.length / 4) * 3);
  return { case: '512x512, tiles of 256 overlapping by 64, against one tile', psnr: Math.round(10 * Math.log10((255 * 255) / Math.max(mse, 1e-12)) * 100) / 100 };
}

export function formatCycleganTable(result: { runs: CycleganRun[]; targetFps: number; pass: boolean; seams: { case: string; psnr: number } }): string {
  const header = ['case', 'provider', 'working', 'tiles', 'fps', 'model ms', 'node ms'];
  const rows = result.runs.map((run) => [run.case, run.provider, run.working, String(run.tiles), run.fps.toFixed(2), String(run.modelMs), String(run.nodeOverheadMs)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column <= 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [
    line(header),
    ...rows.map(line),
    `CycleGAN ResnetGenerator (9 blocks, 64 filters, random weights): model ms is one generator run (one tile); node ms is scaling, tiling and blending per frame`,
    `target ${result.targetFps} fps at 256x256: ${result.pass ? 'met' : `missed (${result.runs[0]!.fps.toFixed(2)} fps)`}`,
    `tiled against untiled (${result.seams.case}): PSNR ${result.seams.psnr.toFixed(2)} dB`,
  ].join('\n');
}
