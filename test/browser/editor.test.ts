import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { EditorServer } from '../../editor/server/static-server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { psnr as pixelPsnr } from '../../runtime/eval/pixel-fidelity.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import { buildEditor, serveEditor } from '../../cli/editor-command.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hasSharedMedia, makeTempDir, probeFile, psnr, repoRoot, runCli, sharedMedia } from '../../support/cli.ts';
import { liveportraitStandins, standinsUnavailable } from '../../support/liveportrait-standins.ts';
import { builtInNodes } from '../../nodes/index.ts';
import { hasChromium, launchChromium } from '../../support/chromium.ts';
import { torchMissing } from '../../support/python-torch.ts';
import { saveAuthorsCheckpoints } from '../support/pix2pix-authors.ts';

interface EditorHooks {
  document(): GraphDocument;
  problems(): { path: string; message: string }[];
  frames(): number;
  unsaved(): boolean;
  frame(index: number): { width: number; height: number; data: Uint8Array } | undefined;
  provider(): string;
  renderer(): string | undefined;
  canvasNodes(): number;
  select(id: string): void;
  param(nodeId: string, name: string): unknown;
  refreshMs(): number | undefined;
}

// One build for every test here, made and served as `vivify editor` does, in the tests' own output folder.
const outDir = join(repoRoot, 'test', 'output', 'editor-build');
let built: Promise<void> | undefined;

/** Writes frame `frame` of a video to `png` (cut by an ffmpeg `crop` filter where given) and returns its path. */
async function framePicture(video: string, frame: number, png: string, crop?: string): Promise<string> {
  const filter = `select=eq(n\\,${frame})${crop ? `,${crop}` : ''}`;
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-i', video, '-vf', filter, '-frames:v', '1', png]);
  return png;
}

/** Chooses a shared painting and driving video with the toolbar's file inputs. */
async function chooseMedia(page: Page, painting: string, driver: string): Promise<void> {
  await page.setInputFiles('input[data-input=source]', sharedMedia(`source/${painting}.jpg`));
  await page.setInputFiles('input[data-input=driving]', sharedMedia(`driving/${driver}.mp4`));
}

/** Starts recording the durations of the page's long tasks (over 50 ms on its main thread): what makes a page freeze. */
async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: number[] = [];
    Object.assign(window, { longTasks: seen });
    new PerformanceObserver((list) => seen.push(...list.getEntries().map((entry) => entry.duration))).observe({ type: 'longtask' });
  });
}

/** The long tasks' durations (ms) recorded since `watchLongTasks`. */
function longTasksSeen(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
}

async function servedEditor(): Promise<EditorServer> {
  built ??= buildEditor(outDir);
  await built;
  return serveEditor({ port: 0, host: '127.0.0.1', outDir });
}

const hooks = (page: Page) => page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor !== undefined);

