import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedMedia, listFiles, makeClip, makeTempDir, probeFile, repoRoot, runCli, sharedMedia, watchedCli } from '../support/cli.ts';

/*
 * What a careless or hostile user does to `vivify render`, each as it was found (issue 16): every answer is one
 * sentence and exit 2 before any work, nothing written where it was not asked, no input destroyed, nothing left over.
 */
let dir: { path: string; remove: () => Promise<void> };
let clip: string;
let clipBytes: Buffer;

beforeAll(async () => {
  dir = await makeTempDir();
  // Readable by the unprivileged user of the unwritable-folder test.
  await chmod(dir.path, 0o755);
  clip = await makeClip(join(dir.path, 'drive.mp4'), { frames: 12, audio: true });
  clipBytes = await readFile(clip);
});
afterAll(() => dir.remove());

const passthrough = join(repoRoot, 'presets', 'passthrough.json');

describe('outputs never replace inputs', () => {
  it('refuses -o naming the driving video, even with --force, and leaves it whole', async () => {
    const result = await runCli(['render', passthrough, '--driving', clip, '-o', clip, '--force']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${clip}: is the input drive.path (${clip}); an output never replaces an input, so choose another name\n`);
    expect(await readFile(clip)).toEqual(clipBytes);
  });

  it('sees through a link and a roundabout path', async () => {
    const link = join(dir.path, 'link.mp4');
    await symlink(clip, link);
    const viaLink = await runCli(['render', passthrough, '--driving', clip, '-o', link, '--force']);
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toMatch(/an output never replaces an input/);
    const roundabout = await runCli(['render', passthrough, '--driving', clip, '-o', join(dir.path, '.', 'x', '..', 'drive.mp4'), '--force'], { cwd: dir.path });
    expect(roundabout.code).toBe(2);
    expect(await readFile(clip)).toEqual(clipBytes);
  });

  it('refuses an output whose graph sidecar would replace the graph file being rendered', async () => {
    const graph = join(dir.path, 'out.mp4.vivify.json');
    await writeFile(graph, await readFile(passthrough));
    const result = await runCli(['render', graph, '--driving', clip, '-o', join(dir.path, 'out.mp4'), '--force']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/out\.mp4\.vivify\.json: is the graph file .*choose another name\n$/);
    expect(await readFile(graph, 'utf8')).toBe(await readFile(passthrough, 'utf8'));
  });
});

describe('a graph writes only where the command line says', () => {
  /** The passthrough graph with its output path set in the file, and a second output beside it when asked. */
  async function graphWithOutputs(name: string, paths: string[]): Promise<string> {
    const document = JSON.parse(await readFile(passthrough, 'utf8'));
    document.nodes.out.params.path = paths[0];
    if (paths[1]) {
      document.nodes.extra = { type: 'video-output', typeVersion: 1, params: { path: paths[1] } };
      document.edges.push({ from: ['drive', 'frames'], to: ['extra', 'frames'] });
    }
    const path = join(dir.path, 'graphs', name);
    await mkdir(join(dir.path, 'graphs'), { recursive: true });
    await writeFile(path, JSON.stringify(document));
    return path;
  }

  it("refuses the graph's own output path without -o, and writes it with --graph-outputs", async () => {
    const graph = await graphWithOutputs('own.json', ['../own.mp4']);
    const refused = await runCli(['render', graph, '--driving', clip]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `vivify: ${graph}: would write ${join(dir.path, 'own.mp4')} (node "out"), a path from the graph rather than the command line; name the output with -o FILE, or pass --graph-outputs to write where the graph says\n`,
    );
    expect(await listFiles(dir.path)).not.toContain('own.mp4');
    const confirmed = await runCli(['render', graph, '--driving', clip, '--graph-outputs', '--set', 'out.preset=ultrafast']);
    expect(confirmed.stderr).toBe('');
    expect(confirmed.code).toBe(0);
    expect((await probeFile(join(dir.path, 'own.mp4'))).videoFrames).toBe(12);
  }, 60_000);

  it('refuses a second output that -o does not name, writing nothing', async () => {
    const graph = await graphWithOutputs('two.json', ['', 'hidden.mp4']);
    const result = await runCli(['render', graph, '--driving', clip, '-o', join(dir.path, 'named.mp4')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/node "extra" would also write .*hidden\.mp4, which the command line did not name; name it with --set extra\.path=FILE, or remove the node\n$/);
    expect(await listFiles(join(dir.path, 'graphs'))).toEqual(['own.json', 'two.json']);
    expect(await listFiles(dir.path)).not.toContain('named.mp4');
  });
});

describe('output paths that cannot be written fail before the first frame', () => {
  it('refuses -o naming a folder, even with --force', async () => {
    await mkdir(join(dir.path, 'folder.mp4'));
    const result = await runCli(['render', passthrough, '--driving', clip, '-o', join(dir.path, 'folder.mp4'), '--force']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${join(dir.path, 'folder.mp4')}: is a folder; name a file to write\n`);
  });

  it('refuses a folder the user cannot write to', async () => {
    const locked = join(dir.path, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o555);
    const args = ['render', passthrough, '--driving', clip, '-o', join(locked, 'out.mp4')];
    // Root writes anywhere: the check is shown as an unprivileged user would meet it.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const [command, ...rest] = [...asUser, process.execPath, join(repoRoot, 'bin', 'vivify.js'), ...args];
      const child = spawn(command!, rest, { cwd: dir.path, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.once('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe(`vivify: locked/out.mp4: the folder locked is not writable\n`);
    expect(result.code).toBe(2);
  });
});

describe('leftovers', () => {
  it('two Ctrl-C in quick succession still remove the temporary files, and say so', async () => {
    const long = await makeClip(join(dir.path, 'long.mp4'), { frames: 600, width: 320, height: 240 });
    const out = join(dir.path, 'twice');
    await mkdir(out);
    const { child, stderr, exited } = watchedCli(['render', passthrough, '--driving', long, '-o', join(out, 'out.mp4'), '--json', '--set', 'out.preset=veryslow']);
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => /"pass":"render","frame":([2-9]\d|\d{3,})/.test(chunk.toString()) && resolve());
    });
    expect((await listFiles(out)).some((name) => name.includes('vivify-tmp'))).toBe(true);
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    // 130 either way: from the CLI's own exit, or (a second signal landing as it exits) as the shell reports SIGINT.
    expect(await exited).toBe(130);
    expect(stderr()).toMatch(/^vivify: cancelled; nothing was written\n/);
    // The encoder was stopped too: nothing appears after the exit.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await listFiles(out)).toEqual([]);
  }, 60_000);

  it('removes the temporary files a killed run left, at the next render to that output', async () => {
    const out = join(dir.path, 'killed');
    await mkdir(out);
    // A pid that no longer runs: a process that has exited.
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.once('close', resolve));
    const stale = [`.out.mp4.vivify-tmp-${gone.pid}-a1b2c3.mp4`, `.out.mp4.vivify.json.vivify-tmp-${gone.pid}-d4e5f6.json`];
    // One of a run still going (this test's own process) must stay.
    const live = `.out.mp4.vivify-tmp-${process.pid}-0a0b0c.mp4`;
    for (const name of [...stale, live]) await writeFile(join(out, name), 'partial');
    const result = await runCli(['render', passthrough, '--driving', clip, '-o', join(out, 'out.mp4'), '--set', 'out.preset=ultrafast']);
    expect(result.code).toBe(0);
    expect(await listFiles(out)).toEqual([live, 'out.mp4', 'out.mp4.vivify.json'].sort());
  }, 60_000);
});

