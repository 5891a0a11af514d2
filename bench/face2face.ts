import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { createRegistry } from '../nodes/index.ts';
import { runGraph } from '../runtime/executor.ts';
import type { GraphDocument } from '../runtime/graph/document.ts';
import { checkGraph } from '../runtime/graph/load.ts';
import { applyOverrides } from '../runtime/graph/overrides.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';

/** The animate-painting preset's speed target at 512x512 on this 2-core machine. */
export const targetFps = 25;

export interface Face2FaceRun {
  case: string;
  size: string;
  frames: number;
  fps: number;
  /** Seconds per frame spent in each stage (node), wall clock; stages overlap in the pipeline. */
  msPerFrame: Record<string, number>;
}

export type Face2FaceOutcome = { skipped: string } | { runs: Face2FaceRun[]; targetFps: number; pass: boolean };

/**
 * End-to-end frames per second of presets/animate-painting.json (decode, landmarks, transfer and warp, blend, encode),
 * run in this process so each stage's time can be read: a 512x512 painting with a 512x512 driver, and the 720x1280
 * Mona Lisa.
 */
export async function face2faceBenchmark(repoRoot: string): Promise<Face2FaceOutcome> {
  const media = resolve(repoRoot, '../shared/media');
  if (!existsSync(join(media, 'driving/d0.mp4'))) return { skipped: `${media} is missing (../shared/media is not checked out here)` };
  const folder = await mkdtemp(join(tmpdir(), 'vivify-bench-f2f-'));
  try {
    const square = join(folder, 's5-512.png');
    await writeFile(square, await sharp(join(media, 'source/s5.jpg')).resize(512, 512).png().toBuffer());
    const runs = [
      await timeRender(repoRoot, '512x512 painting, d0', square, join(media, 'driving/d0.mp4'), join(folder, 'a.mp4')),
      await timeRender(repoRoot, 'Mona Lisa 720x1280, d18', join(media, 'source/s9.jpg'), join(media, 'driving/d18.mp4'), join(folder, 'b.mp4')),
    ];
    return { runs, targetFps, pass: runs[0]!.fps >= targetFps };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function timeRender(repoRoot: string, name: string, source: string, driving: string, output: string): Promise<Face2FaceRun> {
  const registry = createRegistry();
  const preset = JSON.parse(await readFile(join(repoRoot, 'presets/animate-painting.json'), 'utf8')) as GraphDocument;
  // The speed a user gets from the preset, with the encoder at the CLI benchmark's usual preset.
  const document = applyOverrides(preset, registry, { inputs: { source, driving, output }, sets: ['out.preset=veryfast'] });
  const checked = checkGraph(document, registry, { requireFiles: true });
  if (!checked.document) throw new Error(checked.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  const summary = await runGraph(checked.document, { registry, host: createNodeHost() });
  const image = await sharp(source).metadata();
  const msPerFrame = Object.fromEntries(Object.entries(summary.nodeSeconds).map(([node, seconds]) => [node, Math.round((seconds * 1000 * 10) / summary.frames) / 10]));
  return { case: name, size: `${image.width}x${image.height}`, frames: summary.frames, fps: Math.round(summary.fps * 10) / 10, msPerFrame };
}

export function formatFace2FaceTable(result: { runs: Face2FaceRun[]; targetFps: number; pass: boolean }): string {
  const stages = [...new Set(result.runs.flatMap((run) => Object.keys(run.msPerFrame)))];
  const header = ['case', 'frames', 'fps', ...stages.map((stage) => `${stage} ms`)];
  const rows = result.runs.map((run) => [run.case, String(run.frames), run.fps.toFixed(1), ...stages.map((stage) => (run.msPerFrame[stage] ?? 0).toFixed(1))]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [
    line(header),
    ...rows.map(line),
    `stage times are wall clock per frame and overlap in the pipeline; 512x512 target ${result.targetFps} fps: ${result.pass ? 'PASS' : 'MISS'}`,
  ].join('\n');
}
