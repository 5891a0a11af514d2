import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRegistry } from '../nodes/index.ts';
import { runGraph } from '../runtime/executor.ts';
import { checkGraph } from '../runtime/graph/load.ts';
import { applyOverrides } from '../runtime/graph/overrides.ts';
import { readGraphFile } from '../runtime/node/graph-file.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { requireTorch } from '../models/train/python-torch.ts';
import { runCli } from '../support/cli.ts';

export interface TrainingFigures {
  preset: string;
  iterations: number;
  itPerS: number;
  device: string;
}

export interface DeepfakesOutcome {
  training: TrainingFigures[];
  swap: { case: string; frames: number; fps: number; modelMs: number; provider: string };
}

/**
 * DeepFakes on this machine: training iterations per second of the small and original (2017) presets on faces that
 * `vivify extract` cut from two shared driving videos, and the swap's render speed through presets/deepfakes-swap.json.
 */
export async function deepfakesBenchmark(repoRoot: string): Promise<DeepfakesOutcome | { skipped: string }> {
  const media = resolve(repoRoot, '../shared/media');
  if (!existsSync(join(media, 'driving/d20.mp4'))) return { skipped: `${media} is missing (../shared/media is not checked out here)` };
  const missing = await requireTorch().then(
    () => undefined,
    (error: Error) => error.message,
  );
  if (missing) return { skipped: missing };
  const folder = await mkdtemp(join(tmpdir(), 'vivify-bench-deepfakes-'));
  try {
    const [a, b, store] = [join(folder, 'a'), join(folder, 'b'), join(folder, 'store')];
    for (const [out, video] of [[a, 'driving/d20.mp4'], [b, 'driving/d0.mp4']] as const) {
      const extracted = await runCli(['extract', join(media, video), '--out', out, '--size', '64']);
      if (extracted.code !== 0) throw new Error(extracted.stderr);
    }
    const training: TrainingFigures[] = [];
    for (const [preset, iterations] of [['small', 60], ['original', 6]] as const) {
      const result = await runCli(['train', 'deepfakes', '--a', a, '--b', b, '--out', join(folder, preset), '--preset', preset, '--iters', String(iterations), '--preview-every', '0', '--json', '--name', `bench-${preset}`, '--models-dir', store]);
      if (result.code !== 0) throw new Error(result.stderr);
      const lines = result.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      // The first progress lines include start-up; the rate of the later ones is the training's.
      const rates = lines.filter((line) => line.type === 'progress').map((line) => Number(line.it_per_s));
      const steady = rates.slice(Math.floor(rates.length / 2));
      const device = String(lines.find((line) => line.type === 'start')?.device ?? 'cpu');
      training.push({ preset, iterations, itPerS: Math.round((steady.reduce((s, r) => s + r, 0) / Math.max(1, steady.length)) * 1000) / 1000, device });
    }
    const registry = createRegistry();
    const loaded = await readGraphFile(join(repoRoot, 'presets/deepfakes-swap.json'), registry);
    const document = applyOverrides(loaded, registry, { inputs: { driving: join(media, 'driving/d20.mp4'), output: join(folder, 'swap.mp4') }, sets: ['swap.model=bench-small', 'out.preset=veryfast'] });
    const checked = checkGraph(document, registry, { requireFiles: true });
    if (!checked.document) throw new Error(checked.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    const summary = await runGraph(checked.document, { registry, host: createNodeHost({ modelsDir: store }) });
    const use = summary.models[0];
    return {
      training,
      swap: { case: 'd20 480x480, small preset', frames: summary.frames, fps: Math.round(summary.fps * 10) / 10, modelMs: Math.round((use?.milliseconds ?? 0) * 10) / 10, provider: use?.provider ?? 'cpu' },
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export function formatDeepfakesTable(result: DeepfakesOutcome): string {
  return [
    ...result.training.map((run) => `train ${run.preset.padEnd(9)} ${run.itPerS.toFixed(3).padStart(8)} it/s  (${run.iterations} iterations, ${run.device})`),
    `swap  ${result.swap.case}: ${result.swap.fps.toFixed(1)} fps, model ${result.swap.modelMs.toFixed(1)} ms a frame on ${result.swap.provider} (${result.swap.frames} frames)`,
  ].join('\n');
}
