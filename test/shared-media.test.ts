import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedMedia, makeTempDir, probeFile, psnr, runCli, sharedMedia } from '../support/cli.ts';

// Needs ../shared/media (the real driving videos); skipped with a printed reason where it is absent.
describe.skipIf(!hasSharedMedia)('passthrough on the real driving video d20', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => dir?.remove());

  it('keeps all 175 frames at 25 fps with the audio, at least 35 dB PSNR', async () => {
    const driving = sharedMedia('driving/d20.mp4');
    const out = join(dir.path, 'out.mp4');
    const result = await runCli(['render', 'presets/passthrough.json', '--driving', driving, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const probed = await probeFile(out);
    expect(probed).toMatchObject({ videoFrames: 175, fps: '25/1', audio: true, width: 480, height: 480 });
    expect(probed.audioSeconds).toBeCloseTo(7, 1);
    expect(await psnr(out, driving)).toBeGreaterThanOrEqual(35);
  });

  it('keeps the frame count and rate of a 30 fps portrait phone video', async () => {
    const out = join(dir.path, 'phone.mp4');
    const result = await runCli(['render', 'presets/passthrough.json', '--driving', sharedMedia('driving/d13.mp4'), '-o', out, '--set', 'out.preset=veryfast']);
    expect(result.code).toBe(0);
    expect(await probeFile(out)).toMatchObject({ videoFrames: 352, fps: '30/1', audio: false, width: 720, height: 1280 });
  });
});
