import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedMedia, makeTempDir, runCli, sharedMedia, type CliResult } from '../support/cli.ts';
import { torchMissing } from '../support/python-torch.ts';

/**
 * `vivify train cyclegan` end to end on this machine's CPU: 128 px PNG crops cut with ffmpeg from the shared driving
 * video d20 (domain A) and the shared paintings (domain B), the real trainer (models/train/cyclegan_train.py with
 * PyTorch, preset small), both ONNX exports run by onnxruntime against PyTorch's references, and the store.
 */

const skipReason = torchMissing ?? (hasSharedMedia ? undefined : '../shared/media is absent (the pictures are cut from its paintings and driving video)');
if (skipReason) console.warn(`[vivify tests] skipping the CycleGAN training test: ${skipReason}`);

interface Line {
  type: string;
  [key: string]: unknown;
}
type Progress = Line & { iteration: number; loss_G: number; loss_cycle: number; loss_identity: number; loss_D_A: number; loss_D_B: number; it_per_s: number };
const jsonLines = (result: CliResult): Line[] =>
  result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const floats = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

const iterations = 300;
// Crops of 64 px from the 128 px pictures: four times faster than the preset's 128 px, the same networks.
const cropSize = 64;

describe.skipIf(skipReason !== undefined)('vivify train cyclegan (CPU smoke training)', () => {
  let work: Awaited<ReturnType<typeof makeTempDir>>;
  let result: CliResult;
  let seconds = 0;

  beforeAll(async () => {
    work = await makeTempDir();
    const a = join(work.path, 'a');
    const b = join(work.path, 'b');
    await mkdir(a);
    await mkdir(b);
    const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'ignore' });
    // A: 24 frames of the driving video, scaled to 160 px high and cropped at the centre.
    ffmpeg(['-i', sharedMedia('driving/d20.mp4'), '-vf', 'fps=4,scale=-2:160,crop=128:128', '-frames:v', '24', join(a, '%03d.png')]);
    // B: three crops of each painting at different scales and places.
    const paintings = readdirSync(sharedMedia('source')).filter((name) => name.endsWith('.jpg'));
    for (const painting of paintings) {
      for (const [k, height] of [320, 420, 560].entries()) {
        const at = ['(iw-128)/4:(ih-128)/4', '(iw-128)/2:(ih-128)/3', '(iw-128)*3/4:(ih-128)/2'][k];
        ffmpeg(['-i', sharedMedia(`source/${painting}`), '-vf', `scale=-2:${height},crop=128:128:${at}`, join(b, `${painting.replace('.jpg', '')}_${k}.png`)]);
      }
    }
    const started = performance.now();
    result = await runCli([
      'train', 'cyclegan', '--a', a, '--b', b, '--out', join(work.path, 'model'), '--preset', 'small', '--size', String(cropSize),
      '--iters', String(iterations), '--preview-every', '100', '--models-dir', join(work.path, 'store'), '--json',
    ]);
    seconds = (performance.now() - started) / 1000;
  }, 300_000);

  afterAll(async () => {
    await work?.remove();
  });

  it('trains: the cycle loss falls, the discriminators play, in under 5 minutes', () => {
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result);
    const progress = lines.filter((line) => line.type === 'progress') as Progress[];
    expect(progress.at(-1)?.iteration).toBe(iterations);
    const early = mean(progress.slice(0, 3).map((p) => p.loss_cycle));
    const late = mean(progress.slice(-3).map((p) => p.loss_cycle));
    const speed = mean(progress.slice(1).map((p) => p.it_per_s));
    console.log(
      `[vivify tests] CycleGAN small (${cropSize} px crops), ${iterations} iterations in ${seconds.toFixed(1)} s, ${speed.toFixed(2)} it/s; ` +
        `cycle loss ${early.toFixed(3)} → ${late.toFixed(3)}, G ${progress[0]!.loss_G.toFixed(3)} → ${progress.at(-1)!.loss_G.toFixed(3)}`,
    );
    expect(late).toBeLessThan(early * 0.8);
    for (const p of progress) for (const key of ['loss_G', 'loss_D_A', 'loss_D_B', 'loss_identity'] as const) expect(Number.isFinite(p[key])).toBe(true);
    expect(lines.filter((line) => line.type === 'preview').length).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThan(300);
  });

  it('exports both directions: onnxruntime reproduces PyTorch within 1e-4, at any size', async () => {
    expect(result.code, result.stderr).toBe(0);
    const checks = jsonLines(result).filter((line) => line.type === 'check') as (Line & { file: string; maxDifference: number; ok: boolean })[];
    expect(checks.map((check) => check.file).sort()).toEqual(['generator.onnx', 'generator_b2a.onnx']);
    for (const name of ['generator', 'generator_b2a']) {
      const modelDir = join(work.path, 'model');
      const reference = JSON.parse(await readFile(join(modelDir, `${name}.reference.json`), 'utf8')) as {
        input: { name: string; shape: number[]; float32le: string };
        output: { name: string; float32le: string };
      };
      const session = await ort.InferenceSession.create(join(modelDir, `${name}.onnx`), { executionProviders: ['cpu'] });
      expect(session.inputNames).toEqual(['image']);
      expect(session.outputNames).toEqual(['styled']);
      const outputs = await session.run({ image: new ort.Tensor('float32', floats(reference.input.float32le), reference.input.shape) });
      const actual = outputs.styled!.data as Float32Array;
      const expected = floats(reference.output.float32le);
      expect(actual.length).toBe(expected.length);
      const difference = actual.reduce((max, value, i) => Math.max(max, Math.abs(value - expected[i]!)), 0);
      expect(difference).toBeLessThanOrEqual(1e-4);
      // Free height and width: a picture of another size comes out at its own size, in 0..1.
      const other = await session.run({ image: new ort.Tensor('float32', new Float32Array(3 * 96 * 72).fill(0.5), [1, 3, 96, 72]) });
      expect(other.styled!.dims).toEqual([1, 3, 96, 72]);
      const values = other.styled!.data as Float32Array;
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
      await session.release();
    }
  });

  it('registers the model in the store with both generators', async () => {
    expect(result.code, result.stderr).toBe(0);
    const done = jsonLines(result).find((line) => line.type === 'done');
    expect(done?.model).toBe('cyclegan-model');
    const listed = await runCli(['models', 'list', '--json', '--models-dir', join(work.path, 'store')]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('cyclegan-model');
    const folder = String(done?.path);
    expect(existsSync(join(folder, 'generator.onnx'))).toBe(true);
    expect(existsSync(join(folder, 'generator_b2a.onnx'))).toBe(true);
  });
});
