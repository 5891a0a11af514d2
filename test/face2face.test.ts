import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../cli/eval-command.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { hasSharedMedia, listFiles, makeTempDir, probeFile, repoRoot, runCli, sharedMedia } from '../support/cli.ts';

const exec = promisify(execFile);
const preset = 'presets/animate-painting.json';

// Needs ../shared/media: the paintings and driving videos.
describe.skipIf(!hasSharedMedia)('animate-painting (face2face)', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => dir?.remove());

  it('Mona Lisa driven by d18: follows the wide-open mouth, keeps the painting, paints the cavity', async () => {
    const out = join(dir.path, 's9-d18.mp4');
    const render = await runCli(['render', preset, '--source', sharedMedia('source/s9.jpg'), '--driving', sharedMedia('driving/d18.mp4'), '-o', out, '--set', 'out.preset=veryfast']);
    expect(render.stderr).toBe('');
    expect(render.code).toBe(0);
    expect(await probeFile(out)).toMatchObject({ videoFrames: 216, fps: '30/1', audio: true, width: 720, height: 1280 });

    const result = await runCli(['eval', out, '--driving', sharedMedia('driving/d18.mp4'), '--source', sharedMedia('source/s9.jpg'), '--json']);
    const report = JSON.parse(result.stdout) as EvalReport;
    expect(report.correlation.mouthOpening).toBeGreaterThanOrEqual(0.9);
    expect(report.correlation.eyeOpening).toBeGreaterThanOrEqual(0.8);
    expect(report.correlation.yaw).toBeGreaterThanOrEqual(0.8);
    expect(report.correlation.pitch).toBeGreaterThanOrEqual(0.8);
    expect(report.firstFramePsnr).toBeGreaterThanOrEqual(35);
    expect(report.farFromFaceChange).toBeLessThanOrEqual(3);

    // Frame 80: the mouth is wide open. Its inside must be darker than the lips around it.
    const frame = join(dir.path, 'frame80.png');
    await exec('ffmpeg', ['-v', 'error', '-i', out, '-vf', 'select=eq(n\\,80)', '-frames:v', '1', frame]);
    const host = createNodeHost();
    const image = await host.readImage(frame);
    const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    const [face] = await detector.detect(image, 0);
    detector.close();
    const luminance = (landmark: number, towards: number, share: number) => {
      const x = Math.round(face!.points[landmark * 3]! * (1 - share) + face!.points[towards * 3]! * share);
      const y = Math.round(face!.points[landmark * 3 + 1]! * (1 - share) + face!.points[towards * 3 + 1]! * share);
      const i = (y * image.width + x) * 4;
      return 0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!;
    };
    // Halfway between the inner lips, against the lips themselves (outer lip line, top and bottom).
    const inside = luminance(13, 14, 0.6);
    expect(inside).toBeLessThan(luminance(0, 13, 0.5));
    expect(inside).toBeLessThan(luminance(17, 14, 0.5));

    // A contact sheet for a person to look at: output frames above their driving frames.
    await mkdir(join(repoRoot, 'test', 'output'), { recursive: true });
    const sheet = join(repoRoot, 'test', 'output', 'contact-sheet-s9-d18.png');
    const picks = "select='eq(n\\,0)+eq(n\\,40)+eq(n\\,80)+eq(n\\,130)+eq(n\\,180)'";
    await exec('ffmpeg', [
      '-v', 'error', '-y', '-i', out, '-i', sharedMedia('driving/d18.mp4'), '-filter_complex',
      `[0:v]${picks},scale=-2:360,tile=5x1,scale=1000:-2[a];[1:v]${picks},scale=-2:360,tile=5x1,scale=1000:-2[b];[a][b]vstack`,
      '-frames:v', '1', sheet,
    ]);
    expect((await sharp(sheet).metadata()).width).toBeGreaterThan(500);
  }, 180_000);

  it('s5 driven by d0: follows the mouth and the blink (the lids close over the painted eyes)', async () => {
    const out = join(dir.path, 's5-d0.mp4');
    const render = await runCli(['render', preset, '--source', sharedMedia('source/s5.jpg'), '--driving', sharedMedia('driving/d0.mp4'), '-o', out, '--set', 'out.preset=veryfast']);
    expect(render.code).toBe(0);
    const result = await runCli(['eval', out, '--driving', sharedMedia('driving/d0.mp4'), '--source', sharedMedia('source/s5.jpg'), '--json']);
    const report = JSON.parse(result.stdout) as EvalReport;
    expect(report.correlation.mouthOpening).toBeGreaterThanOrEqual(0.9);
    expect(report.correlation.eyeOpening).toBeGreaterThanOrEqual(0.8);
    expect(report.firstFramePsnr).toBeGreaterThanOrEqual(35);
    expect(report.farFromFaceChange).toBeLessThanOrEqual(3);
  });

  it.each(['s7', 's6', 's10'])('%s (cartoon, statue, 3/4 view) renders without failure', async (name) => {
    const out = join(dir.path, `${name}.mp4`);
    const result = await runCli(['render', preset, '--source', sharedMedia(`source/${name}.jpg`), '--driving', sharedMedia('driving/d20.mp4'), '-o', out, '--frames', '60:72', '--set', 'out.preset=ultrafast']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await probeFile(out)).toMatchObject({ videoFrames: 12, audio: true });
  });

  it("a face that fills a tight crop (chin at the picture's edge, turned 17°) follows the turns and the mouth, never held back", async () => {
    // d3's frame 270 as the portrait: her chin is 20 px from the bottom edge, so the rings that let the neck follow
    // the head reach past the picture. Pinned onto the edge, they held every frame's motion back (mouth r 0.33, yaw
    // amplitude 0.61, and a warning on 345 of 354 frames).
    const still = join(dir.path, 'tight-crop.png');
    await exec('ffmpeg', ['-v', 'error', '-i', sharedMedia('driving/d3.mp4'), '-vf', 'select=eq(n\\,270)', '-frames:v', '1', still]);
    const out = join(dir.path, 'tight-crop-d3.mp4');
    const render = await runCli(['render', preset, '--source', still, '--driving', sharedMedia('driving/d3.mp4'), '-o', out, '--frames', '0:150', '--set', 'out.preset=ultrafast']);
    expect(render.stderr).toBe('');
    expect(render.code).toBe(0);
    const result = await runCli(['eval', out, '--driving', sharedMedia('driving/d3.mp4'), '--json']);
    const report = JSON.parse(result.stdout) as EvalReport;
    expect(report.correlation.mouthOpening).toBeGreaterThanOrEqual(0.7);
    expect(report.amplitude.yaw).toBeGreaterThanOrEqual(0.8);
    expect(report.amplitude.yaw).toBeLessThanOrEqual(1.25);
  }, 120_000);

  it('a source with no face fails before any frame is rendered, leaving nothing', async () => {
    const flat = join(dir.path, 'flat.png');
    await writeFile(flat, await sharp({ create: { width: 400, height: 300, channels: 3, background: '#8a7d5c' } }).png().toBuffer());
    const before = await listFiles(dir.path);
    const result = await runCli(['render', preset, '--source', flat, '--driving', sharedMedia('driving/d20.mp4'), '-o', join(dir.path, 'none.mp4')]);
    // Named as bad input is: the file, in one sentence, exit 2.
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${flat}: no face found in the 400x300 picture (a face needs to be clearly visible and not too small)\n`);
    expect(result.stdout).toBe('');
    expect(await listFiles(dir.path)).toEqual(before);
  });

  it('a driver that loses the face renders to the end, holding the expression and naming the frames', async () => {
    const gapped = join(dir.path, 'gapped.mp4');
    await exec('ffmpeg', ['-v', 'error', '-i', sharedMedia('driving/d20.mp4'), '-vf', "drawbox=enable='between(n,40,49)':color=black:t=fill", '-frames:v', '70', '-c:a', 'aac', gapped]);
    const out = join(dir.path, 'gapped-out.mp4');
    const result = await runCli(['render', preset, '--source', sharedMedia('source/s5.jpg'), '--driving', gapped, '-o', out, '--set', 'out.preset=ultrafast']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: node "driveFace": no face in frames 40-49: the last face found was held there\n$/);
    expect((await probeFile(out)).videoFrames).toBe(70);
  });
});
