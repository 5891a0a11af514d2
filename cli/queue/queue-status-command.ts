import { type Job, Queue } from 'bullmq';
import { checkRedis, queueName } from './redis-connection.ts';

/** One job as `vivify queue status` lists it. */
interface JobLine {
  id: string;
  name: string;
  state: string;
  /** Frames rendered so far (chunks report them). */
  frames: number | null;
  /** The output or chunk file it writes. */
  target: string | null;
  failedReason: string | null;
}

const states = ['active', 'waiting', 'waiting-children', 'delayed', 'prioritized', 'failed', 'completed'] as const;

/** `vivify queue status URL`: what the queue holds, by state, and each job's progress or failure. */
export async function queueStatusCommand(url: string, options: { json?: boolean }): Promise<void> {
  const connection = await checkRedis(url);
  const queue = new Queue(queueName, { connection });
  try {
    const counts = await queue.getJobCounts(...states);
    const lines: JobLine[] = [];
    for (const state of states) {
      for (const job of await queue.getJobs([state], 0, 99)) if (job) lines.push(describe(job, state));
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ queue: queueName, counts, jobs: lines })}\n`);
      return;
    }
    process.stdout.write(`${queueName} on ${url}: ${states.map((state) => `${counts[state] ?? 0} ${state}`).join(', ')}\n`);
    for (const line of lines) {
      const progress = line.frames !== null ? `, ${line.frames} frames` : '';
      const failure = line.failedReason ? `: ${line.failedReason}` : '';
      process.stdout.write(`  ${line.state.padEnd(16)} ${line.name.padEnd(6)} ${line.id}${line.target ? ` -> ${line.target}` : ''}${progress}${failure}\n`);
    }
  } finally {
    await queue.close();
  }
}

function describe(job: Job, state: string): JobLine {
  const data = job.data as { path?: string; output?: string };
  const progress = job.progress as { frames?: number } | number;
  return {
    id: job.id ?? '',
    name: job.name,
    state,
    frames: typeof progress === 'object' && typeof progress.frames === 'number' ? progress.frames : null,
    target: data.path ?? data.output ?? null,
    failedReason: job.failedReason || null,
  };
}
