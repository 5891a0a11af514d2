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
import { findModel, importModel } from '../models/store/index.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { liveportraitStandins, standinsUnavailable } from '../support/liveportrait-standins.ts';
import { formatRealReenactTable, type RealReenactOutcome, realReenactBenchmark } from './reenact-real.ts';

export interface ReenactFigures {
  case: string;
  frames: number;
  fps: number;
  provider: string;
  /** Mean milliseconds of one run of each module. */
  moduleMs: Record<string, number>;
  /** The reenact node's own time per frame beyond its models: crops, keypoint math, paste-back. */
  nodeOverheadMs: number;
}

/** `real`: LivePortrait's real architecture against the upstream PyTorch code, side by side (reenact-real.ts). */
export type ReenactOutcome = { skipped: string } | { runs: ReenactFigures[]; real: RealReenactOutcome };

/**
 * presets/reenact-painting.json with the LivePortrait stand-ins (the real modules' inputs and outputs, small weights):
 * what each module costs on this machine's CPU, and what the node adds around them: these figures time the pipeline,
 * not the model. Then the real architecture with seeded weights, side by side with the upstream PyTorch code.
 */
export async function reenactBenchmark(repoRoot: string): Promise<ReenactOutcome> {
  const media = resolve(repoRoot, '../shared/media');
  if (!existsSync(join(media, 'driving/d0.mp4'))) return { skipped: `${media} is missing (../shared/media is not checked out here)` };
  if (standinsUnavailable) return { skipped: standinsUnavailable };
  const folder = await mkdtemp(join(tmpdir(), 'vivify-bench-reenact-'));
  try {
    const store = join(folder, 'models');
    await importModel(store, findModel('liveportrait'), [liveportraitStandins()]);
    const square = join(folder, 's5-512.png');
    await writeFile(square, await sharp(join(media, 'source/s5.jpg')).resize(512, 512).png().toBuffer());
    return {
      runs: [
        await timeRender(repoRoot, store, '512x512 painting, d0, 120 frames', square, join(media, 'driving/d0.mp4'), join(folder, 'a.mp4')),
        await timeRender(repoRoot, store, 'Mona Lisa 720x1280, d20, 120 frames', join(media, 'source/s9.jpg'), join(media, 'driving/d20.mp4'), join(folder, 'b.mp4')),
      ],
      real: await realReenactBenchmark(),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function timeRender(repoRoot: string, store: string, name: string, source: string, driving: string, output: string): Promise<ReenactFigures> {
  const registry = createRegistry();
  const preset = JSON.parse(await readFile(join(repoRoot, 'presets/reenact-painting.json'), 'utf8')) as GraphDocument;
  const document = applyOverrides(preset, registry, { inputs: { source, driving, output }, sets: ['out.preset=veryfast'] });
  const checked = checkGraph(document, registry, { requireFiles: true });
  if (!checked.document) throw new Error(checked.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  const host = createNodeHost({ modelsDir: store });
  const summary = await runGraph(checked.document, { registry, host, settings: { overwrite: true, frames: { start: 0, end: 120 } } });
  const uses = summary.models.filter((use) => use.nodeId === 'reenact');
  const moduleMs = Object.fromEntries(uses.map((use) => [use.label.replace(/^.*\//, '').replace(/\.onnx$/, ''), Math.round(use.milliseconds * 10) / 10]));
  const modelMsPerFrame = uses.reduce((total, use) => total + (use.milliseconds * use.runs) / summary.frames, 0);
  const nodeMsPerFrame = ((summary.nodeSeconds.reenact ?? 0) * 1000) / summary.frames;
  return {
    case: name,
    frames: summary.frames,
    fps: Math.round(summary.fps * 10) / 10,
    provider: uses[0]?.provider ?? host.executionProvider,
    moduleMs,
    nodeOverheadMs: Math.round((nodeMsPerFrame - modelMsPerFrame) * 10) / 10,
  };
}

export function formatReenactTable(result: { runs: ReenactFigures[]; real: RealReenactOutcome }): string {
  const modules = [...new Set(result.runs.flatMap((run) => Object.keys(run.moduleMs)))];
  const header = ['case', 'provider', 'fps', ...modules.map((module) => `${module} ms`), 'node ms'];
  const rows = result.runs.map((run) => [run.case, run.provider, run.fps.toFixed(1), ...modules.map((module) => (run.moduleMs[module] ?? 0).toFixed(1)), run.nodeOverheadMs.toFixed(1)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column <= 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [
    line(header),
    ...rows.map(line),
    'LivePortrait stand-ins (small weights, real I/O): module ms is one run; node ms is crops, keypoint math and paste-back per frame',
    '',
    'skipped' in result.real ? `real architecture not timed: ${result.real.skipped}` : formatRealReenactTable(result.real),
  ].join('\n');
}