// Needs Debian's chromium (installed by .ci/run) and the shared media; builds the editor as `vivify editor` does.
describe.skipIf(!hasChromium || !hasSharedMedia)('the editor in Chromium', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: EditorServer;
  let browser: Browser;
  let address: string;

  beforeAll(async () => {
    dir = await makeTempDir();
    server = await servedEditor();
    address = server.url;
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dir?.remove();
  });

  async function openEditor(query = '?provider=wasm'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${address}${query}`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined, undefined, { timeout: 30_000 });
    expect(errors).toEqual([]);
    return page;
  }

  it('loads the preset, takes a painting and a driver, and previews 30 frames of the painting moving', async () => {
    const page = await openEditor();
    expect(await hooks(page)).toBe(true);
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    await chooseMedia(page, 's9', 'd18');
    const nodes = await page.evaluate(() => Object.keys((window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.document().nodes).length);
    const preset = JSON.parse(await readFile(join(repoRoot, 'presets/animate-painting.json'), 'utf8')) as GraphDocument;
    expect(nodes).toBe(Object.keys(preset.nodes).length);

    // Nothing leaves the page: MediaPipe's usage posts to Google are kept in.
    const outside: string[] = [];
    page.on('request', (request) => !request.url().startsWith(address) && !request.url().startsWith('blob:') && !request.url().startsWith('data:') && outside.push(request.url()));
    await page.click('[data-testid=preview]');
    // The button reads "Restart" while a preview runs.
    await page.waitForFunction(() => document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 180_000 });
    expect(await page.textContent('[data-testid=status]')).toContain('previewed 30 frames');
    expect(outside).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.provider())).toBe('wasm');

    // The first frame is the painting itself (the driver's first face is the reference).
    const first = await page.evaluate(() => {
      const frame = (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.frame(0)!;
      return { width: frame.width, height: frame.height, data: Array.from(frame.data) };
    });
    const painting = await sharp(sharedMedia('source/s9.jpg')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([first.width, first.height]).toEqual([painting.info.width, painting.info.height]);
    const size = { width: first.width, height: first.height };
    expect(pixelPsnr({ ...size, data: Uint8Array.from(first.data) }, { ...size, data: painting.data })).toBeGreaterThan(30);

    // The viewer's canvas shows it: not blank.
    const shot = await page.locator('[data-testid=viewer-canvas]').screenshot();
    const stats = await sharp(shot).stats();
    expect(Math.max(...stats.channels.slice(0, 3).map((channel) => channel.stdev))).toBeGreaterThan(20);
    await mkdir(join(repoRoot, 'test', 'output'), { recursive: true });
    // The before/after split shows the painting as it is on the left; the landmark inset draws the driver's mesh.
    const viewerShot = () => page.locator('[data-testid=viewer-canvas]').screenshot();
    const afterShot = await viewerShot();
    await page.fill('[data-testid=split]', '100');
    const beforeShot = await viewerShot();
    expect(beforeShot.equals(afterShot)).toBe(false);
    await page.fill('[data-testid=split]', '0');
    expect((await viewerShot()).equals(afterShot)).toBe(true);
    await page.check('[data-testid=overlay]');
    expect((await viewerShot()).equals(afterShot)).toBe(false);
    await writeFile(join(repoRoot, 'test', 'output', 'editor-preview.png'), await page.screenshot());

    // A moved slider redraws the shown frame from cached upstream results (the driver is not decoded again).
    const checksum = () => page.evaluate(() => Array.from((window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.frame(29)!.data).reduce((a, b) => (a * 31 + b) % 1_000_003, 0));
    const before = await checksum();
    await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.select('f2f'));
    await page.fill('[data-param=expression] input[type=number]', '2');
    await page.dispatchEvent('[data-param=expression] input[type=number]', 'change');
    await page.waitForSelector('[data-testid=refresh-ms]');
    expect(await checksum()).not.toBe(before);
    console.log(`editor: slider redraw of a 720x1280 frame took ${await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.refreshMs())} ms`);
    await page.close();
  }, 240_000);

  it('exports MP4 with the audio, matching the CLI frame for frame, and gives the equivalent CLI command', async () => {
    const page = await openEditor();
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    await chooseMedia(page, 's9', 'd18');
    await page.check('[data-testid=export-range]');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 240_000 }), page.click('[data-testid=export]')]);
    const exported = join(dir.path, 'editor-export.mp4');
    await download.saveAs(exported);
    expect(download.suggestedFilename()).toBe('animate-a-painting.mp4');
    expect(await probeFile(exported)).toMatchObject({ videoFrames: 30, fps: '30/1', audio: true, width: 720, height: 1280 });

    await page.click('[data-testid=copy-command]');
    expect(await page.textContent('[data-testid=cli-command]')).toBe('npx vivify render animate-a-painting.json --source s9.jpg --driving d18.mp4 -o animate-a-painting.mp4 --frames 0:30');

    const cli = join(dir.path, 'cli.mp4');
    const render = await runCli(['render', 'presets/animate-painting.json', '--source', sharedMedia('source/s9.jpg'), '--driving', sharedMedia('driving/d18.mp4'), '-o', cli, '--frames', '0:30']);
    expect(render.code).toBe(0);
    const frame20 = (video: string, name: string) => framePicture(video, 20, join(dir.path, name));
    // The two hosts decode s9.jpg's embedded Apple ICC profile differently (Chromium converts it, sharp does not: blue
    // differs by about 3 levels everywhere), which alone holds the frames to about 35.5 dB apart from the face.
    expect(await psnr(await frame20(exported, 'editor-20.png'), await frame20(cli, 'cli-20.png'))).toBeGreaterThanOrEqual(34);
    await page.close();
  }, 400_000);

  it('speaks a painting from a recording (the audio of d20): exports MP4 with that voice, matching the CLI', async () => {
    const page = await openEditor();
    await page.selectOption('[data-testid=presets]', 'speak-painting');
    await page.setInputFiles('input[data-input=source]', sharedMedia('source/s9.jpg'));
    await page.setInputFiles('input[data-input=audio]', sharedMedia('driving/d20.mp4'));
    await page.check('[data-testid=export-range]');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 240_000 }), page.click('[data-testid=export]')]);
    const exported = join(dir.path, 'editor-speak.mp4');
    await download.saveAs(exported);
    expect(await probeFile(exported)).toMatchObject({ videoFrames: 30, fps: '25/1', audio: true });
    const cli = join(dir.path, 'cli-speak.mp4');
    const render = await runCli(['render', 'presets/speak-painting.json', '--source', sharedMedia('source/s9.jpg'), '--audio', sharedMedia('driving/d20.mp4'), '-o', cli, '--frames', '0:30']);
    expect(render.code).toBe(0);
    // Frame 20 is mid-word (the mouth open): the same speech made in the page's worker and in Node.
    const frame20 = (video: string, name: string) => framePicture(video, 20, join(dir.path, name));
    // As in the export test above, s9's ICC profile alone holds the two hosts' frames to about 35.5 dB.
    const spoken = await frame20(exported, 'editor-speak-20.png');
    expect(await psnr(spoken, await frame20(cli, 'cli-speak-20.png'))).toBeGreaterThanOrEqual(34);
    // And the painting did speak: around s9's mouth, frame 20 is not the painting at rest.
    const mouth = (frame: number, name: string) => framePicture(exported, frame, join(dir.path, name), 'crop=iw*0.2:ih*0.08:iw*0.378:ih*0.27');
    expect(await psnr(await mouth(20, 'mouth-20.png'), await mouth(0, 'mouth-0.png'))).toBeLessThan(25);
    await page.close();
  }, 400_000);

  it('adds nodes from the palette, searched by name; duplicates with Ctrl+D; undoes and redoes', async () => {
    const page = await openEditor();
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    const count = () => page.evaluate(() => Object.keys((window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.document().nodes).length);
    const shown = () => page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.canvasNodes());
    // The palette lists every registered type.
    const types = await page.$$eval('[data-testid=palette] button', (buttons) => buttons.map((button) => button.getAttribute('data-type')));
    expect(types.sort()).toEqual(builtInNodes.map((node) => node.type).sort());
    await page.fill('[data-testid=palette-search]', 'overlay');
    expect(await page.$$eval('[data-testid=palette] button', (buttons) => buttons.length)).toBe(1);
    await page.click('[data-testid=palette] button[data-type=landmark-overlay]');
    expect([await count(), await shown()]).toEqual([8, 8]);
    // The new node is selected; its inspector shows its parameters' widgets.
    expect(await page.textContent('[data-testid=inspector] h2')).toContain('landmarkOverlay');
    await page.keyboard.press('Control+d');
    expect([await count(), await shown()]).toEqual([9, 9]);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    expect([await count(), await shown()]).toEqual([7, 7]);
    await page.keyboard.press('Control+Shift+z');
    expect([await count(), await shown()]).toEqual([8, 8]);
    // Delete removes the selected node (the canvas has the keyboard).
    await page.click('[data-testid=palette] button[data-type=landmark-overlay]');
    expect(await count()).toBe(9);
    await page.focus('[data-testid=graph-canvas]');
    await page.keyboard.press('Delete');
    await expect.poll(async () => [await count(), await shown()]).toEqual([8, 8]);
    await page.close();
  }, 120_000);

  it('takes a dropped picture and video onto the nodes that read them, and a dropped graph file opens', async () => {
    const page = await openEditor();
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    const drop = async (path: string, type: string) => {
      const bytes = (await readFile(path)).toString('base64');
      const name = path.replace(/^.*\//, '');
      const transfer = await page.evaluateHandle(
        ([data, fileName, mime]) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], fileName, { type: mime }));
          return transfer;
        },
        [bytes, name, type] as const,
      );
      await page.dispatchEvent('[data-testid=graph-canvas]', 'drop', { dataTransfer: transfer });
    };
    await drop(sharedMedia('source/s5.jpg'), 'image/jpeg');
    await drop(sharedMedia('driving/d0.mp4'), 'video/mp4');
    const param = (node: string) => page.evaluate((id) => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.param(id, 'path'), node);
    expect([await param('paint'), await param('drive')]).toEqual(['s5.jpg', 'd0.mp4']);
    await drop(join(repoRoot, 'presets/passthrough.json'), 'application/json');
    await page.waitForFunction(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.document().meta.title !== 'Animate a painting');
    await page.close();
  }, 120_000);

  it('opens a graph with a wrong parameter type and shows the problem on its node', async () => {
    const page = await openEditor();
    const broken = (await readFile(join(repoRoot, 'presets/animate-painting.json'), 'utf8')).replace('"smoothing": false', '"smoothing": "yes"');
    const file = join(dir.path, 'broken.json');
    await writeFile(file, broken);
    await page.setInputFiles('[data-testid=open-graph]', file);
    await page.waitForSelector('[data-testid=problems] li[data-node=driveFace]');
    expect(await page.evaluate(() => Object.keys((window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.document().nodes).length)).toBe(7);
    await page.click('[data-testid=problems] li[data-node=driveFace]');
    expect(await page.textContent('[data-testid=node-problems]')).toMatch(/smoothing/);
    await page.close();
  }, 120_000);

  it('asks before the page closes on changes not saved, and not once they are saved', async () => {
    const page = await openEditor();
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.select('f2f'));
    // Typed, as a person does (the browser asks only on a page the user has acted on).
    await page.click('[data-param=expression] input[type=number]');
    await page.fill('[data-param=expression] input[type=number]', '1.7');
    await page.dispatchEvent('[data-param=expression] input[type=number]', 'change');
    expect(await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.unsaved())).toBe(true);
    const asked: string[] = [];
    page.on('dialog', (dialog) => {
      asked.push(dialog.type());
      // Staying on the page: the edit must still be there.
      void dialog.dismiss();
    });
    const leave = () => page.goto('about:blank', { timeout: 5_000 }).then(() => 'left', () => 'stayed');
    expect(await leave()).toBe('stayed');
    expect(asked).toEqual(['beforeunload']);
    expect(await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.param('f2f', 'expression'))).toBe(1.7);

    // Saved, it goes without asking.
    await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save]')]);
    expect(await leave()).toBe('left');
    expect(asked).toEqual(['beforeunload']);
    await page.close();
  }, 120_000);

  it('keeps a saved graph across a reload, and a share link reproduces it', async () => {
    const page = await openEditor();
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    const saved = await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.document());
    await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save]')]);
    await page.click('[data-testid=share]');
    const link = await page.inputValue('[data-testid=share-link]');

    await page.reload();
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined);
    await page.waitForSelector('[data-testid=recent] option:nth-child(2)', { state: 'attached' });
    await page.selectOption('[data-testid=recent]', '0');
    expect(await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.document())).toEqual(saved);

    const other = await browser.newPage();
    await other.goto(link);
    await other.waitForFunction(() => Object.keys((window as unknown as { vivifyEditor?: EditorHooks }).vivifyEditor?.document().nodes ?? {}).length > 0);
    expect(await other.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.document())).toEqual(saved);
    await other.close();
    await page.close();
  }, 120_000);
  it.skipIf(standinsUnavailable !== undefined)('reenacts with models from the store: a missing one is named, then the stand-ins run on wasm and say so', async () => {
    // The editor's server reads the store folder per request, as `vivify editor` would after a pull.
    const previous = process.env.VIVIFY_MODELS_DIR;
    const store = join(dir.path, 'models');
    process.env.VIVIFY_MODELS_DIR = store;
    try {
      const page = await openEditor();
      await page.selectOption('[data-testid=presets]', 'reenact-painting');
      await chooseMedia(page, 's9', 'd20');
      await page.click('[data-testid=preview]');
      await page.waitForFunction(() => document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 60_000 });
      expect(await page.textContent('[data-testid=status]')).toMatch(/needs model "liveportrait" .*fetch it with: vivify models pull liveportrait/);

      expect((await runCli(['models', 'import', 'liveportrait', liveportraitStandins(), '--models-dir', store])).code).toBe(0);
      await page.click('[data-testid=preview]');
      await page.waitForFunction(() => document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 240_000 });
      expect(await page.textContent('[data-testid=status]')).toContain('previewed 30 frames');
      const uses = await page.textContent('[data-testid=model-uses]');
      expect(uses).toMatch(/liveportrait\/warping_spade\.onnx \(node "reenact"\) ran on wasm: [\d.]+ ms a run, 30 runs/);
      expect(uses).toMatch(/liveportrait\/appearance_feature_extractor\.onnx \(node "reenact"\) ran on wasm/);
      // Frame 0 is the painting as the stand-ins redraw it, in place (as in the CLI's test).
      const first = await page.evaluate(() => {
        const frame = (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.frame(0)!;
        return { width: frame.width, height: frame.height, data: Array.from(frame.data) };
      });
      const painting = await sharp(sharedMedia('source/s9.jpg')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const size = { width: first.width, height: first.height };
      expect(pixelPsnr({ ...size, data: Uint8Array.from(first.data) }, { ...size, data: painting.data })).toBeGreaterThan(25);
      await page.close();
    } finally {
      if (previous === undefined) delete process.env.VIVIFY_MODELS_DIR;
      else process.env.VIVIFY_MODELS_DIR = previous;
    }
  }, 400_000);
});

// Chromium's fake camera (a moving test pattern) stands in for a webcam; it needs a browser started with its flags.
describe.skipIf(!hasChromium)('the webcam node in Chromium', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: EditorServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = await makeTempDir();
    server = await servedEditor();
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dir?.remove();
  });

  it('drives the graph live: camera frames flow through and the viewer updates', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?provider=wasm`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined);
    const graph: GraphDocument = {
      format: 'vivify.graph',
      version: 1,
      meta: { title: 'camera' },
      nodes: {
        cam: { type: 'webcam', typeVersion: 1, params: { frames: 12, width: 320, height: 240 } },
        out: { type: 'video-output', typeVersion: 1, params: { path: 'camera.mp4' } },
      },
      edges: [{ from: ['cam', 'frames'], to: ['out', 'frames'] }],
      inputs: {},
      models: [],
    };
    const file = join(dir.path, 'camera.json');
    await writeFile(file, JSON.stringify(graph));
    await page.setInputFiles('[data-testid=open-graph]', file);
    await page.click('[data-testid=preview]');
    await page.waitForFunction(() => document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 60_000 });
    expect(await page.textContent('[data-testid=status]')).toContain('previewed 12 frames');
    const [first, last] = await page.evaluate(() => {
      const editor = (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor;
      const sum = (index: number) => editor.frame(index)!.data.reduce((total, value) => total + value, 0);
      return [sum(0), sum(11)];
    });
    // The fake camera's pattern moves: the last frame is not the first.
    expect(first).not.toBe(last);
    const stats = await sharp(await page.locator('[data-testid=viewer-canvas]').screenshot()).stats();
    expect(Math.max(...stats.channels.slice(0, 3).map((channel) => channel.stdev))).toBeGreaterThan(10);
    await page.close();
  }, 120_000);

});

