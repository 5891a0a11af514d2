import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedMedia, makeClip, makeTempDir, probeFile, repoRoot, runCli, sharedMedia, watchedCli } from '../support/cli.ts';
import { chunkRanges } from '../cli/queue/queue-render.ts';
import { freePort, hasRedisServer, startRedis } from '../support/redis-server.ts';

const exec = promisify(execFile);
const passthrough = join(repoRoot, 'presets', 'passthrough.json');
const animate = join(repoRoot, 'presets', 'animate-painting.json');

type Worker = ReturnType<typeof watchedCli>;

/** `vivify worker` as a child process, once it says it takes jobs. */
async function startWorker(url: string, lockSeconds = 2): Promise<Worker> {
  const worker = watchedCli(['worker', '--queue', url, '--lock-seconds', String(lockSeconds)]);
  await until(() => worker.stderr().includes('taking jobs'), 20_000, () => `worker did not start: ${worker.stderr()}`);
  return worker;
}

async function until(test: () => boolean, ms: number, why: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** PSNR of every frame of `a` against `b` (ffmpeg's psnr filter; identical frames count as 100 dB). */
async function framePsnr(a: string, b: string, folder: string): Promise<number[]> {
  const stats = join(folder, `psnr-${Date.now()}.txt`);
  await exec('ffmpeg', ['-v', 'error', '-i', a, '-i', b, '-lavfi', `[0:v][1:v]psnr=stats_file=${stats}`, '-f', 'null', '-']);
  return (await readFile(stats, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => line.match(/psnr_avg:(\S+)/)![1]!)
    .map((value) => (value === 'inf' ? 100 : Number(value)));
}

/** The decoded audio's MD5: the same for two files whose audio is the same samples. */
async function audioMd5(path: string): Promise<string> {
  const { stdout } = await exec('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:a', '-f', 'md5', '-']);
  return stdout.trim();
}

/** Renders locally and on the queue; checks frame count, audio and every frame's PSNR; returns the lowest. */
async function expectSameAsLocal(args: string[], queueArgs: string[], folder: string, name: string): Promise<number> {
  const local = join(folder, `${name}-local.mp4`);
  const queued = join(folder, `${name}-queue.mp4`);
  const [onQueue, alone] = await Promise.all([runCli([...args, '-o', queued, ...queueArgs]), runCli([...args, '-o', local])]);
  expect(alone.code, alone.stderr).toBe(0);
  expect(onQueue.code, onQueue.stderr).toBe(0);
  const [a, b] = await Promise.all([probeFile(queued), probeFile(local)]);
  expect(a.videoFrames).toBe(b.videoFrames);
  expect(a.fps).toBe(b.fps);
  expect(a.audio).toBe(b.audio);
  if (b.audio) expect(await audioMd5(queued)).toBe(await audioMd5(local));
  // The graph is embedded and written beside the video as a local render does it (each names its own output).
  expect(a.comment.replace(queued, local)).toBe(b.comment);
  expect((await readFile(`${queued}.vivify.json`, 'utf8')).replace(queued, local)).toBe(await readFile(`${local}.vivify.json`, 'utf8'));
  const psnr = await framePsnr(queued, local, folder);
  expect(psnr).toHaveLength(b.videoFrames);
  const lowest = Math.min(...psnr);
  console.log(`[queue] ${name}: ${b.videoFrames} frames, lowest PSNR against a local render ${lowest.toFixed(2)} dB at frame ${psnr.indexOf(lowest)}`);
  expect(lowest).toBeGreaterThanOrEqual(45);
  return lowest;
}

describe('chunks', () => {
  it('cover the range once, each with the warm-up that lies before it', () => {
    expect(chunkRanges(10, 75, 30)).toEqual([
      { start: 10, end: 40, warmUp: 0 },
      { start: 40, end: 70, warmUp: 30 },
      { start: 70, end: 75, warmUp: 30 },
    ]);
    expect(chunkRanges(0, 20, 15)).toEqual([
      { start: 0, end: 15, warmUp: 0 },
      { start: 15, end: 20, warmUp: 15 },
    ]);
  });
});

describe('an unreachable Redis', () => {
  it('stops render --queue and worker with one sentence, exit 1, nothing written', async () => {
    const dir = await makeTempDir();
    try {
      const clip = await makeClip(join(dir.path, 'clip.mp4'), { frames: 12 });
      const url = `redis://127.0.0.1:${await freePort()}`;
      const out = join(dir.path, 'out.mp4');
      const render = await runCli(['render', passthrough, '--driving', clip, '-o', out, '--queue', url]);
      expect(render.code).toBe(1);
      expect(render.stderr.trim().split('\n')).toHaveLength(1);
      expect(render.stderr).toMatch(new RegExp(`^vivify: cannot reach the queue's Redis at ${url} \\(.*ECONNREFUSED.*\\); start redis-server`));
      expect(await readdir(dir.path)).toEqual(['clip.mp4']);
      const worker = await runCli(['worker', '--queue', url]);
      expect(worker.code).toBe(1);
      expect(worker.stderr).toMatch(/^vivify: cannot reach the queue's Redis/);
    } finally {
      await dir.remove();
    }
  }, 30_000);
});

describe.skipIf(!hasRedisServer)('render on a queue (a real redis-server, 3 workers as processes)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let workers: Worker[] = [];
  let dir: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    redis = await startRedis();
    dir = await makeTempDir();
    workers = await Promise.all([1, 2, 3].map(() => startWorker(redis.url)));
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await redis?.stop();
    await dir?.remove();
  });

  it('joins chunks into the video a local render writes: same frames, same audio, the graph embedded', async () => {
    const clip = await makeClip(join(dir.path, 'tone.mp4'), { frames: 50, fps: 25, audio: true });
    // A test pattern is noise to x264: at crf 18 two encodes of it differ by ~40 dB wherever the splits fall (x264's
    // look-ahead sees other frames), 44 dB at crf 12, 47 dB at crf 8; a real render, below, keeps 50 dB at crf 18.
    const args = ['render', passthrough, '--driving', clip, '--set', 'out.preset=veryfast', '--set', 'out.crf=8'];
    await expectSameAsLocal(args, ['--queue', redis.url, '--chunk-frames', '16'], dir.path, 'passthrough');
    // Nothing but the outputs and their graphs: the chunks' folder is gone.
    expect((await readdir(dir.path)).filter((name) => name.startsWith('.'))).toEqual([]);
  }, 60_000);

  it.skipIf(!hasSharedMedia)('renders face2face with a neutral reference and smoothing in chunks, matching a local render frame by frame', async () => {
    const args = [
      'render', animate, '--source', sharedMedia('source/s5.jpg'), '--driving', sharedMedia('driving/d20.mp4'), '--frames', '0:36',
      '--set', 'f2f.reference=neutral', '--set', 'driveFace.smoothing=true', '--set', 'f2f.stabilization=0.5', '--set', 'out.preset=veryfast',
    ];
    await expectSameAsLocal(args, ['--queue', redis.url, '--chunk-frames', '12'], dir.path, 'face2face');
  }, 180_000);

  it('names the node and the frame of a failed chunk as a local render does, and writes nothing', async () => {
    const whole = await makeClip(join(dir.path, 'whole.mp4'), { frames: 72, audio: false, faststart: true });
    const truncated = join(dir.path, 'truncated.mp4');
    await writeFile(truncated, (await readFile(whole)).subarray(0, 60_000));
    const local = await runCli(['render', passthrough, '--driving', truncated, '-o', join(dir.path, 'broken-local.mp4')]);
    const queued = await runCli(['render', passthrough, '--driving', truncated, '-o', join(dir.path, 'broken-queue.mp4'), '--queue', redis.url, '--chunk-frames', '20']);
    expect(local.code).toBe(1);
    expect(queued.code).toBe(1);
    const where = local.stderr.match(/^vivify: node "drive" \(driving-video\) failed at frame \d+/)![0];
    expect(queued.stderr.startsWith(where), queued.stderr).toBe(true);
    const left = await readdir(dir.path);
    expect(left.filter((name) => name.includes('broken'))).toEqual([]);
  }, 60_000);

  it('lists the queue by state with each failure: queue status', async () => {
    const status = await runCli(['queue', 'status', redis.url, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const { counts, jobs } = JSON.parse(status.stdout) as { counts: Record<string, number>; jobs: { name: string; state: string; failedReason: string | null }[] };
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    expect(counts.active).toBe(0);
    // Chunks still running when the render failed fail too (their folder is gone); the first names node and frame.
    const reasons = jobs.filter((job) => job.state === 'failed' && job.name === 'chunk').map((job) => job.failedReason);
    expect(reasons.some((reason) => /^node "drive" \(driving-video\) failed at frame \d+/.test(reason ?? '')), reasons.join('\n')).toBe(true);
    const text = await runCli(['queue', 'status', redis.url]);
    expect(text.stdout).toMatch(/^vivify-render on redis:\/\/127\.0\.0\.1:\d+: 0 active, 0 waiting, .*failed/);
  }, 30_000);

  it('renders a batch of inputs x graphs by an output pattern, and a rerun skips what is complete', async () => {
    const folder = join(dir.path, 'batch');
    await mkdir(folder);
    await makeClip(join(folder, 'a.mp4'), { frames: 20 });
    await makeClip(join(folder, 'b.mp4'), { frames: 30 });
    const jobs = join(folder, 'jobs.json');
    await writeFile(jobs, JSON.stringify({ graphs: [passthrough], inputs: { driving: ['a.mp4', 'b.mp4'] }, set: ['out.preset=veryfast'], output: 'out/{graph}-{driving}.mp4', chunkFrames: 12 }));
    const first = await runCli(['batch', jobs, '--queue', redis.url, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string }).at(-1)).toEqual({ type: 'summary', rendered: 2, skipped: 0, failed: 0 });
    expect((await probeFile(join(folder, 'out', 'passthrough-a.mp4'))).videoFrames).toBe(20);
    expect((await probeFile(join(folder, 'out', 'passthrough-b.mp4'))).videoFrames).toBe(30);
    // A changed input is rendered again; the unchanged one is skipped.
    await makeClip(join(folder, 'b.mp4'), { frames: 16 });
    const again = await runCli(['batch', jobs, '--queue', redis.url]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('skipped');
    expect(again.stdout.trim().split('\n').at(-1)).toBe('1 rendered, 1 skipped, 0 failed');
    expect((await probeFile(join(folder, 'out', 'passthrough-b.mp4'))).videoFrames).toBe(16);
  }, 60_000);

  it('refuses a batch file it cannot read, naming it (exit 2)', async () => {
    const jobs = join(dir.path, 'bad-jobs.json');
    await writeFile(jobs, JSON.stringify({ graphs: [passthrough], inputs: { driving: [] }, output: 'x.mp4' }));
    const result = await runCli(['batch', jobs, '--queue', redis.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad-jobs\.json: "inputs" must map each input name to a list of files/);
  }, 30_000);

  it('stops its workers on SIGTERM, each finishing what it holds', async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0, 0]);
    workers = [];
  }, 30_000);
});

