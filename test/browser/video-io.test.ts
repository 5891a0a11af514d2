import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { psnr } from '../../runtime/eval/pixel-fidelity.ts';
import type { RgbaImage } from '../../runtime/image.ts';
import { createNodeHost } from '../../runtime/node/node-host.ts';
import { hasSharedMedia, makeTempDir, probeFile, repoRoot, sharedMedia } from '../../support/cli.ts';
import { hasChromium, launchChromium } from '../../support/chromium.ts';
import type { VideoIoPage } from './pages/video-io-page.ts';

const exec = promisify(execFile);
const fs = (path: string) => `/@fs${path}`;
const ffmpegCore = join(repoRoot, 'node_modules/@ffmpeg/core/dist/esm');

// Needs Debian's chromium and the shared driving videos; ffmpeg.wasm comes from node_modules.
describe.skipIf(!hasChromium || !hasSharedMedia)('video in and out in the browser host (ffmpeg.wasm)', () => {
  const driving = sharedMedia('driving/d20.mp4');
  let dir: { path: string; remove: () => Promise<void> };
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  const call = <K extends keyof VideoIoPage>(name: K, ...args: Parameters<VideoIoPage[K]>): Promise<Awaited<ReturnType<VideoIoPage[K]>>> =>
    page.evaluate(
      ([name, args]) => {
        const api = (window as unknown as { videoIo: Record<string, (...args: unknown[]) => unknown> }).videoIo;
        return api[name]!(...args);
      },
      [name, args] as const,
    ) as Promise<Awaited<ReturnType<VideoIoPage[K]>>>;

  /** Frames `start` to `end` as the Node host (the CLI's ffmpeg) decodes them. */
  const nodeFrames = async (path: string, start: number, end: number): Promise<RgbaImage[]> => {
    const reader = await createNodeHost().openVideo(path, { start, end });
    const frames: RgbaImage[] = [];
    for (let frame = await reader.next(); frame; frame = await reader.next()) frames.push(frame);
    await reader.close();
    return frames;
  };

  beforeAll(async () => {
    dir = await makeTempDir();
    server = await createServer({
      configFile: false,
      root: join(repoRoot, 'test', 'browser', 'pages'),
      logLevel: 'silent',
      // As in the editor: pre-bundling @ffmpeg/ffmpeg would move it away from the worker file it starts.
      optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util'] },
      server: { port: 0, host: '127.0.0.1', fs: { allow: [repoRoot, dir.path, sharedMedia('.')] } },
    });
    await server.listen();
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${server.resolvedUrls!.local[0]!}video-io.html`);
    await page.waitForFunction(() => document.title === 'ready');
    const loadMs = await call(
      'setUp',
      { coreUrl: fs(join(ffmpegCore, 'ffmpeg-core.js')), wasmUrl: fs(join(ffmpegCore, 'ffmpeg-core.wasm')) },
      [{ name: 'd20.mp4', url: fs(driving) }],
    );
    console.log(`ffmpeg.wasm loaded in ${loadMs.toFixed(0)} ms`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dir?.remove();
  });

  it('decodes frames 60..90 to the same pixels as the Node host, across chunk boundaries, with the audio span', async () => {
    const reference = await nodeFrames(driving, 60, 90);
    const referencePath = join(dir.path, 'd20-60-90.rgba');
    await writeFile(referencePath, Buffer.concat(reference.map((frame) => frame.data)));
    // 7 frames a chunk: chunks start at 60, 67, 74, 81 and 88, none of them on a keyframe.
    const { info, matches } = await call('decodeAndCompare', 'd20.mp4', { start: 60, end: 90 }, fs(referencePath), 7);
    expect(info).toMatchObject({ path: 'd20.mp4', width: 480, height: 480, fps: 25, frameCount: 30 });
    expect(info.audio).toMatchObject({ path: 'd20.mp4', streamIndex: 1, codec: 'aac' });
    expect(info.audio!.start).toBeCloseTo(60 / 25, 6);
    expect(info.audio!.duration).toBeCloseTo(30 / 25, 6);
    expect(matches).toHaveLength(30);
    // The decoders agree; only the conversion to RGB rounds differently (Node's native SIMD against the wasm C code).
    for (const [index, match] of matches.entries()) {
      expect(match.psnr, `frame ${60 + index}`).toBeGreaterThanOrEqual(45);
      expect(match.maxDiff, `frame ${60 + index}`).toBeLessThanOrEqual(4);
    }
    // A frame off by one would differ by far more than rounding from the one Node gives (d20 repeats some frames,
    // where a shift cannot show; most frames differ from their neighbours in tens of thousands of values).
    expect(matches.filter((match) => match.farApartFromNeighbours > 1000).length).toBeGreaterThanOrEqual(15);
    const worst = matches.reduce((a, b) => (a.psnr < b.psnr ? a : b));
    console.log(`browser vs Node decode, frames 60..90: worst PSNR ${worst.psnr.toFixed(2)} dB, mean abs diff ${worst.meanDiff.toFixed(3)}, largest diff ${Math.max(...matches.map((match) => match.maxDiff))}`);
  }, 120_000);

  it('writes H.264 yuv420p MP4 with the audio span and the graph that Node reads back frame for frame', async () => {
    const graphJson = `${JSON.stringify(JSON.parse(await readFile(join(repoRoot, 'presets/passthrough.json'), 'utf8')), null, 2)}\n# = ; \\ kept`;
    // 16 frames a chunk: 40 frames make three segments, joined at frames 16 and 32.
    const written = await call('reencode', 'd20.mp4', { start: 60, end: 100 }, 'talk.mp4', { crf: 18, preset: 'medium', graphJson, chunkFrames: 16 });
    expect(written.frames).toBe(40);
    expect(written.sidecar).toBe(`${graphJson}\n`);
    const out = join(dir.path, 'talk.mp4');
    await writeFile(out, Buffer.from(written.video, 'base64'));

    const probed = await probeFile(out);
    expect(probed).toMatchObject({ videoFrames: 40, fps: '25/1', width: 480, height: 480, pixFmt: 'yuv420p', audio: true, comment: graphJson });
    expect(probed.audioSeconds).toBeCloseTo(40 / 25, 1);
    const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', out]);
    expect(stdout.trim().split('\n')).toEqual(['h264', 'aac']);
    // +faststart: the index (moov) comes before the media (mdat), so the video plays while it downloads.
    const bytes = await readFile(out);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));

    const input = await nodeFrames(driving, 60, 100);
    const output = await nodeFrames(out, 0, 40);
    expect(output).toHaveLength(40);
    expect(psnr(output[20]!, input[20]!)).toBeGreaterThanOrEqual(35);
    // Every frame in its place, the ones at the segment joins included: each matches its input better than a neighbour.
    for (const index of [0, 15, 16, 31, 32, 39]) {
      const own = psnr(output[index]!, input[index]!);
      expect(own, `frame ${index}`).toBeGreaterThanOrEqual(35);
      for (const other of [index - 1, index + 1].filter((other) => input[other])) {
        expect(own, `frame ${index} against input ${other}`).toBeGreaterThanOrEqual(psnr(output[index]!, input[other]!));
      }
    }
    console.log(`browser encode (crf 18, medium) read back by Node: frame 20 PSNR ${psnr(output[20]!, input[20]!).toFixed(2)} dB`);
  }, 180_000);

  it('leaves nothing behind on abort, refuses to replace an output, and names files it cannot read', async () => {
    const result = await call('abortAndRefuse', 'd20.mp4');
    expect(result.leftVideo).toBe(false);
    expect(result.leftSidecar).toBe(false);
    expect(result.refusal).toMatch(/taken\.mp4: already exists; allow overwriting to replace it/);
    expect(result.unreadable).toMatch(/notes\.mp4: not a readable video \(.+\)/);
    expect(result.missing).toMatch(/never-given\.mp4: not loaded in the editor/);
    expect(await call('workingFiles')).toEqual([]);
  }, 120_000);
});
