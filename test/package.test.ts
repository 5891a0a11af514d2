import { execFile, spawn } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { copyFile, mkdir, readFile, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedMedia, makeTempDir, repoRoot, sharedMedia, startedEditor } from '../support/cli.ts';

const exec = promisify(execFile);

/*
 * What `npm pack` makes, installed as a user gets it: the package's files only (compiled JavaScript, the built editor,
 * the presets), beside its production dependencies only. The dependencies are linked from this checkout rather than
 * downloaded, so no devDependency (tsx, vite, TypeScript) can be reached from the package's own code: a command that
 * needs one fails here.
 */
describe('the npm package', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let vivify: string;
  let files: string[] = [];

  beforeAll(async () => {
    dir = await makeTempDir();
    // Packed from a copy of the working tree, so the build (prepack: dist/ and editor/dist/) never replaces the
    // checkout's own editor build while other tests serve it.
    const checkout = join(dir.path, 'checkout');
    await mkdir(checkout);
    const { stdout: listed } = await exec('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    // Plain files only: a node_modules that is a link (which git lists as a file) is linked anew below.
    const tracked = listed.split('\n').filter((path) => path && existsSync(join(repoRoot, path)) && lstatSync(join(repoRoot, path)).isFile());
    await Promise.all(tracked.map(async (path) => {
      await mkdir(dirname(join(checkout, path)), { recursive: true });
      await copyFile(join(repoRoot, path), join(checkout, path));
    }));
    await symlink(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', dir.path], { cwd: checkout, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    files = packed!.files.map((file) => file.path);
    await exec('tar', ['-xzf', join(dir.path, packed!.filename), '-C', dir.path]);
    const installed = join(dir.path, 'package');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) {
      await mkdir(join(installed, 'node_modules', name, '..'), { recursive: true });
      await symlink(join(repoRoot, 'node_modules', name), join(installed, 'node_modules', name), 'dir');
    }
    vivify = join(installed, 'bin', 'vivify.js');
  }, 300_000);
  afterAll(() => dir?.remove());

  it('ships compiled JavaScript, the built editor and the presets, and no TypeScript source', () => {
    expect(files).toContain('bin/vivify.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/runtime/node/mediapipe/face-detector-worker-entry.mjs');
    expect(files).toContain('dist/models/train/deepfakes.py');
    expect(files).toContain('editor/dist/index.html');
    expect(files).toContain('presets/animate-painting.json');
    expect(files.filter((path) => /\.tsx?$/.test(path))).toEqual([]);
  });

  it('answers --version without tsx', async () => {
    const { stdout } = await exec(process.execPath, [vivify, '--version']);
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(stdout.trim()).toBe(version);
  });

  it.skipIf(!hasSharedMedia)('renders a painting with a driving video, the landmarker running in its worker', async () => {
    const output = join(dir.path, 'out.mp4');
    const args = ['render', join(dir.path, 'package', 'presets', 'animate-painting.json'), '--source', sharedMedia('source/s9.jpg')];
    args.push('--driving', sharedMedia('driving/d20.mp4'), '-o', output, '--frames', '0:8');
    const { stderr } = await exec(process.execPath, [vivify, ...args]);
    expect(stderr).not.toMatch(/error/i);
    const { stdout } = await exec('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,nb_read_frames', '-of', 'csv=p=0', output]);
    expect(stdout).toContain('video,8');
    expect(stdout).toContain('audio');
  }, 120_000);

  it('serves the editor without vite', async () => {
    const child = spawn(process.execPath, [vivify, 'editor', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const editor = startedEditor(child);
    const address = await editor.address;
    const page = await fetch(address);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Vivify editor</title>');
    expect((await fetch(new URL('vendor/face_landmarker.task', address))).status).toBe(200);
    child.kill('SIGINT');
    expect(await editor.exited).toBe(0);
    expect(editor.stderr()).toBe('');
  }, 60_000);
});
