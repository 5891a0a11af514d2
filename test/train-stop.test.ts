import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedMedia, makeTempDir, runCli, spawnCli, type CliResult } from '../support/cli.ts';
import { torchMissing } from '../support/python-torch.ts';
import { extractFaces, faceVideos } from './support/face-crops.ts';

/**
 * A training stopped early is a usable model: Ctrl-C and --stop-after export, check and register it, --export-only
 * exports a checkpoint as it is, --status summarises a folder, and the swap preset left at its default model takes the
 * one trained last. The walk a user takes (extract, train, stop, render both directions with the printed commands),
 * with real PyTorch on this CPU, a few iterations of small batches.
 */

const skipReason = torchMissing ?? (hasSharedMedia ? undefined : '../shared/media is absent (the faces are cut from its driving videos)');
if (skipReason) console.warn(`[vivify tests] skipping the training stop tests: ${skipReason}`);

interface Line {
  type: string;
  [key: string]: unknown;
}
const jsonLines = (text: string): Line[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as Line);
type Done = Line & { model: string; iterations: number; commands: { label: string; command: string }[]; preview?: string };

describe.skipIf(skipReason !== undefined)('stopping a training (PyTorch on this CPU)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let facesA: string;
  let facesB: string;
  let store: string;
  const small = ['--batch', '2', '--size', '32', '--preview-every', '4'];

  beforeAll(async () => {
    temp = await makeTempDir();
    facesA = join(temp.path, 'faces-d0');
    facesB = join(temp.path, 'faces-d20');
    store = join(temp.path, 'store');
    await extractFaces(facesA, faceVideos.a);
    await extractFaces(facesB, faceVideos.b);
  }, 180_000);
  afterAll(async () => {
    await temp?.remove();
  });

  it('Ctrl-C exports, checks and registers the model; the printed commands render both directions', async () => {
    const modelDir = join(temp.path, 'interrupted');
    const child = spawnCli(['train', 'deepfakes', '--a', facesA, '--b', facesB, '--out', modelDir, '--iters', '100000', ...small, '--json', '--models-dir', store]);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const reached = jsonLines(stdout).some((line) => line.type === 'progress' && (line.iteration as number) >= 5);
      if (reached && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, stderr).toBe(130);
    const lines = jsonLines(stdout);
    const stopped = lines.find((line) => line.type === 'stopped') as Line & { iteration: number; reason: string };
    expect(stopped).toMatchObject({ reason: 'signal', iterations: 100000 });
    expect(lines.filter((line) => line.type === 'check').map((line) => [line.file, line.ok])).toEqual([
      ['deepfakes_a2b.onnx', true],
      ['deepfakes_b2a.onnx', true],
    ]);
    const done = lines.find((line) => line.type === 'done') as Done;
    expect(done).toMatchObject({ model: 'deepfakes-interrupted', iterations: stopped.iteration });
    expect(done.preview).toBe(join(modelDir, 'previews', `preview_${String(stopped.iteration).padStart(7, '0')}.png`));
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `vivify: training stopped at iteration ${stopped.iteration} of 100000 (Ctrl-C); the model at that point is registered as "deepfakes-interrupted"; ` +
        `vivify train deepfakes --out ${modelDir} --resume continues`,
    );

    // The commands name the model, the direction and whose face goes on which video.
    expect(done.commands.map((command) => command.label)).toEqual(["B's face (faces-d20) on a video of A (faces-d0)", "A's face (faces-d0) on a video of B (faces-d20)"]);
    for (const [i, { command }] of done.commands.entries()) {
      const direction = i === 0 ? 'a-to-b' : 'b-to-a';
      expect(command).toBe(
        `vivify render presets/deepfakes-swap.json --driving <video of ${i === 0 ? 'A' : 'B'}> -o ${i === 0 ? 'a-as-b' : 'b-as-a'}.mp4 ` +
          `--set swap.model=deepfakes-interrupted --set swap.direction=${direction} --models-dir ${store}`,
      );
      const words = command
        .replace('<video of A>', faceVideos.a)
        .replace('<video of B>', faceVideos.b)
        .replace(/-o (\S+)/, (_, name: string) => `-o ${join(temp.path, name)}`)
        .split(' ')
        .slice(1);
      const render = await runCli([...words, '--frames', ':4', '--set', 'out.preset=ultrafast']);
      expect(render.code, render.stderr).toBe(0);
      expect(render.stdout).toContain(`deepfakes-interrupted/deepfakes_${i === 0 ? 'a2b' : 'b2a'}.onnx (node "swap") ran on cpu`);
    }
  }, 300_000);

  it('--status summarises the folder: iterations, losses, the last export, the store, the previews', async () => {
    const modelDir = join(temp.path, 'interrupted');
    const { iteration } = JSON.parse(await readFile(join(modelDir, 'checkpoint.json'), 'utf8')) as { iteration: number };
    const result = await runCli(['train', 'deepfakes', '--status', modelDir, '--models-dir', store]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${modelDir}: deepfakes training, preset small, 32 px, batch 2`);
    expect(lines[1]).toMatch(new RegExp(`^  iterations: ${iteration} of 100000 \\(0%\\), [\\d.]+ s of training, [\\d.]+ it/s$`));
    expect(lines[2]).toBe(`  A: ${facesA} (${lines[2]!.match(/\((\d+)\), B/)![1]}), B: ${facesB} (${lines[2]!.match(/\((\d+)\)$/)![1]})`);
    expect(lines[3]).toMatch(/^  loss: a [\d.]+, b [\d.]+ at first, a [\d.]+, b [\d.]+ at the last checkpoint$/);
    expect(lines[4]).toMatch(new RegExp(`^  last export: iteration ${iteration}, \\S+ \\(deepfakes_a2b\\.onnx, deepfakes_b2a\\.onnx\\)$`));
    expect(lines[5]).toBe('  registered: deepfakes-interrupted');
    expect(lines[6]).toBe(`  latest preview: ${join(modelDir, 'previews', `preview_${String(iteration).padStart(7, '0')}.png`)} (iteration ${iteration})`);
    expect(lines[7]).toBe(`  vivify train deepfakes --out ${modelDir} --resume continues to iteration 100000`);

    const none = await runCli(['train', 'deepfakes', '--status', facesA]);
    expect(none).toMatchObject({ code: 2, stderr: `vivify: ${facesA} holds no training (no checkpoint.json): --status takes the --out folder of a training\n` });
  }, 60_000);

  it('--export-only exports, checks and registers the checkpoint as it is, and refuses options that would train', async () => {
    const modelDir = join(temp.path, 'interrupted');
    const refused = await runCli(['train', 'deepfakes', '--out', modelDir, '--export-only', '--iters', '50']);
    expect(refused).toMatchObject({ code: 2, stderr: `vivify: --export-only exports the checkpoint in ${modelDir} as it is; leave out --iters\n` });
    const empty = join(temp.path, 'never-trained');
    expect(await runCli(['train', 'deepfakes', '--out', empty, '--export-only'])).toMatchObject({ code: 2, stderr: `vivify: ${empty} holds no checkpoint to export; train into it first\n` });

    const { iteration } = JSON.parse(await readFile(join(modelDir, 'checkpoint.json'), 'utf8')) as { iteration: number };
    const result = await runCli(['train', 'deepfakes', '--out', modelDir, '--export-only', '--name', 'deepfakes-exported', '--json', '--models-dir', store]);
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.filter((line) => line.type === 'progress')).toEqual([]);
    expect(lines.filter((line) => line.type === 'check').every((line) => line.ok)).toBe(true);
    expect(lines.find((line) => line.type === 'done')).toMatchObject({ model: 'deepfakes-exported', iterations: iteration });
  }, 120_000);

  it('--stop-after stops on time, exports and registers, exit 0; the swap preset at its default model takes the newest', async () => {
    const modelDir = join(temp.path, 'timed');
    const started = performance.now();
    const result: CliResult = await runCli(['train', 'deepfakes', '--a', facesA, '--b', facesB, '--out', modelDir, '--iters', '100000', '--stop-after', '0.05', ...small, '--models-dir', store]);
    const seconds = (performance.now() - started) / 1000;
    expect(result.code, result.stderr).toBe(0);
    const { iteration } = JSON.parse(await readFile(join(modelDir, 'checkpoint.json'), 'utf8')) as { iteration: number };
    console.log(`[train stop] --stop-after 3 s: ${iteration} iterations, ${seconds.toFixed(1)} s in all with the export and registration`);
    expect(iteration).toBeGreaterThan(0);
    expect(result.stderr).toContain(`Previews: ${join(modelDir, 'previews')}/preview_<iteration>.png, written every 4 iterations and when training stops\n`);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      `training stopped at iteration ${iteration} of 100000 (--stop-after 0.05 min); the model at that point is registered as "deepfakes-timed"; vivify train deepfakes --out ${modelDir} --resume continues`,
    );
    expect(result.stdout).toContain('Registered "deepfakes-timed" in the model store');
    expect(result.stdout).toContain("  B's face (faces-d20) on a video of A (faces-d0):\n    vivify render presets/deepfakes-swap.json --driving <video of A> -o a-as-b.mp4 --set swap.model=deepfakes-timed --set swap.direction=a-to-b");
    expect(result.stdout).toContain(`Latest preview: ${join(modelDir, 'previews', `preview_${String(iteration).padStart(7, '0')}.png`)}\n`);
    expect(existsSync(join(store, 'deepfakes-timed', 'deepfakes_a2b.onnx'))).toBe(true);

    // The preset's model is left at "deepfakes": the model trained last (deepfakes-timed) is used, and the run says so.
    const render = await runCli(['render', 'presets/deepfakes-swap.json', '--driving', faceVideos.b, '-o', join(temp.path, 'default.mp4'), '--frames', ':3', '--set', 'out.preset=ultrafast', '--models-dir', store]);
    expect(render.code, render.stderr).toBe(0);
    expect(render.stderr).toBe(
      'warning: no model is called "deepfakes"; using "deepfakes-timed", the deepfakes model trained here most recently (--set <node>.model=<id> on the node that reads it chooses another: vivify models list)\n',
    );
    expect(render.stdout).toContain('deepfakes-timed/deepfakes_a2b.onnx (node "swap") ran on cpu');
  }, 300_000);
});

describe('vivify train: usage', () => {
  it('names the missing --out in one line, exit 2', async () => {
    const result = await runCli(['train', 'cyclegan', '--a', 'x', '--b', 'y']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'vivify: --out <dir> names the model folder to train in (vivify train cyclegan --help)\n' });
  });
});