describe('special files', () => {
  it('refuses a named pipe as the driving video at once, instead of hanging', async () => {
    const fifo = join(dir.path, 'pipe.mp4');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    const result = await runCli(['render', passthrough, '--driving', fifo, '-o', join(dir.path, 'from-pipe.mp4')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${fifo}: is a named pipe (FIFO), not a regular file; Vivify reads media and graphs from files\n`);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('a driver recorded at a varying frame rate', () => {
  /** Frame `index` of `path` (or the frame at `seconds`), as raw RGB. */
  const frameOf = (path: string, at: { index: number } | { seconds: number }) =>
    execFileSync('ffmpeg', [
      '-v', 'error', ...('seconds' in at ? ['-ss', String(at.seconds)] : []), '-i', path,
      ...('index' in at ? ['-vf', `select=eq(n\\,${at.index})`] : []), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-',
    ]);
  const difference = (a: Buffer, b: Buffer) => a.reduce((sum, value, i) => sum + Math.abs(value - b[i]!), 0) / a.length;

  it('keeps its timing: read steady at its average rate, with a warning that says so', async () => {
    // Two seconds at 10 fps, then two at 30: 80 frames, 20 a second on average. Read as they are, frame 30 would
    // show 2.33 s of the recording at 1.5 s, and the mouth would run a second ahead of the voice.
    const vfr = join(dir.path, 'vfr.mp4');
    execFileSync('ffmpeg', [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '4',
      '-vf', "select='if(lt(t,2),not(mod(n,3)),1)'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', vfr,
    ]);
    const out = join(dir.path, 'vfr-out.mp4');
    const result = await runCli(['render', passthrough, '--driving', vfr, '-o', out, '--set', 'out.preset=ultrafast', '--set', 'out.crf=0']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'warning: node "drive": vfr.mp4 has a variable frame rate; it is read at a steady 20.00 fps (its average), frames repeated or dropped by their times, so the motion keeps time with the audio\n',
    );
    expect(await probeFile(out)).toMatchObject({ videoFrames: 80, fps: '20/1' });
    const shown = frameOf(out, { index: 30 });
    expect(difference(shown, frameOf(vfr, { seconds: 1.5 }))).toBeLessThan(2);
    expect(difference(shown, frameOf(vfr, { index: 30 }))).toBeGreaterThan(10);
  }, 60_000);
});

describe.skipIf(!hasSharedMedia)('pictures larger than the limit', () => {
  it('are scaled down as they are read, with a warning that says how to raise the limit', async () => {
    const big = join(dir.path, 'big.jpg');
    // s9, enlarged to 1100x1100 (1.21 megapixels), against a limit of 1 megapixel.
    await sharp(sharedMedia('source/s9.jpg')).resize(1100, 1100).jpeg({ quality: 90 }).toFile(big);
    const out = join(dir.path, 'big.mp4');
    const result = await runCli([
      'render', join(repoRoot, 'presets', 'animate-painting.json'), '--source', big, '--driving', sharedMedia('driving/d20.mp4'), '-o', out,
      '--frames', ':3', '--set', 'paint.maxMegapixels=1', '--set', 'out.preset=ultrafast',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('big.jpg is 1100x1100 (1.2 megapixels); working at 1000x1000, the 1 megapixels of maxMegapixels (raise it with --set paint.maxMegapixels=N)');
    const probed = await probeFile(out);
    expect([probed.width, probed.height]).toEqual([1000, 1000]);
  }, 120_000);
});
