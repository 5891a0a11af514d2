import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { listFiles, makeTempDir, runCli, spawnCli, startedEditor } from '../support/cli.ts';

describe('vivify editor', () => {
  it('builds the editor where needed, serves it on the asked-for port, opens nothing, and stops on Ctrl-C', async () => {
    const child = spawnCli(['editor', '--port', '0']);
    const editor = startedEditor(child);
    const address = await editor.address;
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(address);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Vivify editor</title>');
    // The landmarker bundle and MediaPipe's wasm are served beside it: nothing comes from a CDN.
    const bundle = await fetch(new URL('vendor/face_landmarker.task', address));
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    expect((await fetch(new URL('vendor/mediapipe/vision_wasm_internal.wasm', address))).status).toBe(200);
    child.kill('SIGINT');
    expect(await editor.exited).toBe(0);
    expect(editor.stderr()).not.toMatch(/error/i);
  }, 120_000);

  it('refuses a port that is taken, in one sentence, exit 2', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await runCli(['editor', '--port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`vivify: --port ${port}: already in use on 127.0.0.1; choose another, or 0 for a free one\n`);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 120_000);

  it('refuses a port that is not a number', async () => {
    const result = await runCli(['editor', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('vivify: --port eighty: expected a port number from 0 to 65535\n');
  });
});

describe('presets', () => {
  it('the webcam preset is valid, and the command line says it needs the editor', async () => {
    expect((await runCli(['validate', 'presets/animate-painting-webcam.json'])).code).toBe(0);
    const dir = await makeTempDir();
    try {
      const graph = {
        format: 'vivify.graph',
        version: 1,
        nodes: { cam: { type: 'webcam', typeVersion: 1, params: {} }, out: { type: 'video-output', typeVersion: 1, params: {} } },
        edges: [{ from: ['cam', 'frames'], to: ['out', 'frames'] }],
        inputs: { output: 'out.path' },
      };
      await writeFile(join(dir.path, 'camera.json'), JSON.stringify(graph));
      const result = await runCli(['render', join(dir.path, 'camera.json'), '-o', join(dir.path, 'camera.mp4')]);
      expect(result.stderr).toBe('vivify: node "cam": the webcam node runs in the editor, where the browser has a camera; here, use a driving video\n');
      expect(result.code).toBe(2);
      expect(await listFiles(dir.path)).toEqual(['camera.json']);
    } finally {
      await dir.remove();
    }
  });
});
