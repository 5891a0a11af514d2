import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelProblem } from '../models/store/index.ts';
import { hasSharedMedia, listFiles, makeClip, makeTempDir, probeFile, psnr, runCli, sharedMedia } from '../support/cli.ts';
import { styleCheckpoint, styleGenerator, styleGeneratorUnavailable, writeStyleCatalog } from '../support/style-generator.ts';

const exec = promisify(execFile);
const preset = 'presets/painting-style.json';
const modelId = 'cyclegan-test';

describe('cyclegan without its model', () => {
  it("names the missing model with the store's own sentence, before rendering anything", async () => {
    const dir = await makeTempDir();
    try {
      const store = join(dir.path, 'models');
      const clip = await makeClip(join(dir.path, 'clip.mp4'), { frames: 5 });
      const out = join(dir.path, 'styled.mp4');
      const render = await runCli(['render', preset, '--models-dir', store, '--driving', clip, '-o', out]);
      expect(render.code).toBe(2);
      expect(render.stderr).toBe(`vivify: ${await modelProblem(store, 'cyclegan-vangogh')}\n`);
      expect(render.stderr).toContain('needs model "cyclegan-vangogh"');
      expect(existsSync(out)).toBe(false);
      expect(await listFiles(dir.path)).toEqual(['clip.mp4']);
    } finally {
      await dir.remove();
    }
  });
});

