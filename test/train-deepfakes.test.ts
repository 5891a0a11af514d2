import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignFace } from '../runtime/align/face-align.ts';
import { applyAffine } from '../runtime/geometry/affine.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { hasSharedMedia, makeTempDir, probeFile, runCli, sharedMedia, spawnCli, type CliResult } from '../support/cli.ts';
import { testPython, torchMissing } from '../support/python-torch.ts';
import { extractFaces, faceVideos, withoutListing } from './support/face-crops.ts';

/**
 * `vivify train deepfakes` end to end on this machine's CPU: real faces (`vivify extract` on two shared driving
 * videos), the real trainer (models/train/deepfakes.py with PyTorch), its ONNX export run by onnxruntime, the store.
 */

const skipReason = torchMissing ?? (hasSharedMedia ? undefined : '../shared/media is absent (the faces are cut from its driving videos)');
if (skipReason) console.warn(`[vivify tests] skipping the DeepFakes training tests: ${skipReason}`);

interface Line {
  type: string;
  [key: string]: unknown;
}
const jsonLines = (result: CliResult): Line[] =>
  result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
const progressOf = (lines: Line[]) => lines.filter((line) => line.type === 'progress') as (Line & { iteration: number; loss_a: number; loss_b: number; it_per_s: number })[];
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const floatsOf = (bytes: Buffer) => new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
function largestDifference(a: Buffer, b: Buffer): number {
  const x = floatsOf(a);
  const y = floatsOf(b);
  expect(x.length).toBe(y.length);
  return x.reduce((max, value, i) => Math.max(max, Math.abs(value - y[i]!)), 0);
}

/** What PyTorch computed at export, and what onnxruntime computes now from `onnxFolder`'s copy of each file. */
async function exportDifferences(modelDir: string, onnxFolder: string): Promise<Record<string, number>> {
  const check = JSON.parse(await readFile(join(modelDir, 'export-check.json'), 'utf8')) as {
    input: { name: string; file: string; shape: number[] };
    models: { file: string; outputs: { name: string; file: string }[] }[];
  };
  const floats = async (file: string) => floatsOf(await readFile(join(modelDir, file)));
  const input = new ort.Tensor('float32', await floats(check.input.file), check.input.shape);
  const differences: Record<string, number> = {};
  for (const model of check.models) {
    const session = await ort.InferenceSession.create(join(onnxFolder, model.file), { executionProviders: ['cpu'] });
    const outputs = await session.run({ [check.input.name]: input });
    for (const output of model.outputs) {
      const expected = await floats(output.file);
      const actual = outputs[output.name]!.data as Float32Array;
      expect(actual.length).toBe(expected.length);
      differences[`${model.file}:${output.name}`] = actual.reduce((max, value, i) => Math.max(max, Math.abs(value - expected[i]!)), 0);
    }
    await session.release();
  }
  return differences;
}

