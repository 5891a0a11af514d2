import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, makeClip, makeTempDir, watchedCli } from '../support/cli.ts';

let dir: { path: string; remove: () => Promise<void> };
let clip: string;

beforeAll(async () => {
  dir = await makeTempDir();
  // Long enough (at the slowest preset) that the render is still going when the signal comes.
  clip = await makeClip(join(dir.path, 'long.mp4'), { frames: 1200, width: 320, height: 240 });
});
afterAll(() => dir.remove());

describe('cancelling a render', () => {
  it('stops within a second of Ctrl-C and leaves no partial output', async () => {
    const { child, stderr, exited } = watchedCli(['render', 'presets/passthrough.json', '--driving', clip, '-o', join(dir.path, 'out.mp4'), '--json', '--set', 'out.preset=veryslow']);
    // Wait until frames are flowing and the encoder has started writing its temporary file.
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (/"type":"progress","pass":"render","frame":([2-9]\d|\d{3,})/.test(chunk.toString())) resolve();
      });
    });
    expect((await listFiles(dir.path)).some((name) => name.includes('vivify-tmp'))).toBe(true);
    const signalled = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(performance.now() - signalled).toBeLessThan(1000);
    expect(code).toBe(130);
    expect(stderr()).toBe('vivify: cancelled; nothing was written\n');
    expect(await listFiles(dir.path)).toEqual(['long.mp4']);
  });
});

describe('cancelling an extract', () => {
  it('stops on Ctrl-C with exit 130, as a render does, and removes the folders it made', async () => {
    const out = join(dir.path, 'faces');
    const { child, stderr, exited } = watchedCli(['extract', clip, '--out', out, '--json']);
    // The folder appears once the inputs are checked; a moment later the video is being tracked.
    while (!(await listFiles(dir.path)).includes('faces')) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const signalled = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(performance.now() - signalled).toBeLessThan(1000);
    expect(code).toBe(130);
    expect(stderr()).toBe('vivify: cancelled; nothing was written\n');
    expect(await listFiles(dir.path)).toEqual(['long.mp4']);
  });
});