// WebGPU here is Chromium's software adapter: slow, but enough to show that the WebGPU path is chosen and draws.
describe.skipIf(!hasChromium || !hasSharedMedia)('the execution provider in Chromium', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: EditorServer;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    dir = await makeTempDir();
    server = await servedEditor();
  }, 240_000);
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await server?.close();
    await dir?.remove();
  });

  async function providerIn(args: string[], query: string) {
    const browser = await launchChromium(args);
    browsers.push(browser);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}${query}`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: EditorHooks }).vivifyEditor?.renderer() !== undefined, undefined, { timeout: 60_000 });
    return { page, provider: await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.provider()) };
  }

  it('with WebGPU enabled and chosen, the WebGPU path runs and renders a frame; the provider is shown', async () => {
    const { page, provider } = await providerIn(
      ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
      '?provider=webgpu',
    );
    expect(provider).toBe('webgpu');
    expect(await page.evaluate(() => (window as unknown as { vivifyEditor: EditorHooks }).vivifyEditor.renderer())).toBe('webgpu');
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    await chooseMedia(page, 's5', 'd0');
    await page.fill('[data-testid=frame-count]', '1');
    await page.dispatchEvent('[data-testid=frame-count]', 'change');
    await page.click('[data-testid=preview]');
    await page.waitForFunction(() => document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 120_000 });
    expect(await page.textContent('[data-testid=status]')).toContain('previewed 1 frames');
    expect(await page.textContent('[data-testid=frame-label]')).toContain('webgpu');
    const stats = await sharp(await page.screenshot({ clip: (await page.locator('[data-testid=viewer-canvas]').boundingBox())! })).stats();
    expect(Math.max(...stats.channels.slice(0, 3).map((channel) => channel.stdev))).toBeGreaterThan(20);
  }, 240_000);

  it('without WebGPU, wasm is chosen even when WebGPU is asked for', async () => {
    const { provider } = await providerIn([], '?provider=webgpu');
    expect(provider).toBe('wasm');
  }, 120_000);
});

interface PreviewHooks extends EditorHooks {
  previewing(): boolean;
  working(): readonly string[];
  layout(): { nodes: Record<string, { working?: boolean }> };
}

// The preview runs in a worker (editor/runner): the page only shows frames. Measured with the 720x1280 Mona Lisa.
describe.skipIf(!hasChromium || !hasSharedMedia)('the editor stays responsive while it previews (Chromium)', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: EditorServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = await makeTempDir();
    server = await servedEditor();
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dir?.remove();
  });

  const editor = (page: Page) => page.evaluate(() => (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor.frames());
  const previewDone = (page: Page, timeout: number) =>
    page.waitForFunction(() => document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout });
  const setFrames = async (page: Page, frames: number) => {
    await page.fill('[data-testid=frame-count]', String(frames));
    await page.dispatchEvent('[data-testid=frame-count]', 'change');
  };

  it('previews 300 frames without blocking the page, frames arriving as made; redraws stay quick after it; cancel stops at once', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?provider=wasm`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined);
    await page.selectOption('[data-testid=presets]', 'animate-painting');
    await page.setInputFiles('input[data-input=source]', sharedMedia('source/s9.jpg'));
    // d3 has 354 frames (d20, 175, is too short for 300).
    await page.setInputFiles('input[data-input=driving]', sharedMedia('driving/d3.mp4'));
    await setFrames(page, 300);
    // Long tasks on the page's thread, from the click on: what makes a page freeze.
    await watchLongTasks(page);
    const started = Date.now();
    await page.click('[data-testid=preview]');
    const samples: { seconds: number; frames: number; working: readonly string[]; lit: string[]; label: string }[] = [];
    while ((await page.textContent('[data-testid=preview]')) !== 'Preview') {
      const sample = await page.evaluate(() => {
        const hooks = (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor;
        const lit = Object.entries(hooks.layout().nodes).filter(([, node]) => node.working).map(([id]) => id);
        return { frames: hooks.frames(), working: hooks.working(), lit, label: document.querySelector('[data-testid=frame-label]')?.textContent ?? '' };
      });
      samples.push({ seconds: (Date.now() - started) / 1000, ...sample });
      // One picture of the canvas lighting the working nodes, for a person to look at.
      if (sample.lit.length > 0 && samples.filter((seen) => seen.lit.length > 0).length === 1) {
        await mkdir(join(repoRoot, 'test', 'output', 'editor-first-hour'), { recursive: true });
        await page.screenshot({ path: join(repoRoot, 'test', 'output', 'editor-first-hour', '08-working-nodes-lit.png') });
      }
      if (Date.now() - started > 240_000) throw new Error(`the preview did not end: ${JSON.stringify(samples.at(-1))}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const seconds = (Date.now() - started) / 1000;
    expect(await page.textContent('[data-testid=status]')).toContain('previewed 300 frames');
    const longTasks = await longTasksSeen(page);
    const over = longTasks.filter((duration) => duration > 100);
    const worst = Math.round(Math.max(0, ...longTasks));
    console.log(`editor: 300 frames of 720x1280 previewed in ${seconds.toFixed(1)} s; long tasks over 50 ms: ${longTasks.length}, over 100 ms: ${over.length}, worst ${worst} ms`);
    console.log(`editor: frames made by time: ${samples.filter((_, index) => index % 4 === 0).map((sample) => `${sample.seconds.toFixed(1)}s:${sample.frames}`).join(' ')}`);
    // The target is none over 100 ms, which holds on this machine at rest (the page used to freeze for 1 to 4 s at a
    // time). What is left is the compositor reading the viewer's WebGL canvas back (no GPU here), which stretches to
    // 100-250 ms when other work crowds the two cores: the count is reported, and no freeze is allowed.
    expect(worst).toBeLessThan(400);
    // Frames arrive as they are made: many counts seen on the way, none a big jump (not in bursts).
    const counts = samples.map((sample) => sample.frames).filter((count) => count > 0 && count < 300);
    expect(new Set(counts).size).toBeGreaterThanOrEqual(8);
    const jumps = samples.slice(1).map((sample, index) => sample.frames - samples[index]!.frames);
    expect(Math.max(...jumps)).toBeLessThan(60);
    // The label tells the frame, the speed and the time left; the nodes working are named.
    expect(samples.some((sample) => /frame \d+\/300 · [\d.]+ fps · (\d+ min )?\d+ s left/.test(sample.label))).toBe(true);
    expect(samples.some((sample) => sample.working.includes('f2f') || sample.working.includes('blend'))).toBe(true);
    // The canvas lights the title bars of the nodes working, and of no other (compared within one sample).
    expect(samples.some((sample) => sample.lit.includes('f2f') || sample.lit.includes('blend'))).toBe(true);
    expect(samples.every((sample) => sample.lit.every((id) => sample.working.includes(id)))).toBe(true);
    expect((await page.evaluate(() => (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor.layout().nodes)).f2f?.working).toBeUndefined();

    // Redraws after the long preview: the driver's landmarks are kept for every frame, so only the shown frame is made.
    await page.evaluate(() => (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor.select('f2f'));
    const redraws: number[] = [];
    for (const value of ['1.2', '1.4', '1.6', '1.8', '2']) {
      await page.fill('[data-param=expression] input[type=number]', value);
      await page.dispatchEvent('[data-param=expression] input[type=number]', 'change');
      await page.waitForFunction(
        (previous) => {
          const ms = (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor.refreshMs();
          return ms !== undefined && ms !== previous;
        },
        redraws.at(-1),
        { timeout: 30_000 },
      );
      redraws.push(Math.round((await page.evaluate(() => (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor.refreshMs()))!));
    }
    const median = [...redraws].sort((a, b) => a - b)[2]!;
    console.log(`editor: redraw after a 300-frame preview: median ${median} ms (${redraws.join(', ')})`);
    // 60-180 ms here, by how busy the two cores are; a redraw that read the driver again took 1.6 s. The bound tells
    // those apart without timing the machine (speed itself is the bench's: npm run bench -- editor).
    expect(median).toBeLessThan(1_000);
    // The page let go of the oldest frames (it keeps about 1 GB of them); scrubbing back makes one again.
    expect(await page.evaluate(() => (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor.frame(0))).toBeUndefined();
    await page.fill('[data-testid=scrub]', '0');
    await page.waitForFunction(() => (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor.frame(0) !== undefined, undefined, { timeout: 30_000 });

    // Cancel: the preview stops at once, and no frame comes after.
    await page.click('[data-testid=preview]');
    await page.waitForFunction(() => (window as unknown as { vivifyEditor: PreviewHooks }).vivifyEditor.frames() >= 10, undefined, { timeout: 60_000 });
    const asked = Date.now();
    await page.click('[data-testid=cancel-preview]');
    await previewDone(page, 5_000);
    const stopped = Date.now() - asked;
    const made = await editor(page);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await editor(page)).toBe(made);
    console.log(`editor: cancel took ${stopped} ms (${made} frames made)`);
    expect(stopped).toBeLessThan(1_000);
    expect(await page.textContent('[data-testid=status]')).toContain(`preview cancelled after ${made} frames`);
    await page.close();
  }, 300_000);

  it('refuses a graph with problems, naming the first and selecting its node; a failed preview says why plainly and clears the viewer', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?provider=wasm`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined);
    await page.selectOption('[data-testid=presets]', 'passthrough');
    await page.setInputFiles('input[data-input=driving]', sharedMedia('driving/d0.mp4'));
    await setFrames(page, 3);
    await page.click('[data-testid=preview]');
    await previewDone(page, 60_000);
    const spread = async () => {
      const stats = await sharp(await page.locator('[data-testid=viewer-canvas]').screenshot()).stats();
      return Math.max(...stats.channels.slice(0, 3).map((channel) => channel.stdev));
    };
    expect(await spread()).toBeGreaterThan(20);

    // The same graph without its driver: the run fails, in a sentence, and the viewer shows nothing of the last one.
    await page.selectOption('[data-testid=presets]', 'passthrough');
    await page.click('[data-testid=preview]');
    await previewDone(page, 60_000);
    const status = (await page.textContent('[data-testid=status]')) ?? '';
    expect(status).toContain('node "drive" (driving-video) failed: (no file): not loaded in the editor; drop or pick the file first');
    expect(status).not.toMatch(/TypeError|Cannot read|undefined/);
    expect(await spread()).toBeLessThan(3);

    const broken = (await readFile(join(repoRoot, 'presets/animate-painting.json'), 'utf8')).replace('"smoothing": false', '"smoothing": "yes"');
    const file = join(dir.path, 'broken.json');
    await writeFile(file, broken);
    await page.setInputFiles('[data-testid=open-graph]', file);
    await page.click('[data-testid=preview]');
    expect(await page.textContent('[data-testid=status]')).toContain('cannot preview: node "driveFace" (smoothing): expected true or false');
    expect(await page.textContent('[data-testid=inspector] h2')).toContain('driveFace');
    await page.close();
  }, 120_000);
});