/** Width and height of a PNG, after checking its signature, chunk CRCs aside, and that its pixels inflate whole. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const kind = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (kind === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([body[8], body[9]]).toEqual([8, 2]); // 8-bit RGB
    } else if (kind === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  expect(inflateSync(Buffer.concat(data)).length).toBe(height * (width * 3 + 1));
  return { width, height };
}

describe.skipIf(skipReason !== undefined)('vivify train deepfakes (PyTorch on this CPU)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let facesA: string;
  let facesB: string;
  let countA: number;
  let countB: number;
  let store: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    facesA = join(temp.path, 'faces-d0');
    facesB = join(temp.path, 'faces-d20');
    store = join(temp.path, 'store');
    // A as vivify extract writes it (alignments.json), B as a plain folder of its crops with masks/.
    countA = await extractFaces(facesA, faceVideos.a);
    countB = await extractFaces(join(temp.path, 'extracted-d20'), faceVideos.b);
    await withoutListing(join(temp.path, 'extracted-d20'), facesB);
  }, 120_000);
  afterAll(async () => {
    await temp?.remove();
  });

  it('trains the small preset: the loss falls, onnxruntime reproduces PyTorch, a preview is written and the model is registered', async () => {
    const modelDir = join(temp.path, 'smoke');
    const iterations = 300;
    const started = performance.now();
    const result = await runCli([
      'train', 'deepfakes', '--a', facesA, '--b', facesB, '--out', modelDir,
      '--preset', 'small', '--iters', String(iterations), '--batch', '8', '--preview-every', '100', '--json', '--models-dir', store,
    ]);
    const seconds = (performance.now() - started) / 1000;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = jsonLines(result);
    const progress = progressOf(lines);
    const first = progress.slice(0, 3);
    const last = progress.slice(-3);
    const lossA = [mean(first.map((line) => line.loss_a)), mean(last.map((line) => line.loss_a))] as const;
    const lossB = [mean(first.map((line) => line.loss_b)), mean(last.map((line) => line.loss_b))] as const;
    const done = lines.find((line) => line.type === 'done') as Line & { seconds: number; model: string; path: string };
    console.log(
      `[train deepfakes] small preset, ${iterations} iterations of batch 8 in ${seconds.toFixed(1)} s (${done.seconds.toFixed(1)} s training, ` +
        `${(iterations / done.seconds).toFixed(2)} it/s); loss A ${lossA[0].toFixed(4)} → ${lossA[1].toFixed(4)}, B ${lossB[0].toFixed(4)} → ${lossB[1].toFixed(4)}`,
    );
    expect(seconds).toBeLessThan(300);
    expect(progress.at(-1)!.iteration).toBe(iterations);
    expect(lossA[1]).toBeLessThanOrEqual(lossA[0] * 0.7);
    expect(lossB[1]).toBeLessThanOrEqual(lossB[0] * 0.7);

    // The command checked the export, and onnxruntime agrees here too, on the store's copies.
    const checks = lines.filter((line) => line.type === 'check');
    expect(checks.map((check) => [check.file, check.ok])).toEqual([
      ['deepfakes_a2b.onnx', true],
      ['deepfakes_b2a.onnx', true],
    ]);
    for (const [output, difference] of Object.entries(await exportDifferences(modelDir, done.path))) {
      expect(difference, output).toBeLessThanOrEqual(1e-4);
    }

    // Previews: rows of A, A reconstructed, A->B, B, B reconstructed, B->A; six faces wide.
    for (const iteration of [100, 200, 300]) {
      const preview = join(modelDir, 'previews', `preview_${String(iteration).padStart(7, '0')}.png`);
      expect(pngSize(await readFile(preview))).toEqual({ width: 6 * 64, height: 6 * 64 });
    }

    const metadata = JSON.parse(await readFile(join(modelDir, 'deepfakes.json'), 'utf8')) as Record<string, unknown>;
    expect(metadata).toMatchObject({ format: 'vivify.deepfakes', version: 1, size: 64, preset: 'small', alignment: 'vivify-mean-face-v1', iterations });
    expect(metadata.a).toEqual({ folder: facesA, faces: countA });
    expect(metadata.b).toEqual({ folder: facesB, faces: countB });

    // Registered: listed as installed, and verify checks every file against the lock.
    expect(done.model).toBe('deepfakes-smoke');
    const list = await runCli(['models', 'list', '--json', '--models-dir', store]);
    const listed = (JSON.parse(list.stdout) as { models: { id: string; state: string; task: string; title: string; files: { name: string }[] }[] }).models.find(
      (model) => model.id === 'deepfakes-smoke',
    );
    expect(listed).toMatchObject({ state: 'installed', task: 'faceswap', title: 'DeepFakes faces-d0 ↔ faces-d20' });
    expect(listed!.files.map((file) => file.name)).toEqual(['deepfakes_a2b.onnx', 'deepfakes_b2a.onnx', 'deepfakes.json']);
    const verify = await runCli(['models', 'verify', 'deepfakes-smoke', '--models-dir', store]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout.match(/^ok /gm)).toHaveLength(3);
    expect((await runCli(['models', 'path', 'deepfakes-smoke', '--models-dir', store])).stdout.trim()).toBe(done.path);

    // The swap renders: d20 (person B here) drawn as person A, with its audio, aligned with the driver.
    await checkSwapRender(store, 'deepfakes-smoke', 'b-to-a', join(temp.path, 'swap-d20.mp4'));

    // Removing it takes its catalog entry too.
    expect((await runCli(['models', 'remove', 'deepfakes-smoke', '--models-dir', store])).code).toBe(0);
    const after = JSON.parse((await runCli(['models', 'list', '--json', '--models-dir', store])).stdout) as { models: { id: string }[] };
    expect(after.models.map((model) => model.id)).not.toContain('deepfakes-smoke');
  }, 420_000);

  it('Ctrl-C saves a checkpoint and exports; --resume continues exactly, and resuming with no iterations left exports the same model', async () => {
    const common = ['--iters', '30', '--batch', '4', '--preview-every', '0', '--json', '--models-dir', store];
    const reference = join(temp.path, 'uninterrupted');
    const ran = await runCli(['train', 'deepfakes', '--a', facesA, '--b', facesB, '--out', reference, '--name', 'deepfakes-reference', ...common]);
    expect(ran.code, ran.stderr).toBe(0);

    // Interrupted after ten iterations: the command forwards the signal, the trainer checkpoints and exits.
    const modelDir = join(temp.path, 'interrupted');
    const child = spawnCli(['train', 'deepfakes', '--a', facesA, '--b', facesB, '--out', modelDir, '--name', 'deepfakes-resumed', ...common]);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const reached = progressOf(stdout.split('\n').filter((line) => line.startsWith('{') && line.endsWith('}')).map((line) => JSON.parse(line) as Line));
      if (reached.some((line) => line.iteration >= 10) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, stderr).toBe(130);
    const stoppedAt = (JSON.parse(await readFile(join(modelDir, 'checkpoint.json'), 'utf8')) as { iteration: number }).iteration;
    expect(stoppedAt).toBeGreaterThanOrEqual(10);
    expect(stoppedAt).toBeLessThan(30);
    // The model as it stood is exported and registered all the same.
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `vivify: training stopped at iteration ${stoppedAt} of 30 (Ctrl-C); the model at that point is registered as "deepfakes-resumed"; vivify train deepfakes --out ${modelDir} --resume continues`,
    );
    expect(existsSync(join(modelDir, 'deepfakes_a2b.onnx'))).toBe(true);

    // --resume needs neither the folders nor the iteration count again; it carries on from the checkpoint.
    const resumed = await runCli(['train', 'deepfakes', '--out', modelDir, '--resume', '--json', '--models-dir', store, '--name', 'deepfakes-resumed']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const lines = jsonLines(resumed);
    expect(lines[0]).toMatchObject({ type: 'start', iteration: stoppedAt, iterations: 30, resumed: true });
    const iterations = progressOf(lines).map((line) => line.iteration);
    expect(iterations[0]).toBeGreaterThan(stoppedAt);
    expect(iterations.at(-1)).toBe(30);
    // The same weights as the run that was never stopped: the optimizer and every random generator were restored.
    const outputFiles = ['deepfakes_a2b.face.f32', 'deepfakes_a2b.mask.f32', 'deepfakes_b2a.face.f32', 'deepfakes_b2a.mask.f32'];
    const readOutputs = (folder: string) => Promise.all(outputFiles.map((file) => readFile(join(folder, 'export-check', file))));
    const resumedOutputs = await readOutputs(modelDir);
    const referenceOutputs = await readOutputs(reference);
    resumedOutputs.forEach((bytes, i) => expect(largestDifference(bytes, referenceOutputs[i]!), outputFiles[i]).toBeLessThanOrEqual(1e-5));

    // Nothing left to train: the same model is exported and registered again.
    const again = await runCli(['train', 'deepfakes', '--out', modelDir, '--resume', '--json', '--models-dir', store, '--name', 'deepfakes-resumed']);
    expect(again.code, again.stderr).toBe(0);
    expect(progressOf(jsonLines(again))).toEqual([]);
    (await readOutputs(modelDir)).forEach((bytes, i) => expect(bytes.equals(resumedOutputs[i]!), outputFiles[i]).toBe(true));
    const verify = await runCli(['models', 'verify', 'deepfakes-resumed', '--models-dir', store]);
    expect(verify.code, verify.stderr).toBe(0);
  }, 300_000);

  it('names the folder that has no faces, exit 2', async () => {
    const empty = join(temp.path, 'no-faces');
    await mkdir(empty);
    await writeFile(join(empty, 'notes.txt'), 'not a face\n');
    const result = await runCli(['train', 'deepfakes', '--a', facesA, '--b', empty, '--out', join(temp.path, 'never')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${empty} (--b) has no faces: no alignments.json entries and no .png crops; vivify extract makes them from a video\n`);
    expect(existsSync(join(temp.path, 'never'))).toBe(false);
  }, 60_000);
});

/**
 * Renders d20 through presets/deepfakes-swap.json with a registered model and checks what a user would: every frame
 * and the audio are there, the swapped face sits where the driver's is (landmarks within 3% of the face's height), and
 * pixels far from the face are the driver's own.
 */
