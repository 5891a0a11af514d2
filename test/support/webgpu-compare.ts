import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { createServer } from 'vite';
import { expect } from 'vitest';
import { editorAssetsPlugin } from '../../editor/server/vite-assets-plugin.ts';
import { launchChromium } from '../../support/chromium.ts';
import { repoRoot } from '../../support/cli.ts';
import { type SeededInputs, seededInputs } from './warping-standin.ts';

/**
 * What the WebGPU browser tests share: Chromium's flags for SwiftShader, its software WebGPU adapter (slow, but the
 * same provider code and placement decisions as on a real GPU), and the CPU run each page's output is held to.
 */
export const webgpuFlags = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/** What the page's runOpened gives back: the provider used, its times, and the output as float32 in base64. */
export interface RunResult {
  provider: string;
  openMs: number;
  runMs: number[];
  output: string;
}

/** onnxruntime-node on the CPU, on the model as stored (a path or its bytes): the reference. */
export async function cpuReference(model: string | Uint8Array, inputs: SeededInputs): Promise<Float32Array> {
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, { executionProviders: ['cpu'] }) : await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const feeds = Object.fromEntries(Object.entries(seededInputs(inputs)).map(([name, tensor]) => [name, new ort.Tensor('float32', tensor.data, tensor.dims)]));
  const output = Object.values(await session.run(feeds))[0]!.data as Float32Array;
  await session.release();
  return output;
}

/** The largest difference between the page's output (float32, base64) and the reference. */
export function maxDifference(base64: string, reference: Float32Array): number {
  const bytes = Buffer.from(base64, 'base64');
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  expect(values.length).toBe(reference.length);
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]! - reference[i]!));
  return largest;
}

/** test/browser/pages/onnx-webgpu.html in Chromium on SwiftShader's WebGPU, served with the editor's own plugin. */
export interface OnnxPageSession {
  page: Page;
  /** The server's address, ending in "/". */
  address: string;
  /** Everything the page logged (console), for the tests' placement checks. */
  log: string[];
  close(): Promise<void>;
}

/**
 * Serves the test pages with the editor's asset plugin (vendor files, onnxruntime-web, the /models/ store read from
 * `store`, set as VIVIFY_MODELS_DIR until `close`) and opens onnx-webgpu.html once it says it is ready.
 */
export async function openOnnxPage(store: string): Promise<OnnxPageSession> {
  const previousStore = process.env.VIVIFY_MODELS_DIR;
  process.env.VIVIFY_MODELS_DIR = store;
  const server = await createServer({
    configFile: false,
    root: join(repoRoot, 'test', 'browser', 'pages'),
    logLevel: 'silent',
    plugins: [editorAssetsPlugin()],
    optimizeDeps: { entries: ['onnx-webgpu.html'] },
    server: { port: 0, host: '127.0.0.1', fs: { allow: [repoRoot] } },
  });
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const close = async () => {
    await browser?.close();
    await server.close();
    if (previousStore === undefined) delete process.env.VIVIFY_MODELS_DIR;
    else process.env.VIVIFY_MODELS_DIR = previousStore;
  };
  try {
    await server.listen();
    const address = server.resolvedUrls!.local[0]!;
    browser = await launchChromium(webgpuFlags);
    const page = await browser.newPage();
    const log: string[] = [];
    page.on('console', (message) => log.push(message.text()));
    await page.goto(`${address}onnx-webgpu.html`);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
    return { page, address, log, close };
  } catch (error) {
    await close();
    throw error;
  }
}
