import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEditor, serveEditor } from '../../cli/editor-command.ts';
import { pearson } from '../../runtime/eval/face-motion.ts';
import type { EditorServer } from '../../editor/server/static-server.ts';
import { hasChromium, launchChromium } from '../../support/chromium.ts';
import { hasSharedMedia, makeTempDir, probeFile, repoRoot, sharedMedia } from '../../support/cli.ts';
import { hasEspeak } from '../../support/espeak.ts';

const exec = promisify(execFile);

interface EditorHooks {
  frames(): number;
  frame(index: number): { width: number; height: number; data: Uint8Array } | undefined;
  previewing(): boolean;
  liveLatencyMs(): number | undefined;
}

if (!hasEspeak) console.log('microphone: espeak-ng is not installed, so the live microphone test is skipped (apt-get install espeak-ng)');

/** s9's mouth in its 720x1280 frame, as the editor's speech test crops it (ffmpeg's crop: w:h:x:y). */
const mouthBox = { x: 0.378, y: 0.27, width: 0.2, height: 0.08 };
const fps = 25;
const frames = 100;

/** Per frame of `video`, the mouth's grey pixels (one ffmpeg pass). */
async function mouthCrops(video: string, width: number, height: number): Promise<Uint8Array[]> {
  const w = Math.floor(width * mouthBox.width);
  const h = Math.floor(height * mouthBox.height);
  const crop = `crop=${w}:${h}:${Math.floor(width * mouthBox.x)}:${Math.floor(height * mouthBox.y)}`;
  const { stdout } = await exec('ffmpeg', ['-v', 'error', '-i', video, '-vf', crop, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { encoding: 'buffer', maxBuffer: 256 * 2 ** 20 });
  return Array.from({ length: Math.floor(stdout.length / (w * h)) }, (_, k) => new Uint8Array(stdout.buffer, stdout.byteOffset + k * w * h, w * h));
}

/** The mean absolute grey difference between two crops: 0 for the mouth at rest against itself. */
const difference = (a: Uint8Array, b: Uint8Array) => a.reduce((sum, value, i) => sum + Math.abs(value - b[i]!), 0) / a.length;

/** The loudness (RMS) of a video's sound over each frame's 40 ms. */
async function frameLoudness(video: string, count: number): Promise<number[]> {
  const rate = 16000;
  const { stdout } = await exec('ffmpeg', ['-v', 'error', '-i', video, '-vn', '-ac', '1', '-ar', String(rate), '-f', 'f32le', '-'], { encoding: 'buffer', maxBuffer: 64 * 2 ** 20 });
  const samples = new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + (stdout.length & ~3)));
  const span = rate / fps;
  return Array.from({ length: count }, (_, k) => {
    let sum = 0;
    for (let i = k * span; i < (k + 1) * span && i < samples.length; i++) sum += samples[i]! ** 2;
    return Math.sqrt(sum / span);
  });
}