async function checkSwapRender(store: string, model: string, direction: string, out: string): Promise<void> {
  const driving = sharedMedia('driving/d20.mp4');
  const render = await runCli(['render', 'presets/deepfakes-swap.json', '--driving', driving, '-o', out, '--models-dir', store, '--set', `swap.model=${model}`, '--set', `swap.direction=${direction}`, '--set', 'out.preset=veryfast']);
  expect(render.stderr).toBe('');
  expect(render.code).toBe(0);
  expect(render.stdout).toMatch(new RegExp(`${model}/deepfakes_${direction === 'a-to-b' ? 'a2b' : 'b2a'}\\.onnx \\(node "swap"\\) ran on cpu`));
  const probe = await probeFile(out);
  expect(probe).toMatchObject({ videoFrames: 175, audio: true, width: 480, height: 480 });
  expect(probe.audioSeconds).toBeGreaterThan(6.9);

  const host = createNodeHost();
  const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
  try {
    let distance = 0;
    let farChange = 0;
    const picks = [10, 60, 110, 160];
    for (const index of picks) {
      const [swapped, original] = await Promise.all([frameAt(out, index, host), frameAt(driving, index, host)]);
      const [a] = await detector.detect(swapped, 0);
      const [b] = await detector.detect(original, 0);
      expect(a, `a face in output frame ${index}`).toBeDefined();
      const height = Math.hypot(b!.points[10 * 3]! - b!.points[152 * 3]!, b!.points[10 * 3 + 1]! - b!.points[152 * 3 + 1]!);
      let sum = 0;
      for (let i = 0; i < 468; i++) sum += Math.hypot(a!.points[i * 3]! - b!.points[i * 3]!, a!.points[i * 3 + 1]! - b!.points[i * 3 + 1]!);
      distance += sum / 468 / height / picks.length;
      // Far from the face: outside the aligned crop's box grown by a tenth of the picture.
      const { toImage } = alignFace(b!.points, 64);
      const corners = [applyAffine(toImage, 0, 0), applyAffine(toImage, 64, 0), applyAffine(toImage, 0, 64), applyAffine(toImage, 64, 64)];
      const margin = 0.1 * original.width;
      const [x0, x1] = [Math.min(...corners.map((c) => c[0])) - margin, Math.max(...corners.map((c) => c[0])) + margin];
      const [y0, y1] = [Math.min(...corners.map((c) => c[1])) - margin, Math.max(...corners.map((c) => c[1])) + margin];
      let change = 0;
      let count = 0;
      for (let y = 0; y < original.height; y++) {
        for (let x = 0; x < original.width; x++) {
          if (x >= x0 && x <= x1 && y >= y0 && y <= y1) continue;
          const at = (y * original.width + x) * 4;
          for (let c = 0; c < 3; c++) change += Math.abs(swapped.data[at + c]! - original.data[at + c]!);
          count += 3;
        }
      }
      expect(count).toBeGreaterThan(0);
      farChange += change / count / picks.length;
    }
    console.log(`[deepfakes swap] d20 ${direction}: mean landmark distance ${(distance * 100).toFixed(2)}% of the face height; far-from-face change ${farChange.toFixed(2)}/255`);
    expect(distance).toBeLessThan(0.03);
    expect(farChange).toBeLessThan(3);
  } finally {
    detector.close();
  }
}