describe.skipIf(!hasRedisServer || !hasSharedMedia)('a worker killed mid-chunk', () => {
  it('loses nothing: another worker takes the chunk after the lock runs out and the render completes', async () => {
    const redis = await startRedis();
    const dir = await makeTempDir();
    const killed = await startWorker(redis.url);
    let rescuer: Worker | undefined;
    try {
      const out = join(dir.path, 'out.mp4');
      const render = runCli([
        'render', animate, '--source', sharedMedia('source/s5.jpg'), '--driving', sharedMedia('driving/d20.mp4'), '--frames', '0:40',
        '-o', out, '--set', 'out.preset=veryfast', '--queue', redis.url, '--chunk-frames', '40',
      ]);
      await until(() => /chunk \S+ started/.test(killed.stderr()), 30_000, () => `the chunk never started: ${killed.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      killed.child.kill('SIGKILL');
      expect(await killed.exited).toBe(137);
      expect(killed.stderr()).not.toMatch(/chunk \S+ done/);
      rescuer = await startWorker(redis.url);
      const result = await render;
      expect(result.code, result.stderr).toBe(0);
      expect(rescuer.stderr()).toMatch(/chunk \S+ done/);
      expect((await probeFile(out)).videoFrames).toBe(40);
      expect((await readdir(dir.path)).filter((name) => name.startsWith('.'))).toEqual([]);
    } finally {
      killed.child.kill('SIGKILL');
      rescuer?.child.kill('SIGKILL');
      await redis.stop();
      await dir.remove();
    }
  }, 150_000);
});

describe.skipIf(!hasRedisServer)('a queue with no worker', () => {
  it('says so and how to start one, and the render completes once a worker comes', async () => {
    const redis = await startRedis();
    const dir = await makeTempDir();
    let worker: Worker | undefined;
    try {
      const clip = await makeClip(join(dir.path, 'clip.mp4'), { frames: 20, fps: 25 });
      const out = join(dir.path, 'out.mp4');
      const render = watchedCli(['render', passthrough, '--driving', clip, '-o', out, '--set', 'out.preset=veryfast', '--queue', redis.url]);
      await until(() => render.stderr().includes('no worker takes jobs'), 30_000, () => `no warning: ${render.stderr()}`);
      expect(render.stderr()).toContain(`vivify worker --queue ${redis.url}`);
      worker = await startWorker(redis.url);
      expect(await render.exited).toBe(0);
      expect((await probeFile(out)).videoFrames).toBe(20);
    } finally {
      worker?.child.kill('SIGKILL');
      await redis.stop();
      await dir.remove();
    }
  }, 90_000);
});
