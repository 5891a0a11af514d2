import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLocalCatalog, resolveModelAlias } from '../models/store/index.ts';
import { drawFaceSketch } from '../runtime/draw/face-sketch.ts';
import { rgbaToPlanar } from '../runtime/style/planar-rgb.ts';
import { hasSharedMedia, makeTempDir, repoRoot, runCli, sharedMedia, type CliResult } from '../support/cli.ts';
import { torchMissing } from '../support/python-torch.ts';
import { jsonLines, lossChange, type TrainingLine } from '../support/training-lines.ts';

/**
 * `vivify train pix2pix` end to end on this machine's CPU: the shared driving video d0 (78 frames) as the target,
 * extracted and aligned as `vivify extract` does, a landmark sketch drawn for each crop, the real trainer
 * (models/train/pix2pix_train.py, preset small, 64 px), its ONNX export run by onnxruntime against PyTorch, and the
 * model registered in the store as the one the pix2pix-face node's default "pix2pix" stands for.
 */

const skipReason = torchMissing ?? (hasSharedMedia ? undefined : '../shared/media is absent (the target is its driving video d0)');
if (skipReason) console.warn(`[vivify tests] skipping the pix2pix training test: ${skipReason}`);

type Progress = TrainingLine & { iteration: number; loss_L1: number; loss_G_GAN: number; loss_D: number };

const iterations = 300;
const size = 64;

