import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../runtime/node/cli/eval-command.ts';
import { hasSharedMedia, makeTempDir, runCli, sharedMedia } from './support/cli.ts';

async function evaluate(args: string[]): Promise<EvalReport> {
  const result = await runCli(['eval', ...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as EvalReport;
}

// Needs ../shared/media (real driving videos and paintings).
describe.skipIf(!hasSharedMedia)('vivify eval', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let passthrough: string;
  beforeAll(async () => {
    dir = await makeTempDir();
    passthrough = join(dir.path, 'd20-passthrough.mp4');
    const render = await runCli(['render', 'presets/passthrough.json', '--driving', sharedMedia('driving/d20.mp4'), '-o', passthrough, '--set', 'out.preset=veryfast']);
    expect(render.code).toBe(0);
  });
  afterAll(() => dir?.remove());

  it('finds a re-encoded driver follows itself in every series, at full amplitude', async () => {
    const report = await evaluate([passthrough, '--driving', sharedMedia('driving/d20.mp4')]);
    expect(report.frames).toEqual({ output: 175, driving: 175, compared: 175 });
    for (const value of Object.values(report.correlation)) expect(value).toBeGreaterThan(0.9);
    for (const value of Object.values(report.amplitude)) expect(value).toBeCloseTo(1, 0);
  });

  it('finds an unrelated video does not follow the driver', async () => {
    const report = await evaluate([passthrough, '--driving', sharedMedia('driving/d18.mp4')]);
    expect(report.frames.compared).toBe(175);
    expect(Math.abs(report.correlation.mouthOpening ?? 0)).toBeLessThan(0.5);
  });

  it('scores a frozen picture as keeping the source but following nothing', async () => {
    const still = join(dir.path, 's5-still.mp4');
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-loop', '1', '-i', sharedMedia('source/s5.jpg'), '-t', '2', '-r', '25', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', still]);
    const report = await evaluate([still, '--driving', sharedMedia('driving/d0.mp4'), '--source', sharedMedia('source/s5.jpg')]);
    expect(report.firstFramePsnr).toBeGreaterThan(35);
    expect(report.farFromFaceChange).toBeLessThan(3);
    // The frozen face's landmark noise must not pass for following the driver's mouth.
    expect(report.correlation.mouthOpening).toBeNull();
    expect(report.amplitude.mouthOpening).toBeLessThan(0.05);
  });
});
