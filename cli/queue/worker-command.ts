import { Worker } from 'bullmq';
import { createRegistry } from '../../nodes/index.ts';
import type { ProviderRequest } from '../../runtime/node/execution-providers.ts';
import { createNodeHost } from '../../runtime/node/node-host.ts';
import { processJob } from './job-processors.ts';
import { checkRedis, queueName } from './redis-connection.ts';

export interface WorkerOptions {
  queue: string;
  concurrency: number;
  lockSeconds: number;
  provider: ProviderRequest;
  modelsDir?: string;
}

/**
 * `vivify worker`: renders the queue's jobs with this machine's host until SIGTERM or Ctrl-C, which lets the job in
 * hand finish (a second signal stops at once; that job goes back to the queue after the lock runs out).
 */
export async function workerCommand(options: WorkerOptions): Promise<void> {
  const connection = await checkRedis(options.queue);
  const registry = createRegistry();
  const log = (line: string) => process.stderr.write(`vivify worker ${process.pid}: ${line}\n`);
  const host = createNodeHost({ provider: options.provider, modelsDir: options.modelsDir, onModelNote: log });
  const lock = options.lockSeconds * 1000;
  const worker = new Worker(queueName, (job) => processJob(job, { registry, host }), {
    connection,
    concurrency: options.concurrency,
    // A worker that stops answering (killed, or its machine gone) holds a job for at most this long.
    lockDuration: lock,
    stalledInterval: lock,
    maxStalledCount: 2,
  });
  worker.on('active', (job) => log(`${job.name} ${job.id} started`));
  worker.on('completed', (job) => log(`${job.name} ${job.id} done`));
  worker.on('failed', (job, error) => log(`${job?.name ?? 'job'} ${job?.id ?? ''} failed: ${error.message}`));
  worker.on('error', (error) => log(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  log(`taking jobs from ${options.queue}`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) {
        log('stopping now');
        // Closing talks to Redis; where Redis is gone it would wait forever, so the process ends regardless.
        void worker.close(true).then(resolve);
        setTimeout(() => process.exit(1), 2000).unref();
        return;
      }
      stopping = true;
      log('finishing the job in hand, then stopping (signal again to stop now)');
      void worker.close().then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  log('stopped');
}
