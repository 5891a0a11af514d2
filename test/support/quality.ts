import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { createRegistry } from '../../nodes/index.ts';
import { runGraph } from '../../runtime/executor.ts';
import { checkGraph } from '../../runtime/graph/load.ts';
import { applyOverrides } from '../../runtime/graph/overrides.ts';
import { type EvalReport, evaluate } from '../../cli/eval-command.ts';
import { readGraphFile } from '../../runtime/node/graph-file.ts';
import { createNodeHost } from '../../runtime/node/node-host.ts';
import { repoRoot, runCli, sharedMedia } from '../../support/cli.ts';

const exec = promisify(execFile);

export interface ScoredRender {
  painting: string;
  driver: string;
  output: string;
  /** What the face2face node counted over the run (render --json's summary). */
  tallies: Record<string, number>;
  warnings: string[];
  report: EvalReport;
}

/**
 * Renders a shared painting with a shared driver through the default preset (the driver's first `frames` frames)
 * and scores the result as `vivify eval --source` does, both in this process (no start-up per pair).
 */
export async function renderAndScore(painting: string, driver: string, frames: number, folder: string): Promise<ScoredRender> {
  const output = join(folder, `${painting}-${driver}.mp4`);
  const source = sharedMedia(`source/${painting}.jpg`);
  const driving = sharedMedia(`driving/${driver}.mp4`);
  const registry = createRegistry();
  const loaded = await readGraphFile(join(repoRoot, 'presets', 'animate-painting.json'), registry);
  const withInputs = applyOverrides(loaded, registry, { inputs: { source, driving, output }, sets: ['out.preset=veryfast'] }, (path) => path);
  const { document, problems } = checkGraph(withInputs, registry, { requireFiles: true });
  if (!document) throw new Error(`the preset does not load: ${problems.join('; ')}`);
  const warnings: string[] = [];
  const summary = await runGraph(document, {
    registry,
    host: createNodeHost(),
    settings: { overwrite: true, frames: { start: 0, end: frames } },
    onWarning: (warning) => warnings.push(warning.message),
  });
  return { painting, driver, output, tallies: summary.tallies.f2f ?? {}, warnings, report: await evaluate(output, { driving, source }) };
}

/** The `count` frames with the highest damage (p95 ΔE), worst first. */
export function worstFrames(report: EvalReport, count: number): number[] {
  const scored = (report.damage?.perFrameP95 ?? []).flatMap((value, frame) => (value === null ? [] : [{ frame, value }]));
  return scored.sort((a, b) => b.value - a.value).slice(0, count).map(({ frame }) => frame).sort((a, b) => a - b);
}

/** A square around the painting's face (twice its size, kept inside the picture) in its pixels: what the sheets show. */
export async function faceCrop(painting: string, folder: string): Promise<{ x: number; y: number; size: number }> {
  const json = join(folder, `${painting}-landmarks.json`);
  const result = await runCli(['landmarks', sharedMedia(`source/${painting}.jpg`), '--json', json, '--force']);
  if (result.code !== 0) throw new Error(`landmarks of ${painting} failed: ${result.stderr}`);
  const { frames } = JSON.parse(await readFile(json, 'utf8')) as { frames: { points: number[][] }[] };
  const { width, height } = await sharp(sharedMedia(`source/${painting}.jpg`)).metadata();
  const xs = frames[0]!.points.map((p) => p[0]!);
  const ys = frames[0]!.points.map((p) => p[1]!);
  const size = Math.round(Math.min(width!, height!, 2 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys))));
  const clamp = (value: number, most: number) => Math.round(Math.max(0, Math.min(most - size, value - size / 2)));
  return { x: clamp((Math.min(...xs) + Math.max(...xs)) / 2, width!), y: clamp((Math.min(...ys) + Math.max(...ys)) / 2, height!), size };
}

/**
 * A contact sheet for a person to look at, in test/output/quality/: the worst frames of the render, cropped to the
 * face (top), over the same frames of the driver (bottom), each 256 px square, frame numbers written in.
 */
export async function worstFramesSheet(scored: ScoredRender, frames: number[], crop: { x: number; y: number; size: number }): Promise<string> {
  const folder = join(repoRoot, 'test', 'output', 'quality');
  await mkdir(folder, { recursive: true });
  const sheet = join(folder, `${scored.painting}-${scored.driver}.png`);
  const picks = `select='${frames.map((frame) => `eq(n\\,${frame})`).join('+')}'`;
  const square = 'scale=256:256:force_original_aspect_ratio=decrease,pad=256:256:(ow-iw)/2:(oh-ih)/2';
  await exec('ffmpeg', [
    '-v', 'error', '-y', '-i', scored.output, '-i', sharedMedia(`driving/${scored.driver}.mp4`), '-filter_complex',
    `[0:v]${picks},crop=${crop.size}:${crop.size}:${crop.x}:${crop.y},${square},tile=${frames.length}x1[a];` +
      `[1:v]${picks},${square},tile=${frames.length}x1[b];[a][b]vstack`,
    '-frames:v', '1', sheet,
  ]);
  return sheet;
}
