import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, makeClip, makeTempDir, runCli } from '../support/cli.ts';

/** Each broken input must give one line naming the file and what is wrong, a non-zero exit and no output at all. */
let dir: { path: string; remove: () => Promise<void> };
let clip: string;
let paintingGraph: string;
const preset = join(process.cwd(), 'presets', 'passthrough.json');

beforeAll(async () => {
  dir = await makeTempDir();
  clip = await makeClip(join(dir.path, 'clip.mp4'), { frames: 24, faststart: true });
  // A graph with a painting, so a broken image can be given (a painting must feed the output, or it is not read).
  paintingGraph = join(process.cwd(), 'presets', 'animate-painting.json');
});
afterAll(() => dir.remove());

async function expectCleanFailure(args: string[], output: string, message: RegExp, code: number) {
  const before = await listFiles(dir.path);
  const result = await runCli(args, { cwd: dir.path });
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  // Nothing at the output path and no temporary file left behind.
  expect(await listFiles(dir.path)).toEqual(before.filter((name) => name !== output));
}

describe('broken inputs', () => {
  it('a missing driving video', async () => {
    await expectCleanFailure(['render', preset, '--driving', 'none.mp4', '-o', 'a.mp4'], 'a.mp4', /^vivify: none\.mp4: no such file\n$/, 2);
  });

  it('a truncated MP4, whether its index is lost or its frames end early', async () => {
    const whole = await readFile(clip);
    await writeFile(join(dir.path, 'cut-early.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
    await expectCleanFailure(
      ['render', preset, '--driving', 'cut-early.mp4', '-o', 'b.mp4'],
      'b.mp4',
      /^vivify: node "drive" \(driving-video\) failed at frame \d+: cut-early\.mp4: ends early: decoded \d+ of 24 frames \(the file looks truncated or damaged.*\)\n$/,
      1,
    );
    const noIndex = await makeClip(join(dir.path, 'index-last.mp4'), { frames: 24 });
    const bytes = await readFile(noIndex);
    await writeFile(join(dir.path, 'cut-index.mp4'), bytes.subarray(0, bytes.length - 200));
    await expectCleanFailure(
      ['render', preset, '--driving', 'cut-index.mp4', '-o', 'b.mp4'],
      'b.mp4',
      /^vivify: cut-index\.mp4: not a readable video \((moov atom not found|End of file); the file looks truncated\)\n$/,
      2,
    );
  });

  it('a text file renamed .mp4', async () => {
    await writeFile(join(dir.path, 'notes.mp4'), 'these are my notes, not a video\n');
    await expectCleanFailure(
      ['render', preset, '--driving', 'notes.mp4', '-o', 'c.mp4'],
      'c.mp4',
      /^vivify: notes\.mp4: not a readable video \(Invalid data found when processing input\)\n$/,
      2,
    );
  });

  it('an image that is not an image', async () => {
    await writeFile(join(dir.path, 'painting.jpg'), 'not a jpeg at all');
    await expectCleanFailure(
      ['render', paintingGraph, '--source', 'painting.jpg', '--driving', 'clip.mp4', '-o', 'd.mp4'],
      'd.mp4',
      /^vivify: painting\.jpg: not a readable image \(.*unsupported image format.*\)\n$/,
      2,
    );
  });

  it('a graph that is not JSON', async () => {
    await writeFile(join(dir.path, 'graph.json'), '{"format": "vivify.graph", "nodes": {');
    const result = await runCli(['render', 'graph.json', '--driving', 'clip.mp4', '-o', 'e.mp4'], { cwd: dir.path });
    expect(result.stderr).toMatch(/^vivify: graph\.json: 1 problem:\n {2}not valid JSON: .* at line 1, column \d+\n$/);
    expect(result.code).toBe(2);
    expect(await listFiles(dir.path)).not.toContain('e.mp4');
  });

  it('an output folder that does not exist', async () => {
    await expectCleanFailure(
      ['render', preset, '--driving', 'clip.mp4', '-o', 'missing/f.mp4'],
      'missing',
      /^vivify: missing\/f\.mp4: the folder missing does not exist\n$/,
      2,
    );
  });

  it('an output that exists, without --force', async () => {
    await writeFile(join(dir.path, 'g.mp4'), 'keep me');
    const result = await runCli(['render', preset, '--driving', 'clip.mp4', '-o', 'g.mp4'], { cwd: dir.path });
    expect(result.stderr).toBe('vivify: g.mp4: already exists; pass --force to replace it\n');
    expect(result.code).toBe(2);
    expect(await readFile(join(dir.path, 'g.mp4'), 'utf8')).toBe('keep me');
  });

  it('a graph file that does not exist, and a bad option', async () => {
    const missing = await runCli(['render', 'nowhere.json', '-o', 'h.mp4'], { cwd: dir.path });
    expect(missing).toMatchObject({ code: 2, stderr: 'vivify: nowhere.json: no such file\n' });
    const badRange = await runCli(['render', preset, '--driving', 'clip.mp4', '-o', 'h.mp4', '--frames', '9:3'], {
      cwd: dir.path,
    });
    expect(badRange).toMatchObject({ code: 2, stderr: 'vivify: --frames 9:3: the end must come after the start\n' });
    const badProvider = await runCli(['render', 'x.json', '--provider', 'tpu'], { cwd: dir.path });
    expect(badProvider.code).toBe(2);
    expect(badProvider.stderr).toMatch(/option '--provider <name>' argument 'tpu' is invalid/);
  });

  it('prints the stack only with --debug', async () => {
    const plain = await runCli(['render', 'nowhere.json', '-o', 'h.mp4'], { cwd: dir.path });
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await runCli(['render', 'nowhere.json', '-o', 'h.mp4', '--debug'], { cwd: dir.path });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