// Needs ../shared/media (d20, s9) and PyTorch to export the test generator (a small conv net with random weights).
describe.skipIf(!hasSharedMedia || styleGeneratorUnavailable !== undefined)('cyclegan with a PyTorch-exported generator', () => {
  const driving = sharedMedia('driving/d20.mp4');
  let dir: { path: string; remove: () => Promise<void> };
  let store: string;
  let env: NodeJS.ProcessEnv;
  const render = (graph: string, out: string, sets: string[], extra: string[] = []) =>
    runCli(['render', graph, '--models-dir', store, '--driving', driving, '-o', out, '--set', `style.model=${modelId}`, ...sets.flatMap((set) => ['--set', set]), ...extra], { env });

  beforeAll(async () => {
    dir = await makeTempDir();
    store = join(dir.path, 'models');
    // The test generator is not in Vivify's catalog: a catalog of its own names it, as a mirror's would.
    env = { ...process.env, VIVIFY_MODEL_CATALOG: await writeStyleCatalog(join(dir.path, 'catalog.json'), modelId) };
    const imported = await runCli(['models', 'import', modelId, styleGenerator('tiny'), '--models-dir', store], { env });
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(() => dir?.remove());

  it('renders d20 through presets/painting-style.json: every frame restyled, the audio kept', async () => {
    const out = join(dir.path, 'styled.mp4');
    const result = await render(preset, out, ['style.resolution=256', 'out.preset=veryfast']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${modelId}/generator\\.onnx \\(node "style"\\) ran on cpu: [\\d.]+ ms a run, 175 runs`));
    const probe = await probeFile(out);
    expect(probe).toMatchObject({ videoFrames: 175, fps: '25/1', audio: true, width: 480, height: 480 });
    expect(probe.audioSeconds).toBeGreaterThan(6.9);
    // The generator changed the picture (it is far from an identity).
    const changed = await psnr(out, driving);
    console.log(`[cyclegan] d20 restyled at strength 1: PSNR ${changed.toFixed(2)} dB against the driver`);
    expect(changed).toBeLessThan(30);
  }, 300_000);

  it('with strength 0 gives the input back, within encoding noise', async () => {
    const out = join(dir.path, 'strength0.mp4');
    const result = await render(preset, out, ['style.strength=0', 'out.preset=veryfast']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await probeFile(out)).videoFrames).toBe(175);
    const same = await psnr(out, driving);
    console.log(`[cyclegan] strength 0: PSNR ${same.toFixed(2)} dB against the driver`);
    expect(same).toBeGreaterThanOrEqual(40);
  }, 300_000);

  it('tiles without seams: a run in 128-pixel tiles overlapping by 32 matches an untiled run', async () => {
    // d20 is 480x480: at resolution 256 the generator sees 256x256, whole with tiles of 2048, else in 3 x 3 tiles of 128.
    const common = ['style.resolution=256', 'style.temporal=0', 'out.crf=0', 'out.preset=veryfast'];
    const whole = join(dir.path, 'whole.mp4');
    const tiled = join(dir.path, 'tiled.mp4');
    const [a, b] = [
      await render(preset, whole, [...common, 'style.tile=2048'], ['--frames', '0:10']),
      await render(preset, tiled, [...common, 'style.tile=128', 'style.overlap=32'], ['--frames', '0:10']),
    ];
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout).toMatch(/ms a run, 10 runs/);
    expect(b.stdout).toMatch(/ms a run, 90 runs/);
    const agreement = await psnr(tiled, whole);
    console.log(`[cyclegan] tiled (128, overlap 32) against untiled: PSNR ${agreement.toFixed(2)} dB`);
    expect(agreement).toBeGreaterThanOrEqual(40);
    // Against the driver both are far off: the agreement is the generator's, not an identity's.
    expect(await psnr(whole, driving)).toBeLessThan(30);
  }, 300_000);

  it("runs a generator of the authors' architecture, converted by vivify models import cyclegan", async () => {
    const checkpoint = styleCheckpoint(join(dir.path, 'random_net_G.pth'));
    const imported = await runCli(['models', 'import', 'cyclegan', checkpoint, '--name', 'cyclegan-random', '--models-dir', store], { env });
    expect(imported.code, imported.stderr).toBe(0);
    const out = join(dir.path, 'resnet.mp4');
    // The full 9-block generator takes seconds a frame here: a few frames at a small working resolution.
    const result = await render(preset, out, ['style.model=cyclegan-random', 'style.resolution=64', 'out.preset=veryfast'], ['--frames', '0:3']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/cyclegan-random\/generator\.onnx \(node "style"\) ran on cpu: [\d.]+ ms a run, 3 runs/);
    expect(await probeFile(out)).toMatchObject({ videoFrames: 3, width: 480, height: 480 });
  }, 300_000);

  it('restyles only around the face with region face, and needs the face input for it', async () => {
    const graph = join(dir.path, 'face-style.json');
    const document = {
      format: 'vivify.graph',
      version: 1,
      nodes: {
        drive: { type: 'driving-video', typeVersion: 1, params: { path: '' } },
        face: { type: 'face-landmarks', typeVersion: 1, params: {} },
        style: { type: 'cyclegan', typeVersion: 1, params: { region: 'face', resolution: 256, temporal: 0 } },
        out: { type: 'video-output', typeVersion: 1, params: { path: '', preset: 'veryfast' } },
      },
      edges: [
        { from: ['drive', 'frames'], to: ['face', 'image'] },
        { from: ['drive', 'frames'], to: ['style', 'frame'] },
        { from: ['face', 'face'], to: ['style', 'face'] },
        { from: ['style', 'frame'], to: ['out', 'frames'] },
      ],
      inputs: { driving: 'drive.path', output: 'out.path' },
    };
    await writeFile(graph, JSON.stringify(document));
    const out = join(dir.path, 'face.mp4');
    const result = await render(graph, out, [], ['--frames', '0:5']);
    expect(result.code, result.stderr).toBe(0);
    const [styled, original] = await Promise.all([firstFrame(out), firstFrame(driving)]);
    // d20's face is in the middle of the 480x480 frame, its bottom-left corner far enough below and beside it.
    const corner = meanDifference(styled, original, { left: 0, top: 410, width: 70, height: 70 });
    const face = meanDifference(styled, original, { left: 190, top: 150, width: 100, height: 100 });
    expect(corner).toBeLessThan(2);
    expect(face).toBeGreaterThan(5 * Math.max(corner, 1));

    const unconnected = await render(preset, join(dir.path, 'no-face.mp4'), ['style.region=face']);
    expect(unconnected.code).toBe(2);
    expect(unconnected.stderr).toBe('vivify: node "style": region is "face", but nothing is connected to its face input: connect a face-landmarks node, or choose region "whole"\n');
  }, 300_000);
});

/** Frame 0 of a video as RGB bytes. */
async function firstFrame(path: string): Promise<{ width: number; data: Buffer }> {
  const probe = await probeFile(path);
  const { stdout } = await exec('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { width: probe.width, data: stdout };
}

function meanDifference(a: { width: number; data: Buffer }, b: { width: number; data: Buffer }, box: { left: number; top: number; width: number; height: number }): number {
  let sum = 0;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[(y * a.width + x) * 3 + c]! - b.data[(y * b.width + x) * 3 + c]!);
    }
  }
  return sum / (box.width * box.height * 3);
}