describe.skipIf(skipReason !== undefined)('vivify train pix2pix (CPU smoke training)', () => {
  let work: Awaited<ReturnType<typeof makeTempDir>>;
  let result: CliResult;
  let seconds = 0;
  let modelDir: string;
  let store: string;

  beforeAll(async () => {
    work = await makeTempDir();
    modelDir = join(work.path, 'model');
    store = join(work.path, 'store');
    const started = performance.now();
    result = await runCli([
      'train', 'pix2pix', sharedMedia('driving/d0.mp4'), '--out', modelDir, '--preset', 'small', '--iters', String(iterations),
      '--preview-every', '100', '--models-dir', store, '--json',
    ]);
    seconds = (performance.now() - started) / 1000;
  }, 400_000);

  afterAll(async () => {
    await work?.remove();
  });

  it('pairs every aligned crop of the video with its landmark sketch', async () => {
    expect(result.code, result.stderr).toBe(0);
    const listing = JSON.parse(await readFile(join(modelDir, 'pairs', 'pairs.json'), 'utf8')) as { size: number; pairs: { sketch: string; face: string }[] };
    const faces = JSON.parse(await readFile(join(modelDir, 'faces', 'alignments.json'), 'utf8')) as { size: number; faces: unknown[] };
    expect(listing.size).toBe(size);
    expect(faces.size).toBe(size);
    expect(listing.pairs.length).toBe(faces.faces.length);
    expect(listing.pairs.length).toBeGreaterThan(60);
    for (const pair of listing.pairs.slice(0, 3)) {
      expect(existsSync(join(modelDir, 'pairs', pair.sketch))).toBe(true);
      expect(existsSync(pair.face)).toBe(true);
    }
  });

  it('trains: L1 to the real face falls by at least 30 %', () => {
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result);
    const { early, late, speed, last } = lossChange(lines, 'loss_L1', 2);
    expect(last).toBe(iterations);
    const progress = lines.filter((line) => line.type === 'progress') as Progress[];
    console.log(
      `[vivify tests] pix2pix small (${size} px), ${iterations} iterations in ${seconds.toFixed(1)} s with extraction, ${speed.toFixed(2)} it/s; ` +
        `L1 ${early.toFixed(4)} → ${late.toFixed(4)} (${Math.round((100 * (early - late)) / early)} % less), G ${progress[0]!.loss_G_GAN.toFixed(3)} → ${progress.at(-1)!.loss_G_GAN.toFixed(3)}, D ${progress[0]!.loss_D.toFixed(3)} → ${progress.at(-1)!.loss_D.toFixed(3)}`,
    );
    expect(late).toBeLessThanOrEqual(early * 0.7);
    for (const p of progress) for (const key of ['loss_G_GAN', 'loss_D'] as const) expect(Number.isFinite(p[key])).toBe(true);
    expect(lines.filter((line) => line.type === 'preview').length).toBeGreaterThanOrEqual(3);
  });

  it('exports pix2pix.onnx: onnxruntime reproduces PyTorch within 1e-4, and draws the face from a sketch drawn here', async () => {
    expect(result.code, result.stderr).toBe(0);
    const checks = jsonLines(result).filter((line) => line.type === 'check') as (TrainingLine & { file: string; maxDifference: number; ok: boolean })[];
    expect(checks.map((check) => check.file)).toEqual(['pix2pix.onnx']);
    expect(checks[0]!.maxDifference).toBeLessThanOrEqual(1e-4);
    expect(checks[0]!.ok).toBe(true);

    // The node's path: a sketch drawn by drawFaceSketch from a crop's landmarks, planar RGB 0..1 in, the face out.
    const faces = JSON.parse(await readFile(join(modelDir, 'faces', 'alignments.json'), 'utf8')) as { faces: { file: string; landmarks: [number, number][] }[] };
    const face = faces.faces[Math.floor(faces.faces.length / 2)]!;
    const points = new Float32Array(face.landmarks.flatMap(([x, y]) => [x, y, 0]));
    const sketch = drawFaceSketch(points, size);
    const session = await ort.InferenceSession.create(join(modelDir, 'pix2pix.onnx'), { executionProviders: ['cpu'] });
    expect(session.inputNames).toEqual(['sketch']);
    expect(session.outputNames).toEqual(['face']);
    const outputs = await session.run({ sketch: new ort.Tensor('float32', rgbaToPlanar(sketch), [1, 3, size, size]) });
    await session.release();
    expect(outputs.face!.dims).toEqual([1, 3, size, size]);
    const drawn = outputs.face!.data as Float32Array;
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...drawn)).toBeLessThanOrEqual(1);
    const real = await sharp(join(modelDir, 'faces', face.file)).removeAlpha().raw().toBuffer();
    let difference = 0;
    for (let i = 0; i < size * size; i++) for (let c = 0; c < 3; c++) difference += Math.abs(drawn[c * size * size + i]! - real[i * 3 + c]! / 255);
    difference /= size * size * 3;
    console.log(`[vivify tests] pix2pix.onnx on a sketch drawn by drawFaceSketch: mean difference from the real crop ${difference.toFixed(4)}`);
    expect(difference).toBeLessThan(0.1);

    // A contact sheet to look at: sketch | generated | real, and the trainer's last preview grid below.
    const toRgb = (planar: Float32Array) => Buffer.from(Array.from({ length: size * size * 3 }, (_, i) => Math.round(255 * planar[(i % 3) * size * size + Math.floor(i / 3)]!)));
    const tile = (data: Buffer, channels: 3 | 4) => sharp(data, { raw: { width: size, height: size, channels } }).png().toBuffer();
    const tiles = [await tile(Buffer.from(sketch.data), 4), await tile(toRgb(drawn), 3), await tile(real, 3)];
    const previews = jsonLines(result).filter((line) => line.type === 'preview');
    const preview = String(previews.at(-1)?.path);
    const previewInfo = await sharp(preview).metadata();
    const sheet = sharp({ create: { width: Math.max(3 * size, previewInfo.width!), height: size + previewInfo.height!, channels: 3, background: '#000' } }).composite([
      ...tiles.map((input, i) => ({ input, left: i * size, top: 0 })),
      { input: preview, left: 0, top: size },
    ]);
    await mkdir(join(repoRoot, 'test', 'output'), { recursive: true });
    await writeFile(join(repoRoot, 'test', 'output', 'train-pix2pix-sheet.png'), await sheet.png().toBuffer());
  });

  it('registers the model in the store: pix2pix.onnx and pix2pix.json, the one "pix2pix" stands for', async () => {
    expect(result.code, result.stderr).toBe(0);
    const done = jsonLines(result).find((line) => line.type === 'done');
    expect(done?.model).toBe('pix2pix-model');
    const folder = String(done?.path);
    expect(existsSync(join(folder, 'pix2pix.onnx'))).toBe(true);
    const metadata = JSON.parse(await readFile(join(folder, 'pix2pix.json'), 'utf8')) as Record<string, unknown>;
    expect(metadata).toMatchObject({ format: 'vivify.pix2pix', version: 1, size, preset: 'small', iterations, input: 'sketch', output: 'face' });
    const entry = readLocalCatalog(store)?.models.find((model) => model.id === 'pix2pix-model');
    expect(entry?.task).toBe('pix2pix');
    expect(entry?.files.map((file) => file.name)).toEqual(['pix2pix.onnx', 'pix2pix.json']);
    expect(resolveModelAlias(store, 'pix2pix', { task: 'pix2pix', file: 'pix2pix.onnx' })).toBe('pix2pix-model');
    const verify = await runCli(['models', 'verify', 'pix2pix-model', '--models-dir', store]);
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('resumes from its checkpoint without naming the target again', async () => {
    expect(result.code, result.stderr).toBe(0);
    const resumed = await runCli(['train', 'pix2pix', '--out', modelDir, '--resume', '--iters', String(iterations + 20), '--preview-every', '0', '--models-dir', store, '--json', '--name', 'pix2pix-resumed']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const lines = jsonLines(resumed);
    expect(lines.find((line) => line.type === 'start')).toMatchObject({ resumed: true, iteration: iterations, iterations: iterations + 20 });
    expect((lines.filter((line) => line.type === 'progress') as Progress[]).at(-1)?.iteration).toBe(iterations + 20);
    expect(lines.find((line) => line.type === 'done')?.model).toBe('pix2pix-resumed');
    // The most recent pix2pix model is the one the node's default now stands for.
    expect(resolveModelAlias(store, 'pix2pix', { task: 'pix2pix' })).toBe('pix2pix-resumed');
  }, 200_000);
});

describe.skipIf(torchMissing !== undefined)('vivify train pix2pix: bad input, one line and exit status 2', () => {
  let work: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    work = await makeTempDir();
  });
  afterAll(async () => {
    await work?.remove();
  });

  it('names a target that does not exist', async () => {
    const missing = join(work.path, 'no-such-folder');
    const result = await runCli(['train', 'pix2pix', missing, '--out', join(work.path, 'never')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${missing}: no such file or folder (vivify train pix2pix takes videos of the target, or folders vivify extract made)\n`);
    expect(existsSync(join(work.path, 'never'))).toBe(false);
  }, 60_000);

  it('names a folder that holds no faces', async () => {
    const empty = join(work.path, 'no-faces');
    await mkdir(empty);
    await writeFile(join(empty, 'notes.txt'), 'not a face\n');
    const result = await runCli(['train', 'pix2pix', empty, '--out', join(work.path, 'never')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${empty} holds no faces: no alignments.json (vivify extract makes one from a video; or give the video itself)\n`);

    // A face set that lists none.
    const none = join(work.path, 'none-listed');
    await mkdir(none);
    await writeFile(join(none, 'alignments.json'), JSON.stringify({ format: 'vivify.faces', version: 1, size: 64, alignment: 'vivify-mean-face-v1', faces: [], skipped: { noFace: 3, blurry: 0 } }));
    const listed = await runCli(['train', 'pix2pix', none, '--out', join(work.path, 'never')]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toBe(`vivify: ${none} holds no faces (its alignments.json lists none); vivify extract makes them from a video of the target\n`);
    expect(existsSync(join(work.path, 'never'))).toBe(false);
  }, 60_000);

  it('refuses a size the U-Net cannot halve down to one pixel, and no target without --resume', async () => {
    const size = await runCli(['train', 'pix2pix', work.path, '--out', join(work.path, 'never'), '--size', '96']);
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/^vivify: --size 96: a pix2pix U-Net halves the face down to one pixel, so the size must be a power of two/);
    expect(size.stderr.trim().split('\n')).toHaveLength(1);
    const none = await runCli(['train', 'pix2pix', '--out', join(work.path, 'never')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^vivify: name the target to train on/);
  }, 60_000);
});