/** Frame `index` of a video, decoded by ffmpeg. */
async function frameAt(video: string, index: number, host: ReturnType<typeof createNodeHost>) {
  const file = join(tmpdir(), `vivify-frame-${process.pid}-${index}-${Math.random().toString(36).slice(2)}.png`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', video, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', file]);
  try {
    return await host.readImage(file);
  } finally {
    await rm(file, { force: true });
  }
}

describe('vivify train deepfakes without PyTorch', () => {
  it('says how to install it in one sentence, exit 2, at once', async () => {
    const temp = await makeTempDir();
    try {
      // A real Python that cannot import torch: site-packages (where python3-torch lives) left out.
      const wrapper = join(temp.path, 'python-without-torch');
      await writeFile(wrapper, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
      await chmod(wrapper, 0o755);
      const started = performance.now();
      const result = await runCli(['train', 'deepfakes', '--a', temp.path, '--b', temp.path, '--out', join(temp.path, 'model')], {
        env: { ...process.env, VIVIFY_PYTHON: wrapper },
      });
      const seconds = (performance.now() - started) / 1000;
      console.log(`[train deepfakes] without PyTorch: answered in ${seconds.toFixed(2)} s`);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `vivify: training needs PyTorch, and ${wrapper} (from VIVIFY_PYTHON) cannot import torch: install it with "sudo apt-get install python3-torch" (Debian, Ubuntu) ` +
          'or "pip install torch" (elsewhere), or set VIVIFY_PYTHON to a Python that has it\n',
      );
      expect(seconds).toBeLessThan(5);
      expect(existsSync(join(temp.path, 'model'))).toBe(false);
    } finally {
      await temp.remove();
    }
  });

  it.skipIf(torchMissing !== undefined)('says how to install Pillow where PyTorch is there but Pillow is not', async () => {
    const temp = await makeTempDir();
    try {
      // A real Python with torch, whose PIL is shadowed by a package that cannot be imported.
      await mkdir(join(temp.path, 'shadow', 'PIL'), { recursive: true });
      await writeFile(join(temp.path, 'shadow', 'PIL', '__init__.py'), 'raise ImportError("no Pillow here")\n');
      const wrapper = join(temp.path, 'python-without-pillow');
      await writeFile(wrapper, `#!/bin/sh\nPYTHONPATH=${join(temp.path, 'shadow')} exec ${testPython} "$@"\n`);
      await chmod(wrapper, 0o755);
      const result = await runCli(['train', 'deepfakes', '--a', temp.path, '--b', temp.path, '--out', join(temp.path, 'model')], {
        env: { ...process.env, VIVIFY_PYTHON: wrapper },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `vivify: training reads and writes pictures with Pillow, and ${wrapper} (from VIVIFY_PYTHON) cannot import PIL: install it with "sudo apt-get install python3-pil" ` +
          '(Debian, Ubuntu) or "pip install pillow" (elsewhere), or set VIVIFY_PYTHON to a Python that has it\n',
      );
      expect(existsSync(join(temp.path, 'model'))).toBe(false);
    } finally {
      await temp.remove();
    }
  });
});
