import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHost } from '../runtime/node/node-host.ts';
import type { DetectedFace } from '../runtime/face-detector.ts';
import { hasSharedMedia, listFiles, makeTempDir, probeFile, runCli, sharedMedia } from '../support/cli.ts';
import { liveportraitStandins, standinsUnavailable } from '../support/liveportrait-standins.ts';

const exec = promisify(execFile);
const preset = 'presets/reenact-painting.json';

// Needs ../shared/media (s9, d20) and PyTorch to export the LivePortrait stand-ins.
describe.skipIf(!hasSharedMedia || standinsUnavailable !== undefined)('reenact-painting with LivePortrait stand-ins', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let store: string;
  beforeAll(async () => {
    dir = await makeTempDir();
    store = join(dir.path, 'models');
  });
  afterAll(() => dir?.remove());

  it('names the missing model and the command that fetches it, before rendering', async () => {
    const out = join(dir.path, 'missing.mp4');
    const render = await runCli(['render', preset, '--models-dir', store, '--source', sharedMedia('source/s9.jpg'), '--driving', sharedMedia('driving/d20.mp4'), '-o', out]);
    expect(render.code).toBe(2);
    expect(render.stderr.trim().split('\n')).toHaveLength(1);
    expect(render.stderr).toContain('needs model "liveportrait"');
    expect(render.stderr).toContain(`vivify models pull liveportrait --models-dir ${store}`);
    expect(existsSync(out)).toBe(false);
    expect(await listFiles(dir.path)).toEqual([]);
  });

  it('renders s9 with d20 through the whole pipeline: crop, models, paste-back, audio', async () => {
    const imported = await runCli(['models', 'import', 'liveportrait', liveportraitStandins(), '--models-dir', store]);
    expect(imported.code, imported.stderr).toBe(0);

    const out = join(dir.path, 's9-d20.mp4');
    // Retargeting on, so the eye and the (float16) lip networks run too.
    const sets = ['--set', 'out.preset=veryfast', '--set', 'reenact.eyeRetargeting=0.5', '--set', 'reenact.lipRetargeting=0.5'];
    const render = await runCli(['render', preset, '--models-dir', store, '--source', sharedMedia('source/s9.jpg'), '--driving', sharedMedia('driving/d20.mp4'), '-o', out, ...sets]);
    expect(render.stderr).toBe('');
    expect(render.code).toBe(0);
    // The summary says which provider ran each model.
    for (const file of ['appearance_feature_extractor', 'motion_extractor', 'warping_spade', 'stitching', 'stitching_eye', 'stitching_lip']) {
      expect(render.stdout).toMatch(new RegExp(`liveportrait/${file}\\.onnx \\(node "reenact"\\) ran on cpu: [\\d.]+ ms a run, \\d+ run`));
    }
    const probe = await probeFile(out);
    expect(probe).toMatchObject({ videoFrames: 175, fps: '25/1', audio: true, width: 720, height: 1280 });
    expect(probe.audioSeconds).toBeGreaterThan(6.9);

    // Far from the face the painting is untouched; the first frame (expression-friendly: the painting's own
    // keypoints) is the painting as the stand-ins redraw it: blurred, but in place.
    const report = JSON.parse((await runCli(['eval', out, '--driving', sharedMedia('driving/d20.mp4'), '--source', sharedMedia('source/s9.jpg'), '--json'])).stdout) as {
      firstFramePsnr: number;
      farFromFaceChange: number;
    };
    expect(report.farFromFaceChange).toBeLessThanOrEqual(3);
    expect(report.firstFramePsnr).toBeGreaterThanOrEqual(25);

    // The crop and the paste-back line up: the face found in frame 0 sits where the painting's face is.
    const frame = join(dir.path, 'frame0.png');
    await exec('ffmpeg', ['-v', 'error', '-i', out, '-frames:v', '1', frame]);
    const [painted, source] = await Promise.all([faceIn(frame), faceIn(sharedMedia('source/s9.jpg'))]);
    const faceHeight = Math.hypot(source.points[10 * 3]! - source.points[152 * 3]!, source.points[10 * 3 + 1]! - source.points[152 * 3 + 1]!);
    let distance = 0;
    for (let i = 0; i < 468; i++) distance += Math.hypot(painted.points[i * 3]! - source.points[i * 3]!, painted.points[i * 3 + 1]! - source.points[i * 3 + 1]!);
    expect(distance / 468 / faceHeight).toBeLessThan(0.02);
  }, 300_000);
});

async function faceIn(path: string): Promise<DetectedFace> {
  const host = createNodeHost();
  const image = await host.readImage(path);
  const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
  try {
    const [face] = await detector.detect(image, 0);
    if (!face) throw new Error(`no face in ${path}`);
    return face;
  } finally {
    detector.close();
  }
}
