import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFaceLandmarkerBundle } from '../../models/face-landmarker/build-bundle.ts';
import { createNodeHost } from '../../runtime/node/node-host.ts';
import { hasSharedMedia, makeTempDir, repoRoot, sharedMedia } from '../../support/cli.ts';
import { hasChromium, launchChromium } from '../../support/chromium.ts';

// Needs Debian's chromium (installed by .ci/run) and the shared paintings.
describe.skipIf(!hasChromium || !hasSharedMedia)('landmarks in the browser host', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let server: ViteDevServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = await makeTempDir();
    await writeFile(join(dir.path, 'face_landmarker.task'), (await buildFaceLandmarkerBundle()).bytes);
    server = await createServer({
      configFile: false,
      root: join(repoRoot, 'test', 'browser', 'pages'),
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1', fs: { allow: [repoRoot, dir.path] } },
    });
    await server.listen();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dir?.remove();
  });

  it('finds the same 478 landmarks as Node on the same pixels (within 0.5 px)', async () => {
    const host = createNodeHost();
    const image = await host.readImage(sharedMedia('source/s10.jpg'));
    const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    const [nodeFace] = await detector.detect(image, 0);
    detector.close();
    const pixels = join(dir.path, 's10.rgba');
    await writeFile(pixels, image.data);

    const page = await browser.newPage();
    const address = server.resolvedUrls!.local[0]!;
    await page.goto(`${address}landmarks.html`);
    await page.waitForFunction(() => document.title === 'ready');
    const fs = (path: string) => `/@fs${path}`;
    const browserPoints = await page.evaluate(
      ([pixelsUrl, width, height, wasm, bundle]) =>
        (window as unknown as { detect: (...args: unknown[]) => Promise<number[]> }).detect(pixelsUrl, width, height, wasm, bundle),
      [fs(pixels), image.width, image.height, fs(join(repoRoot, 'node_modules/@mediapipe/tasks-vision/wasm')), fs(join(dir.path, 'face_landmarker.task'))] as const,
    );
    expect(browserPoints).toHaveLength(478 * 3);
    let largest = 0;
    for (let i = 0; i < 478; i++) {
      largest = Math.max(largest, Math.abs(browserPoints[i * 3]! - nodeFace!.points[i * 3]!), Math.abs(browserPoints[i * 3 + 1]! - nodeFace!.points[i * 3 + 1]!));
    }
    expect(largest).toBeLessThan(0.5);
  }, 120_000);
});
