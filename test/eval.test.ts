import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../cli/eval-command.ts';
import { hasSharedMedia, makeTempDir, runCli, sharedMedia } from '../support/cli.ts';

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
    // d20 barely moves its eyes (the irises stay within about 0.01 eye widths, landmark noise), so its gaze series
    // correlate with themselves through a re-encode only at about 0.8-0.9: gaze is held to the bar on d3 below.
    const { gazeX, gazeY, ...moving } = report.correlation;
    for (const value of Object.values(moving)) expect(value).toBeGreaterThan(0.9);
    expect(Math.min(gazeX!, gazeY!)).toBeGreaterThan(0.5);
    for (const value of Object.values(report.amplitude)) expect(value).toBeCloseTo(1, 0);
    // The gain counts only motion that follows the driver: through a re-encode, nearly all of it.
    for (const [name, value] of Object.entries(report.gain)) if (name in moving) expect(value, name).toBeGreaterThan(0.85);
  });

  it('finds a re-encoded driver who looks around follows its own gaze', async () => {
    const lookingAround = join(dir.path, 'd3-passthrough.mp4');
    const render = await runCli(['render', 'presets/passthrough.json', '--driving', sharedMedia('driving/d3.mp4'), '-o', lookingAround, '--set', 'out.preset=veryfast']);
    expect(render.code).toBe(0);
    const report = await evaluate([lookingAround, '--driving', sharedMedia('driving/d3.mp4')]);
    expect(report.correlation.gazeX).toBeGreaterThan(0.95);
    expect(report.correlation.gazeY).toBeGreaterThan(0.95);
    expect(report.amplitude.gazeX).toBeCloseTo(1, 1);
  });

  it('finds an unrelated video does not follow the driver', async () => {
    const report = await evaluate([passthrough, '--driving', sharedMedia('driving/d18.mp4')]);
    expect(report.frames.compared).toBe(175);
    expect(Math.abs(report.correlation.mouthOpening ?? 0)).toBeLessThan(0.5);
    // Another person's head moves by as much, but not with this driver's: the gain says so where the amplitude cannot.
    expect(Math.abs(report.gain.mouthOpening ?? 0)).toBeLessThan(0.5);
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
    expect(report.gain.mouthOpening).toBe(0);
    // Picture damage is the codec's alone (measured: p95 1.6, worst 1.6 here; s9 and s10 stills 1.8 to 2.2, a torn
    // render 6.6 with a worst frame of 15.6). Every frame is scored but the first two, while tracking settles.
    expect(report.damage).toMatchObject({ frames: 48, worstFrame: expect.any(Number) });
    expect(report.damage!.meanDeltaE).toBeLessThan(1.5);
    expect(report.damage!.p95DeltaE).toBeLessThan(2.5);
    expect(report.damage!.worstP95DeltaE).toBeLessThan(3);
    expect(report.damage!.perFrameP95).toHaveLength(50);
    expect(report.damage!.perFrameP95.slice(0, 2)).toEqual([null, null]);
  });
});