// Chromium's fake microphone plays a WAV (looped) that espeak-ng speaks; it needs a browser started with its flags.
describe.skipIf(!hasChromium || !hasSharedMedia || !hasEspeak)('the microphone drives a speaking painting live (Chromium)', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: EditorServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = await makeTempDir();
    // Words with bilabials, then a pause; Chromium's fake capture loops the file at 48 kHz.
    const spoken = join(dir.path, 'spoken.wav');
    await exec('espeak-ng', ['-s', '150', '-w', spoken, 'mama bought a big puppy']);
    const voice = join(dir.path, 'voice.wav');
    await exec('ffmpeg', ['-v', 'error', '-i', spoken, '-af', 'apad=pad_dur=0.8', '-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', voice]);
    const outDir = join(repoRoot, 'test', 'output', 'editor-build-microphone');
    await buildEditor(outDir);
    server = await serveEditor({ port: 0, host: '127.0.0.1', outDir });
    browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${voice}`,
      '--autoplay-policy=no-user-gesture-required',
    ]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dir?.remove();
  });

  it('shows frames as the voice comes, the mouth moving with it, with the latency; the export carries the voice', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && console.log(`microphone: page console: ${message.text()}`));
    await page.goto(`${server.url}?provider=wasm`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined, undefined, { timeout: 30_000 });
    // The speak-painting graph switches to the microphone from its start hint, keeping the painting chosen.
    await page.selectOption('[data-testid=presets]', 'speak-painting');
    await page.setInputFiles('input[data-input=source]', sharedMedia('source/s9.jpg'));
    await page.click('[data-testid=use-microphone]');
    expect(await page.$$eval('input[data-input]', (inputs) => inputs.map((input) => input.getAttribute('data-input')))).not.toContain('audio');
    await page.fill('[data-testid=frame-count]', String(frames));
    await page.dispatchEvent('[data-testid=frame-count]', 'change');

    const hooks = () =>
      page.evaluate(() => {
        const editor = (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor;
        return { previewing: editor.previewing(), frames: editor.frames(), latency: editor.liveLatencyMs(), label: document.querySelector('[data-testid=mic-latency]')?.textContent ?? '' };
      });
    await page.click('[data-testid=preview]');
    const seen: Awaited<ReturnType<typeof hooks>>[] = [];
    const started = Date.now();
    for (;;) {
      const now = await hooks();
      seen.push(now);
      if (!now.previewing && now.frames > 0) break;
      if (Date.now() - started > 240_000) throw new Error(`the live preview did not end: ${JSON.stringify(now)}`);
      await page.waitForTimeout(250);
    }
    expect(errors).toEqual([]);
    console.log(`microphone: status after the preview: ${await page.textContent('[data-testid=status]')}`);
    expect(await page.textContent('[data-testid=status]')).toContain(`previewed ${frames} frames`);
    // Frames appeared while the microphone was live, and the viewer said how far behind the voice they were.
    const live = seen.filter((each) => each.previewing && each.frames > 0);
    expect(live.length).toBeGreaterThan(2);
    const latencies = live.map((each) => each.latency!).filter((value) => value !== undefined);
    console.log(`microphone: latency (microphone sound to frame shown) over the preview: ${latencies.map((ms) => Math.round(ms)).join(' ')} ms`);
    expect(latencies.length).toBeGreaterThan(2);
    for (const ms of latencies) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThan(0);
      // Generous: on a busy 2-core machine a frame can fall behind the voice (about 0.2-0.4 s here when it keeps up).
      expect(ms).toBeLessThan(5000);
    }
    expect(live.some((each) => /^microphone → frame \d+ ms$/.test(each.label))).toBe(true);

    // The preview's mouth moved: s9's mouth region differs from the first frame's in some frames, not in all.
    const moved = await page.evaluate(
      ({ box, count }) => {
        const editor = (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor;
        const first = editor.frame(0)!;
        const [x0, y0] = [Math.floor(first.width * box.x), Math.floor(first.height * box.y)];
        const [w, h] = [Math.floor(first.width * box.width), Math.floor(first.height * box.height)];
        const out: number[] = [];
        for (let k = 0; k < count; k++) {
          const frame = editor.frame(k);
          if (!frame) continue;
          let sum = 0;
          for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) for (let c = 0; c < 3; c++) sum += Math.abs(frame.data[(y * first.width + x) * 4 + c]! - first.data[(y * first.width + x) * 4 + c]!);
          out.push(sum / (w * h * 3));
        }
        return out;
      },
      { box: mouthBox, count: frames },
    );
    console.log(`microphone: preview mouth change from frame 0: ${moved.map((d) => d.toFixed(1)).join(' ')}`);
    expect(Math.max(...moved)).toBeGreaterThan(8);
    await mkdir(join(repoRoot, 'test', 'output'), { recursive: true });
    await writeFile(join(repoRoot, 'test', 'output', 'editor-microphone.png'), await page.screenshot());

    // Exporting the live session records it: the frames, with the sound the microphone heard.
    await page.check('[data-testid=export-range]');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 300_000 }), page.click('[data-testid=export]')]);
    const exported = join(dir.path, 'microphone.mp4');
    await download.saveAs(exported);
    const probed = await probeFile(exported);
    expect(probed).toMatchObject({ videoFrames: frames, fps: '25/1', audio: true, width: 720, height: 1280 });
    expect(probed.audioSeconds).toBeGreaterThan(frames / fps - 0.2);

    // In the recording, the mouth opens with the voice and shuts again: its change from rest follows the loudness.
    const crops = await mouthCrops(exported, probed.width, probed.height);
    const rest = crops[0]!;
    const opening = crops.map((crop) => difference(crop, rest));
    const loudness = await frameLoudness(exported, crops.length);
    const r = pearson(opening, loudness) ?? 0;
    console.log(`microphone: export mouth change ${opening.map((d) => d.toFixed(1)).join(' ')}; r with the sound's loudness ${r.toFixed(2)}`);
    const widest = Math.max(...opening);
    expect(widest).toBeGreaterThan(8);
    // Shut again after opening (the pause, the bilabials): some later frame is back near rest.
    const firstOpen = opening.findIndex((d) => d > widest / 2);
    expect(opening.slice(firstOpen).some((d) => d < widest / 4)).toBe(true);
    expect(r).toBeGreaterThan(0.3);

    // Preview again: a new take from the microphone (not the last one replayed from the cache), the latency shown anew.
    await page.fill('[data-testid=frame-count]', '30');
    await page.dispatchEvent('[data-testid=frame-count]', 'change');
    await page.click('[data-testid=preview]');
    await page.waitForFunction(() => document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 120_000 });
    expect(await page.textContent('[data-testid=status]')).toContain('previewed 30 frames');
    expect(await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.liveLatencyMs())).toBeGreaterThan(0);

    // A contact sheet of the recording's mouth: the first 50 frames, 10 a row, to look at.
    const tiles = await Promise.all(
      crops.slice(0, 50).map((crop) => sharp(Buffer.from(crop), { raw: { width: Math.floor(probed.width * mouthBox.width), height: Math.floor(probed.height * mouthBox.height), channels: 1 } }).png().toBuffer()),
    );
    const [tw, th] = [Math.floor(probed.width * mouthBox.width), Math.floor(probed.height * mouthBox.height)];
    await sharp({ create: { width: tw * 10, height: th * 5, channels: 3, background: '#000' } })
      .composite(tiles.map((input, k) => ({ input, left: (k % 10) * tw, top: Math.floor(k / 10) * th })))
      .png()
      .toFile(join(repoRoot, 'test', 'output', 'microphone-mouths.png'));
    await page.close();
  }, 600_000);
});
