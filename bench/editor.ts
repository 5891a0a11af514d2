import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { buildEditor, serveEditor } from '../cli/editor-command.ts';
import { hasChromium, launchChromium } from '../support/chromium.ts';

/** The editor's redraw target after a moved slider, 512x512, on this machine. */
export const redrawTargetMs = 150;

export interface EditorFigures {
  size: string;
  previewFrames: number;
  /** Frames per second of the preview, from the click to its last frame (landmarker and ffmpeg.wasm start included). */
  previewFps: number;
  /** Each slider move's redraw of the shown frame, in milliseconds. */
  redrawMs: number[];
  medianRedrawMs: number;
  provider: string;
}

export type EditorOutcome = { skipped: string } | { figures: EditorFigures; redrawTargetMs: number; pass: boolean };

interface Hooks {
  select(id: string): void;
  refreshMs(): number | undefined;
  provider(): string;
}

/**
 * The default graph (presets/animate-painting.json) in the built editor in headless Chromium on wasm: preview speed
 * for a 512x512 painting and driver, and how long a moved slider takes to redraw the shown frame.
 */
export async function editorBenchmark(repoRoot: string): Promise<EditorOutcome> {
  const media = resolve(repoRoot, '../shared/media');
  if (!existsSync(join(media, 'driving/d0.mp4'))) return { skipped: `${media} is missing (../shared/media is not checked out here)` };
  if (!hasChromium) return { skipped: 'no Chromium at /usr/bin/chromium' };
  const folder = await mkdtemp(join(tmpdir(), 'vivify-bench-editor-'));
  const outDir = join(folder, 'editor');
  await buildEditor(outDir);
  const server = await serveEditor({ port: 0, host: '127.0.0.1', outDir });
  const browser = await launchChromium();
  try {
    const painting = join(folder, 's5-512.png');
    await writeFile(painting, await sharp(join(media, 'source/s5.jpg')).resize(512, 512).png().toBuffer());
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?provider=wasm`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined);
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    await page.setInputFiles('input[data-input=source]', painting);
    await page.setInputFiles('input[data-input=driving]', join(media, 'driving/d0.mp4'));
    const frames = 75;
    await page.fill('[data-testid=frame-count]', String(frames));
    await page.dispatchEvent('[data-testid=frame-count]', 'change');
    const started = performance.now();
    await page.click('[data-testid=preview]');
    await page.waitForFunction(() => document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 600_000 });
    const seconds = (performance.now() - started) / 1000;
    const status = (await page.textContent('[data-testid=status]')) ?? '';
    if (!status.includes(`previewed ${frames} frames`)) throw new Error(`the preview did not complete: ${status}`);

    await page.evaluate(() => (window as unknown as { vivifyEditor: Hooks }).vivifyEditor.select('f2f'));
    const redrawMs: number[] = [];
    for (const value of ['1.2', '1.4', '1.6', '1.8', '2', '0.8', '0.6']) {
      await page.fill('[data-param=expression] input[type=number]', value);
      await page.dispatchEvent('[data-param=expression] input[type=number]', 'change');
      await page.waitForFunction(
        (previous) => {
          const ms = (window as unknown as { vivifyEditor: Hooks }).vivifyEditor.refreshMs();
          return ms !== undefined && ms !== previous;
        },
        redrawMs.at(-1),
        { timeout: 30_000 },
      );
      redrawMs.push(Math.round((await page.evaluate(() => (window as unknown as { vivifyEditor: Hooks }).vivifyEditor.refreshMs()))! * 10) / 10);
    }
    const sorted = [...redrawMs].sort((a, b) => a - b);
    const medianRedrawMs = sorted[sorted.length >> 1]!;
    const provider = await page.evaluate(() => (window as unknown as { vivifyEditor: Hooks }).vivifyEditor.provider());
    const figures = { size: '512x512', previewFrames: frames, previewFps: Math.round((frames / seconds) * 10) / 10, redrawMs, medianRedrawMs, provider };
    return { figures, redrawTargetMs, pass: medianRedrawMs < redrawTargetMs };
  } finally {
    await browser.close();
    await server.close();
    await rm(folder, { recursive: true, force: true });
  }
}

export function formatEditorTable(result: { figures: EditorFigures; redrawTargetMs: number; pass: boolean }): string {
  const f = result.figures;
  return [
    `editor in headless Chromium (${f.provider}), ${f.size} painting and driver, presets/animate-painting.json`,
    `  preview: ${f.previewFrames} frames at ${f.previewFps} fps (from the click, ffmpeg.wasm and landmarker start included)`,
    `  slider redraw of the shown frame: median ${f.medianRedrawMs} ms (${f.redrawMs.join(', ')})`,
    `redraw target ${result.redrawTargetMs} ms: ${result.pass ? 'PASS' : 'MISS'}`,
  ].join('\n');
}