interface FirstHourHooks extends EditorHooks {
  redraws(): number;
  canUndo(): boolean;
  fit(): void;
  layout(): { width: number; height: number; nodes: Record<string, { box: [number, number, number, number]; file?: string; picture?: [number, number, number, number] }> };
}

// What a newcomer meets in the first hour (issue 15): screenshots of each step go to test/output/editor-first-hour/.
describe.skipIf(!hasChromium || !hasSharedMedia)("the editor's first hour in Chromium", () => {
  const shots = join(repoRoot, 'test', 'output', 'editor-first-hour');
  let dir: { path: string; remove: () => Promise<void> };
  let server: EditorServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = await makeTempDir();
    await mkdir(shots, { recursive: true });
    server = await servedEditor();
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dir?.remove();
  });

  const editor = <T,>(page: Page, read: (hooks: FirstHourHooks) => T) =>
    page.evaluate(`(${read.toString()})(window.vivifyEditor)`) as Promise<T>;
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name) });

  async function firstVisit(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}?provider=wasm`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: FirstHourHooks }).vivifyEditor?.layout() !== undefined, undefined, { timeout: 30_000 });
    expect(errors).toEqual([]);
    return page;
  }

  /** Whether every node is drawn wholly inside the canvas. */
  const allInView = (layout: ReturnType<FirstHourHooks['layout']>) =>
    Object.values(layout.nodes).every(({ box: [x, y, width, height] }) => x >= 0 && y >= 0 && x + width <= layout.width && y + height <= layout.height);

  it('opens the painting graph ready to run, every node in view, asking for a painting and a video; F fits it again; a favicon', async () => {
    const page = await firstVisit();
    const preset = JSON.parse(await readFile(join(repoRoot, 'presets/animate-painting.json'), 'utf8')) as GraphDocument;
    expect(await editor(page, (hooks) => hooks.document())).toEqual(preset);
    // Opening is not an edit: nothing to undo.
    expect(await editor(page, (hooks) => hooks.canUndo())).toBe(false);
    const layout = await editor(page, (hooks) => hooks.layout());
    expect(Object.keys(layout.nodes).sort()).toEqual(Object.keys(preset.nodes).sort());
    expect(allInView(layout)).toBe(true);
    const hint = (await page.textContent('[data-testid=start-hint]')) ?? '';
    expect(hint).toMatch(/A painting or portrait: choose a painting….*A video of someone talking: choose a driving video…/);
    expect(await page.isVisible('[data-testid=use-webcam]')).toBe(true);
    expect(await page.isDisabled('[data-testid=start-preview]')).toBe(true);
    await shot(page, '01-first-open.png');

    // Zoomed in, the output node leaves the view; F (the canvas has the keyboard) fits the graph again.
    const canvas = (await page.locator('[data-testid=graph-canvas]').boundingBox())!;
    await page.mouse.move(canvas.x + 100, canvas.y + 100);
    for (let step = 0; step < 6; step++) await page.mouse.wheel(0, -200);
    await expect.poll(async () => allInView(await editor(page, (hooks) => hooks.layout()))).toBe(false);
    await page.focus('[data-testid=graph-canvas]');
    await page.keyboard.press('f');
    expect(allInView(await editor(page, (hooks) => hooks.layout()))).toBe(true);
    expect(await page.getAttribute('[data-testid=fit]', 'title')).toMatch(/\(F or \.\)/);

    const icon = await page.getAttribute('link[rel=icon]', 'href');
    const served = await page.request.get(new URL(icon!, page.url()).href);
    expect([served.status(), served.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
    expect(await served.text()).toContain('<svg');
    await page.close();
  }, 120_000);

  it('drags a slider smoothly with the mouse, keeping its focus; arrow keys step it; a drag is one undo step', async () => {
    const page = await firstVisit();
    await page.evaluate(() => (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.select('f2f'));
    const slider = page.locator('[data-param=expression] input[type=range]');
    const expression = () => editor(page, (hooks) => hooks.param('f2f', 'expression') as number | undefined);
    const box = (await slider.boundingBox())!;
    // The thumb sits mid-track (1 of 0 to 2); press on it and drag right in small steps.
    const y = box.y + box.height / 2;
    let x = box.x + box.width / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    const seen: (number | undefined)[] = [];
    for (let step = 0; step < 10; step++) {
      x += 5;
      await page.mouse.move(x, y);
      seen.push(await expression());
      // The same element keeps the focus all along: it was not made anew by the edit.
      expect(await slider.evaluate((element) => element === document.activeElement)).toBe(true);
    }
    await page.mouse.up();
    await shot(page, '02-slider-dragged.png');
    const values = seen.filter((value): value is number => value !== undefined);
    // It moved with the pointer, step after step, not once.
    expect(new Set(values).size).toBeGreaterThanOrEqual(8);
    expect(values.every((value, index) => index === 0 || value > values[index - 1]!)).toBe(true);
    const dragged = values.at(-1)!;

    // A second later (a new undo step), the arrow keys step it, again and again, keeping the focus.
    await page.waitForTimeout(1_100);
    for (let press = 1; press <= 3; press++) {
      await page.keyboard.press('ArrowRight');
      expect(await expression()).toBeCloseTo(dragged + 0.02 * press, 5);
    }
    expect(await slider.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.click('text=Undo');
    expect(await expression()).toBe(dragged);
    await page.click('text=Undo');
    expect(await expression()).toBeUndefined();
    await page.close();
  }, 120_000);

  it('redraws the shown frame while a slider is dragged, the newest value winning rather than a redraw per step', async () => {
    const page = await firstVisit();
    // d18's mouth is wide open by frame 29, the frame shown when the preview ends (frame 0 is the painting itself).
    await chooseMedia(page, 's5', 'd18');
    await page.click('[data-testid=start-preview]');
    await page.waitForFunction(() => (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.frames() === 30 && document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 150_000 });
    const checksum = () => page.evaluate(() => Array.from((window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.frame(29)!.data).reduce((a, b) => (a * 31 + b) % 1_000_003, 0));
    const before = await checksum();
    await page.evaluate(() => (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.select('f2f'));
    const box = (await page.locator('[data-param=mouth] input[type=range]').boundingBox())!;
    const redrawsBefore = await editor(page, (hooks) => hooks.redraws());
    const y = box.y + box.height / 2;
    let x = box.x + box.width / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    const steps = 20;
    for (let step = 0; step < steps; step++) {
      x += 4;
      await page.mouse.move(x, y);
    }
    await page.mouse.up();
    const mouth = await editor(page, (hooks) => hooks.param('f2f', 'mouth') as number);
    expect(mouth).toBeGreaterThan(1.2);
    // Settled: the frame shown was made again, after the last step.
    await expect.poll(checksum, { timeout: 30_000 }).not.toBe(before);
    await page.waitForTimeout(1_500);
    const redraws = (await editor(page, (hooks) => hooks.redraws())) - redrawsBefore;
    console.log(`editor: a ${steps}-step slider drag made ${redraws} redraws`);
    expect(redraws).toBeGreaterThanOrEqual(1);
    expect(redraws).toBeLessThanOrEqual(steps);
    await shot(page, '03-drag-redrawn.png');

    // Steps faster than a redraw (twenty in one go) are not queued: one redraw, then one more of the last value.
    const dragged = await checksum();
    const burstFrom = await editor(page, (hooks) => hooks.redraws());
    await page.locator('[data-param=mouth] input[type=range]').evaluate((slider: HTMLInputElement) => {
      for (let step = 0; step < 20; step++) {
        slider.value = String(1.98 - step * 0.04);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    expect(await editor(page, (hooks) => hooks.param('f2f', 'mouth'))).toBeCloseTo(1.22, 5);
    await expect.poll(checksum, { timeout: 30_000 }).not.toBe(dragged);
    await page.waitForTimeout(1_500);
    expect((await editor(page, (hooks) => hooks.redraws())) - burstFrom).toBeLessThanOrEqual(2);
    await page.close();
  }, 240_000);

  it('names the chosen files in the toolbar and draws them on their nodes; a picture dropped on an empty editor starts a graph', async () => {
    const page = await firstVisit();
    await chooseMedia(page, 's9', 'd0');
    const toolbar = (await page.textContent('.toolbar .inputs')) ?? '';
    expect(toolbar).toContain('s9.jpg');
    expect(toolbar).toContain('d0.mp4');
    expect(toolbar).not.toContain('No file chosen');
    // The thumbnails are made in the background: wait until both are drawn.
    await page.waitForFunction(() => {
      const { nodes } = (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.layout();
      return nodes.paint?.picture !== undefined && nodes.drive?.picture !== undefined;
    }, undefined, { timeout: 30_000 });
    const { nodes } = await editor(page, (hooks) => hooks.layout());
    expect([nodes.paint!.file, nodes.drive!.file]).toEqual(['s9.jpg', 'd0.mp4']);
    const canvas = (await page.locator('[data-testid=graph-canvas]').boundingBox())!;
    for (const id of ['paint', 'drive']) {
      const [x, y, width, height] = nodes[id]!.picture!;
      // The Mona Lisa is about 40 pixels wide at the fitted scale: the picture's pixels, not a flat box.
      const pixels = await page.screenshot({ clip: { x: canvas.x + x + 1, y: canvas.y + y + 1, width: width - 2, height: height - 2 } });
      const stats = await sharp(pixels).stats();
      expect(Math.max(...stats.channels.slice(0, 3).map((channel) => channel.stdev))).toBeGreaterThan(20);
    }
    expect(await page.locator('[data-testid=start-hint] li.done').count()).toBe(2);
    expect(await page.isEnabled('[data-testid=start-preview]')).toBe(true);
    await shot(page, '04-files-chosen.png');

    // An empty graph, then a picture dropped anywhere: it becomes the painting node, named as the graph's source.
    const empty = join(dir.path, 'empty.json');
    await writeFile(empty, JSON.stringify({ format: 'vivify.graph', version: 1, meta: {}, nodes: {}, edges: [], inputs: {}, models: [] }));
    await page.setInputFiles('[data-testid=open-graph]', empty);
    await page.waitForFunction(() => Object.keys((window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.document().nodes).length === 0);
    const bytes = (await readFile(sharedMedia('source/s5.jpg'))).toString('base64');
    const transfer = await page.evaluateHandle((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 's5.jpg', { type: 'image/jpeg' }));
      return transfer;
    }, bytes);
    await page.dispatchEvent('[data-testid=graph-canvas]', 'drop', { dataTransfer: transfer });
    const document = await editor(page, (hooks) => hooks.document());
    expect([document.nodes.paint?.type, document.nodes.paint?.params.path, document.inputs]).toEqual(['source-image', 's5.jpg', { source: 'paint.path' }]);
    expect(await page.textContent('.toolbar .inputs')).toContain('s5.jpg');
    await page.waitForFunction(() => (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.layout().nodes.paint?.picture !== undefined, undefined, { timeout: 30_000 });
    await shot(page, '05-dropped-on-empty.png');
    await page.close();
  }, 120_000);

  it('a broken graph file opens nothing: the graph and its undo stay, and one message names the file and the problem until the next action', async () => {
    const page = await firstVisit();
    await page.evaluate(() => (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.select('f2f'));
    await page.fill('[data-param=eyes] input[type=number]', '1.5');
    await page.dispatchEvent('[data-param=eyes] input[type=number]', 'change');
    const before = await editor(page, (hooks) => hooks.document());
    const broken = join(dir.path, 'half-saved.json');
    await writeFile(broken, (await readFile(join(repoRoot, 'presets/animate-painting.json'), 'utf8')).slice(0, 300));
    await page.setInputFiles('[data-testid=open-graph]', broken);
    await page.waitForFunction(() => (document.querySelector('[data-testid=status-message]')?.textContent ?? '') !== '');
    const message = await page.textContent('[data-testid=status-message]');
    expect(message).toMatch(/^half-saved\.json was not opened: not valid JSON: .* at line \d+, column \d+; the graph shown is unchanged$/);
    expect(await editor(page, (hooks) => hooks.document())).toEqual(before);
    expect(await editor(page, (hooks) => hooks.canUndo())).toBe(true);
    await shot(page, '06-broken-file.png');
    // The message stays until the next action; Undo (that action) still undoes the edit made before.
    await page.waitForTimeout(500);
    expect(await page.textContent('[data-testid=status-message]')).toBe(message);
    await page.click('text=Undo');
    expect(await editor(page, (hooks) => hooks.param('f2f', 'eyes'))).toBeUndefined();
    expect(await page.textContent('[data-testid=status-message]')).toBe('');
    await page.close();
  }, 120_000);

  it('adds palette nodes at free places near the middle of the view, none on another', async () => {
    const page = await firstVisit();
    for (const type of ['blend', 'blend', 'landmark-overlay', 'blend', 'landmark-overlay', 'face-landmarks']) await page.click(`[data-testid=palette] button[data-type=${type}]`);
    const { nodes, width, height } = await editor(page, (hooks) => hooks.layout());
    const added = ['blend2', 'blend3', 'blend4', 'landmarkOverlay', 'landmarkOverlay2', 'faceLandmarks'];
    expect(Object.keys(nodes)).toEqual(expect.arrayContaining(added));
    const overlap = (a: number[], b: number[]) => a[0]! < b[0]! + b[2]! && b[0]! < a[0]! + a[2]! && a[1]! < b[1]! + b[3]! && b[1]! < a[1]! + a[3]!;
    for (const id of added) {
      for (const [other, { box }] of Object.entries(nodes)) if (other !== id) expect(overlap(nodes[id]!.box, box), `${id} on ${other}`).toBe(false);
      // Near the middle: within the view.
      const [x, y, w, h] = nodes[id]!.box;
      expect(x >= 0 && y >= 0 && x + w <= width && y + h <= height, `${id} in view`).toBe(true);
    }
    await shot(page, '07-palette-nodes.png');
    await page.close();
  }, 120_000);

  // The steps above one by one, as one user's sitting: what each leaves behind is what the next one meets.
  it('walks the first hour in one sitting: open, s9 and d20, preview, drag, export 50 frames, a broken file, a missing model', async () => {
    const page = await firstVisit();
    const walk = (name: string) => shot(page, `walk-${name}.png`);
    const hooks = <T,>(read: (hooks: FirstHourHooks & { previewing(): boolean }) => T) => editor(page, read as (hooks: FirstHourHooks) => T);
    expect((await hooks((h) => h.document())).meta.title).toBe('Animate a painting');
    expect(await page.isDisabled('[data-testid=start-preview]')).toBe(true);
    await walk('01-open');

    await chooseMedia(page, 's9', 'd20');
    await page.waitForFunction(() => {
      const { nodes } = (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.layout();
      return nodes.paint?.picture !== undefined && nodes.drive?.picture !== undefined;
    }, undefined, { timeout: 30_000 });
    expect(await page.textContent('.toolbar .inputs')).toMatch(/s9\.jpg[\s\S]*d20\.mp4/);
    await walk('02-files-chosen');

    // All of d20 (175 frames; it has no 300, which the preview test above runs on d3), long tasks watched.
    await page.fill('[data-testid=frame-count]', '175');
    await page.dispatchEvent('[data-testid=frame-count]', 'change');
    await watchLongTasks(page);
    const started = Date.now();
    await page.click('[data-testid=start-preview]');
    await page.waitForFunction(() => (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.frames() === 175 && document.querySelector('[data-testid=preview]')?.textContent === 'Preview', undefined, { timeout: 300_000 });
    const longTasks = await longTasksSeen(page);
    console.log(`editor walk: 175 frames previewed in ${((Date.now() - started) / 1000).toFixed(1)} s; long tasks over 100 ms: ${longTasks.filter((ms) => ms > 100).length}, worst ${Math.round(Math.max(0, ...longTasks))} ms`);
    // No freeze like the old ones (1 to 7 s); the preview test above holds the tighter bound, and none over 100 ms is
    // the aim at rest (here 176 and 427 ms worst while other work crowded the two cores).
    expect(Math.max(0, ...longTasks)).toBeLessThan(1_000);
    expect(await page.textContent('[data-testid=status]')).toContain('previewed 175 frames');
    await walk('03-previewed');

    // The mouth slider, dragged: the value follows the pointer and the shown frame is made again with it.
    await page.evaluate(() => (window as unknown as { vivifyEditor: FirstHourHooks }).vivifyEditor.select('f2f'));
    const box = (await page.locator('[data-param=mouth] input[type=range]').boundingBox())!;
    const redrawsBefore = await hooks((h) => h.redraws());
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++) await page.mouse.move(box.x + box.width / 2 + 6 * step, box.y + box.height / 2);
    await page.mouse.up();
    expect(await hooks((h) => h.param('f2f', 'mouth') as number)).toBeGreaterThan(1.2);
    await expect.poll(() => hooks((h) => h.redraws()), { timeout: 30_000 }).toBeGreaterThan(redrawsBefore);
    console.log(`editor walk: a redraw after the drag took ${Math.round((await hooks((h) => h.refreshMs())) ?? Number.NaN)} ms`);
    await walk('04-slider-dragged');

    // Export the first 50 frames: an MP4 of 50 frames at the painting's size, with d20's voice.
    await page.fill('[data-testid=frame-count]', '50');
    await page.dispatchEvent('[data-testid=frame-count]', 'change');
    await page.check('[data-testid=export-range]');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 240_000 }), page.click('[data-testid=export]')]);
    const exported = join(dir.path, 'walk.mp4');
    await download.saveAs(exported);
    expect(await probeFile(exported)).toMatchObject({ videoFrames: 50, audio: true, width: 720, height: 1280 });
    await walk('05-exported');

    // A half-saved graph file: nothing opens, the graph stays, one message says why.
    const before = await hooks((h) => h.document());
    const broken = join(dir.path, 'walk-broken.json');
    await writeFile(broken, '{"format": "vivify.graph", "nodes": {');
    await page.setInputFiles('[data-testid=open-graph]', broken);
    await page.waitForFunction(() => (document.querySelector('[data-testid=status-message]')?.textContent ?? '').includes('walk-broken.json'));
    expect(await page.textContent('[data-testid=status-message]')).toMatch(/^walk-broken\.json was not opened: not valid JSON/);
    expect(await hooks((h) => h.document())).toEqual(before);
    expect(await hooks((h) => h.canUndo())).toBe(true);
    await walk('06-broken-file');

    // A preset whose model this machine lacks (an empty store): marked on its node with the way to get it.
    const store = await makeTempDir();
    const previousStore = process.env.VIVIFY_MODELS_DIR;
    process.env.VIVIFY_MODELS_DIR = store.path;
    try {
      await page.selectOption('[data-testid=presets]', 'deepfakes-swap');
      await page.waitForFunction(() => (window as unknown as { vivifyEditor: { modelBadges(): Record<string, unknown> } }).vivifyEditor.modelBadges().swap !== undefined, undefined, { timeout: 30_000 });
      const marks = await page.evaluate(() => (window as unknown as { vivifyEditor: { modelBadges(): Record<string, { text: string }> } }).vivifyEditor.modelBadges());
      expect(marks.swap?.text).toBe('model missing: vivify train deepfakes');
      // The viewer is empty for the new graph, and says nothing of the last one's frames.
      expect(await hooks((h) => h.frames())).toBe(0);
      expect((await page.textContent('[data-testid=frame-label]'))?.trim()).toBe('');
      await walk('07-missing-model');
      // The preset was picked over the walk's graph: Undo brings that graph back, its files and the dragged slider too.
      await page.click('text=Undo');
      const back = await hooks((h) => h.document());
      expect([back.meta.title, back.nodes.paint?.params.path, back.nodes.drive?.params.path, (back.nodes.f2f?.params.mouth as number) > 1.2]).toEqual(['Animate a painting', 's9.jpg', 'd20.mp4', true]);
    } finally {
      if (previousStore === undefined) delete process.env.VIVIFY_MODELS_DIR;
      else process.env.VIVIFY_MODELS_DIR = previousStore;
      await store.remove();
    }
    await page.close();
  }, 900_000);
});

// A missing model is marked on its node as soon as its graph opens, with the remedy the CLI gives.
describe.skipIf(!hasChromium)('missing models in Chromium', () => {
  let store: { path: string; remove: () => Promise<void> };
  let server: EditorServer;
  let browser: Browser;
  const previousStore = process.env.VIVIFY_MODELS_DIR;

  beforeAll(async () => {
    store = await makeTempDir();
    // The server reads the store where the CLI does, on each request: an empty one of this test's own.
    process.env.VIVIFY_MODELS_DIR = store.path;
    server = await servedEditor();
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.remove();
    if (previousStore === undefined) delete process.env.VIVIFY_MODELS_DIR;
    else process.env.VIVIFY_MODELS_DIR = previousStore;
  });

  it.each([
    { method: 'DeepFakes', preset: 'deepfakes-swap', node: 'swap', train: 'vivify train deepfakes', command: 'vivify train deepfakes --a <faces> --b <faces> --out <dir> --name deepfakes', shot: 'editor-missing-model.png' },
    { method: 'pix2pix-face', preset: 'pix2pix-face', node: 'face', train: 'vivify train pix2pix', command: 'vivify train pix2pix <target video> --out <dir> --name pix2pix', shot: 'editor-missing-model-pix2pix.png' },
  ])('marks the $method node of its preset with the train command, not a pull', async ({ preset, node, train, command, shot }) => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?provider=wasm`);
    await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined, undefined, { timeout: 30_000 });
    await page.selectOption('[data-testid=presets]', preset);
    type Badges = Record<string, { text: string; tone: string; detail: string }>;
    const badges = () => page.evaluate(() => (window as unknown as { vivifyEditor: { modelBadges(): Badges } }).vivifyEditor.modelBadges());
    await page.waitForFunction((id) => (window as unknown as { vivifyEditor: { modelBadges(): Badges } }).vivifyEditor.modelBadges()[id] !== undefined, node, { timeout: 30_000 });
    const marks = await badges();
    expect(Object.keys(marks)).toEqual([node]);
    expect(marks[node]).toMatchObject({ text: `model missing: ${train}`, tone: 'error' });
    expect(marks[node]!.detail).toContain(command);
    expect(marks[node]!.detail).not.toContain('models pull');
    // What the canvas draws: the mark above the node's title (for people to look at).
    await page.waitForTimeout(300);
    await mkdir(join(repoRoot, 'test', 'output'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test', 'output', shot) });
    await page.close();
  }, 120_000);
  it.skipIf(torchMissing !== undefined)("takes the authors' generator checkpoint dropped on the pix2pix-face graph into the store, as models import does; the mark clears", async () => {
    const work = await makeTempDir();
    try {
      saveAuthorsCheckpoints(work.path);
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${server.url}?provider=wasm`);
      await page.waitForFunction(() => (window as unknown as { vivifyEditor?: unknown }).vivifyEditor !== undefined, undefined, { timeout: 30_000 });
      await page.selectOption('[data-testid=presets]', 'pix2pix-face');
      type Badges = Record<string, { text: string }>;
      await page.waitForFunction(() => (window as unknown as { vivifyEditor: { modelBadges(): Badges } }).vivifyEditor.modelBadges().face !== undefined, undefined, { timeout: 30_000 });
      const bytes = (await readFile(join(work.path, 'latest_net_G.pth'))).toString('base64');
      const transfer = await page.evaluateHandle((data) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'latest_net_G.pth'));
        return transfer;
      }, bytes);
      // Dropped on the graph, not on a node: the one node that lacks its model takes it.
      await page.dispatchEvent('[data-testid=graph-canvas]', 'drop', { dataTransfer: transfer });
      const cleared = page.waitForFunction(() => (window as unknown as { vivifyEditor: { modelBadges(): Badges } }).vivifyEditor.modelBadges().face === undefined, undefined, { timeout: 90_000 });
      await cleared.catch(async (error: unknown) => {
        throw new Error(`the mark stayed; the status line says: ${await page.textContent("[data-testid=status-message]")}`, { cause: error });
      });
      expect(await page.textContent('[data-testid=status-message]')).toContain('"pix2pix-latest_net_g" is installed in');
      const listed = await runCli(['models', 'verify', 'pix2pix-latest_net_g'], { env: { ...process.env, VIVIFY_MODELS_DIR: store.path } });
      expect(listed.code, listed.stderr).toBe(0);
      await page.close();
    } finally {
      await work.remove();
    }
  }, 150_000);
});
