import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, makeClip, makeTempDir, probeFile, psnr, runCli } from '../support/cli.ts';

const passthrough = 'presets/passthrough.json';
let dir: { path: string; remove: () => Promise<void> };
let clip: string;
let silentClip: string;
let oddClip: string;

beforeAll(async () => {
  dir = await makeTempDir();
  clip = await makeClip(join(dir.path, 'talk.mp4'), { frames: 48, fps: 24 });
  silentClip = await makeClip(join(dir.path, 'silent.mp4'), { frames: 10, fps: 30, audio: false });
  oddClip = await makeClip(join(dir.path, 'odd.mp4'), { frames: 6, width: 161, height: 121, audio: false });
});
afterAll(() => dir.remove());

describe('vivify render (passthrough)', () => {
  it('writes every frame at the same rate with the audio, losing only encoding quality', async () => {
    const out = join(dir.path, 'out.mp4');
    const result = await runCli(['render', passthrough, '--driving', clip, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Wrote .*out\.mp4: 48 frames in [\d.]+ s \([\d.]+ fps\), execution provider cpu\n$/);
    const probed = await probeFile(out);
    expect(probed).toMatchObject({ videoFrames: 48, fps: '24/1', width: 160, height: 120, pixFmt: 'yuv420p', audio: true });
    expect(probed.audioSeconds).toBeCloseTo(2, 1);
    expect(await psnr(out, clip)).toBeGreaterThanOrEqual(35);
  });

  it('embeds the graph in the MP4 and beside it, and renders again from either', async () => {
    const out = join(dir.path, 'embedded.mp4');
    expect((await runCli(['render', passthrough, '--driving', clip, '-o', out, '--set', 'out.crf=30'])).code).toBe(0);
    const sidecar = JSON.parse(await readFile(`${out}.vivify.json`, 'utf8'));
    expect(sidecar).toMatchObject({ format: 'vivify.graph', nodes: { drive: { params: { path: clip } }, out: { params: { crf: 30 } } } });
    expect(JSON.parse((await probeFile(out)).comment)).toEqual(sidecar);

    const fromVideo = join(dir.path, 'again.mp4');
    const again = await runCli(['render', out, '-o', fromVideo]);
    expect(again.stderr).toBe('');
    expect((await probeFile(fromVideo)).videoFrames).toBe(48);
    const fromSidecar = join(dir.path, 'again-sidecar.mp4');
    expect((await runCli(['render', `${out}.vivify.json`, '-o', fromSidecar])).code).toBe(0);
  });

  it('renders a range of frames with the matching span of audio', async () => {
    const out = join(dir.path, 'range.mp4');
    expect((await runCli(['render', passthrough, '--driving', clip, '-o', out, '--frames', '12:36'])).code).toBe(0);
    const probed = await probeFile(out);
    expect(probed.videoFrames).toBe(24);
    expect(probed.audioSeconds).toBeCloseTo(1, 1);
  });

  it('writes a video without audio where the driver has none, and crops odd sizes to even', async () => {
    const silent = join(dir.path, 'silent-out.mp4');
    expect((await runCli(['render', passthrough, '--driving', silentClip, '-o', silent])).code).toBe(0);
    expect(await probeFile(silent)).toMatchObject({ videoFrames: 10, fps: '30/1', audio: false });
    const odd = join(dir.path, 'odd-out.mp4');
    expect((await runCli(['render', passthrough, '--driving', oddClip, '-o', odd])).code).toBe(0);
    expect(await probeFile(odd)).toMatchObject({ videoFrames: 6, width: 160, height: 120 });
  });

  it('fits the video within --set out.maxSize, keeping its shape', async () => {
    const out = join(dir.path, 'small.mp4');
    expect((await runCli(['render', passthrough, '--driving', clip, '-o', out, '--set', 'out.maxSize=80'])).code).toBe(0);
    expect(await probeFile(out)).toMatchObject({ videoFrames: 48, width: 80, height: 60 });
  });

  it('prints JSON lines with --json', async () => {
    const out = join(dir.path, 'json.mp4');
    const result = await runCli(['render', passthrough, '--driving', clip, '-o', out, '--json']);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ type: 'done', frames: 48, provider: 'cpu', warnings: 0 });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ frame: 48, total: 48, etaSeconds: 0 });
    expect(progress.every((e) => typeof e.fps === 'number')).toBe(true);
  });

  it('replaces an existing output only with --force', async () => {
    const out = join(dir.path, 'kept.mp4');
    await writeFile(out, 'precious');
    const refused = await runCli(['render', passthrough, '--driving', clip, '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('vivify: kept.mp4: already exists; pass --force to replace it\n'.replace('kept.mp4', out));
    expect(await readFile(out, 'utf8')).toBe('precious');
    const forced = await runCli(['render', passthrough, '--driving', clip, '-o', out, '--force']);
    expect(forced.code).toBe(0);
    expect((await stat(out)).size).toBeGreaterThan(1000);
    expect((await listFiles(dir.path)).filter((name) => name.includes('vivify-tmp'))).toEqual([]);
  });
});
