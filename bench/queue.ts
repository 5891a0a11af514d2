import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeClip, runCli, watchedCli } from '../support/cli.ts';
import { hasRedisServer, startRedis } from '../support/redis-server.ts';

export interface QueueResult {
  batch: { renders: number; framesEach: number; workers: number; seconds: number; rendersPerMinute: number }[];
  /** Two workers' throughput over one's, measured in the same run. */
  speedup: number;
  /** A queued render of one chunk against the same render in one process: the scan job, the join, the round trips. */
  queuedRenderOverheadMs: number;
  /** Each further chunk: its job's round trip, its encoder's start, its warm-up frames, its entry in the join. */
  msPerChunk: number;
  cores: number;
}

type Worker = ReturnType<typeof watchedCli>;

async function startWorker(url: string): Promise<Worker> {
  const worker = watchedCli(['worker', '--queue', url]);
  const deadline = Date.now() + 30_000;
  while (!worker.stderr().includes('taking jobs')) {
    if (Date.now() > deadline) throw new Error(`worker did not start: ${worker.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker;
}

async function stopWorkers(workers: Worker[]): Promise<void> {
  for (const worker of workers) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((worker) => worker.exited));
}

async function timed(work: () => Promise<{ code: number | null; stderr: string }[]>): Promise<number> {
  const started = performance.now();
  for (const result of await work()) if (result.code !== 0) throw new Error(result.stderr);
  return (performance.now() - started) / 1000;
}

/**
 * A real redis-server and `vivify worker` processes on this machine: a batch of 8 short face2face renders queued at
 * once, drained by 1 then 2 workers; then what the queue costs a render and each chunk, on a passthrough render.
 */
export async function queueBenchmark(repoRoot: string): Promise<QueueResult | { skipped: string }> {
  const media = resolve(repoRoot, '../shared/media');
  if (!hasRedisServer) return { skipped: 'redis-server is not installed (apt-get install redis-server)' };
  if (!existsSync(join(media, 'driving/d20.mp4'))) return { skipped: `${media} is missing (../shared/media is not checked out here)` };
  const folder = await mkdtemp(join(tmpdir(), 'vivify-bench-queue-'));
  const redis = await startRedis();
  try {
    const preset = join(repoRoot, 'presets', 'animate-painting.json');
    const framesEach = 24;
    const render = (index: number) =>
      runCli([
        'render', preset, '--source', join(media, 'source/s5.jpg'), '--driving', join(media, 'driving/d20.mp4'), '--frames', `${index * 10}:${index * 10 + framesEach}`,
        '-o', join(folder, `batch-${index}.mp4`), '--force', '--set', 'out.preset=veryfast', '--queue', redis.url,
      ]);
    const batch: QueueResult['batch'] = [];
    for (const count of [1, 2]) {
      const workers = await Promise.all(Array.from({ length: count }, () => startWorker(redis.url)));
      const seconds = await timed(() => Promise.all(Array.from({ length: 8 }, (_, index) => render(index))));
      await stopWorkers(workers);
      batch.push({ renders: 8, framesEach, workers: count, seconds, rendersPerMinute: (8 * 60) / seconds });
    }

    const clip = await makeClip(join(folder, 'clip.mp4'), { frames: 96, fps: 24, width: 320, height: 240 });
    const passthrough = join(repoRoot, 'presets', 'passthrough.json');
    const args = (name: string) => ['render', passthrough, '--driving', clip, '-o', join(folder, name), '--force', '--set', 'out.preset=veryfast'];
    const workers = [await startWorker(redis.url)];
    const local = await timed(async () => [await runCli(args('local.mp4'))]);
    const oneChunk = await timed(async () => [await runCli([...args('one.mp4'), '--queue', redis.url, '--chunk-frames', '96'])]);
    const twelveChunks = await timed(async () => [await runCli([...args('twelve.mp4'), '--queue', redis.url, '--chunk-frames', '8'])]);
    await stopWorkers(workers);
    return {
      batch,
      speedup: batch[0]!.seconds / batch[1]!.seconds,
      queuedRenderOverheadMs: (oneChunk - local) * 1000,
      msPerChunk: ((twelveChunks - oneChunk) * 1000) / 11,
      cores: (await import('node:os')).cpus().length,
    };
  } finally {
    await redis.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

export function formatQueueTable(result: QueueResult): string {
  const rows = result.batch.map(
    (row) => `| ${String(row.workers).padStart(7)} | ${`${row.renders} x ${row.framesEach} frames`.padEnd(18)} | ${row.seconds.toFixed(1).padStart(7)} | ${row.rendersPerMinute.toFixed(1).padStart(11)} |`,
  );
  return [
    `Queue (BullMQ on a local redis-server, ${result.cores} cores): a batch of face2face renders`,
    '| workers | batch              | seconds | renders/min |',
    '|---------|--------------------|---------|-------------|',
    ...rows,
    `2 workers / 1 worker: ${result.speedup.toFixed(2)}x`,
    `queued render of one chunk vs one process: +${result.queuedRenderOverheadMs.toFixed(0)} ms; each further chunk: ${result.msPerChunk.toFixed(0)} ms`,
  ].join('\n');
}
