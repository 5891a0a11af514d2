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

interface EditorHooks {
  document(): GraphDocument;
  problems(): { path: string; message: string }[];
  frames(): number;
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
    await page.setInputFiles('input[data-input=source]', sharedMedia('source/s9.jpg'));
    await page.setInputFiles('input[data-input=driving]', sharedMedia('driving/d18.mp4'));
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
    await page.setInputFiles('input[data-input=source]', sharedMedia('source/s9.jpg'));
    await page.setInputFiles('input[data-input=driving]', sharedMedia('driving/d18.mp4'));
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
    const frame20 = async (video: string, name: string) => {
      const png = join(dir.path, name);
      await promisify(execFile)('ffmpeg', ['-v', 'error', '-i', video, '-vf', 'select=eq(n\\,20)', '-frames:v', '1', png]);
      return png;
    };
    // The two hosts decode s9.jpg's embedded Apple ICC profile differently (Chromium converts it, sharp does not: blue
    // differs by about 3 levels everywhere), which alone holds the frames to about 35.5 dB apart from the face.
    expect(await psnr(await frame20(exported, 'editor-20.png'), await frame20(cli, 'cli-20.png'))).toBeGreaterThanOrEqual(34);
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
      await page.setInputFiles('input[data-input=source]', sharedMedia('source/s9.jpg'));
      await page.setInputFiles('input[data-input=driving]', sharedMedia('driving/d20.mp4'));
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
    await page.setInputFiles('input[data-input=source]', sharedMedia('source/s5.jpg'));
    await page.setInputFiles('input[data-input=driving]', sharedMedia('driving/d0.mp4'));
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
