import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FlowProducer, type Job, Queue, QueueEvents } from 'bullmq';
import { CancelledError, UsageError, VivifyError } from '../../runtime/errors.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import { displayPath } from '../../runtime/node/paths.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { cancelOnSignal } from '../cancel-on-signal.ts';
import { type ProgressReporter, jsonReporter, terminalReporter } from '../progress-reporter.ts';
import { videoOutputNode } from './job-processors.ts';
import { checkRedis, queueName } from './redis-connection.ts';
import { type ChunkJobData, type ChunkJobResult, type JoinJobData, type ScanJobData, type ScanJobResult, jobNames } from './render-jobs.ts';

export interface QueuedRender {
  url: string;
  document: GraphDocument;
  registry: NodeRegistry;
  /** The files the render writes (checked): a queued render writes one video. */
  outputs: string[];
  frames: { start: number; end?: number };
  chunkFrames?: number;
  force: boolean;
  json: boolean;
  /** Print nothing (a batch reports each render itself). */
  quiet?: boolean;
}

/** Frames each chunk renders before its own, so smoothing filters (landmarks, stabilization) reach their steady state. */
export const warmUpFrames = 30;

/** The chunks of frames start..end (absolute, end exclusive), each with as much warm-up as lies before it. */
export function chunkRanges(start: number, end: number, size: number): { start: number; end: number; warmUp: number }[] {
  const ranges = [];
  for (let at = start; at < end; at += size) ranges.push({ start: at, end: Math.min(end, at + size), warmUp: Math.min(warmUpFrames, at - start) });
  return ranges;
}

/**
 * `vivify render --queue`: one scan job for the whole range (its reference frame, its length), then a BullMQ flow
 * whose children render chunks and whose parent joins them; waits for the result, showing the chunks' progress.
 * Whatever fails, nothing is left at the output and the chunks' folder is removed.
 */
export async function renderOnQueue(render: QueuedRender): Promise<{ frames: number }> {
  const outputId = videoOutputNode(render.document);
  const output = String(render.document.nodes[outputId]!.params.path);
  if (render.outputs.length !== 1 || render.outputs[0] !== output) {
    throw new UsageError(`a queued render writes one video; this graph also writes ${render.outputs.filter((path) => path !== output).map(displayPath).join(', ') || 'nothing else'}`);
  }
  const connection = await checkRedis(render.url);
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  const flows = new FlowProducer({ connection });
  const workDir = join(dirname(output), `.${basename(output)}.chunks-${randomBytes(4).toString('hex')}`);
  const reporter = render.quiet ? silentReporter : render.json ? jsonReporter() : terminalReporter();
  const started = performance.now();
  try {
    await events.waitUntilReady();
    return await cancelOnSignal(async (signal) => {
      const cancelled = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new CancelledError()), { once: true }));
      cancelled.catch(() => undefined);
      const scanData: ScanJobData = { document: render.document, frames: render.frames };
      const scanJob = await queue.add(jobNames.scan, scanData, { removeOnComplete: true, removeOnFail: 100 });
      await warnWithoutWorkers(queue, render.url, (message) => reporter.warning({ nodeId: '', message }));
      const scan = (await Promise.race([waitFor(scanJob, events), cancelled])) as ScanJobResult;
      if (scan.frameCount === 0) throw new VivifyError('the range holds no frames, so no video was written');
      const ranges = chunkRanges(render.frames.start, render.frames.start + scan.frameCount, render.chunkFrames ?? 150);
      await mkdir(workDir, { recursive: true });
      const chunks = ranges.map((range, index) => join(workDir, `chunk-${String(index).padStart(5, '0')}.mp4`));
      const joinData: JoinJobData = {
        output,
        graphJson: JSON.stringify(render.document),
        chunks,
        seconds: scan.frameCount / scan.fps,
        audio: render.document.nodes[outputId]!.params.audio !== false,
        workDir,
        force: render.force,
      };
      const tree = await flows.add({
        name: jobNames.join,
        queueName,
        data: joinData,
        opts: { removeOnComplete: true, removeOnFail: 100 },
        children: ranges.map((range, index) => {
          const document = structuredClone(render.document);
          document.nodes[outputId]!.params.path = chunks[index]!;
          const data: ChunkJobData = { index, document, ...range, renderStart: render.frames.start, scanResults: scan.scanResults, path: chunks[index]! };
          // A failed chunk fails the whole render at once rather than leaving the join waiting.
          return { name: jobNames.chunk, queueName, data, opts: { failParentOnFailure: true, removeOnComplete: 100, removeOnFail: 100 } };
        }),
      });
      const chunkIds = new Set((tree.children ?? []).map((child) => child.job.id!));
      const done = new Map<string, number>();
      const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
        if (!chunkIds.has(jobId) || typeof data !== 'object' || data === null) return;
        done.set(jobId, (data as { frames: number }).frames);
        report();
      };
      const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
        if (!chunkIds.has(jobId)) return;
        const result = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as ChunkJobResult;
        done.set(jobId, result.frames);
        for (const warning of result.warnings) reporter.warning({ nodeId: '', message: `chunk ${result.index + 1}: ${warning}` });
        report();
      };
      const report = () => {
        const frame = [...done.values()].reduce((sum, frames) => sum + frames, 0);
        const elapsedSeconds = (performance.now() - started) / 1000;
        const fps = frame / Math.max(elapsedSeconds, 1e-6);
        reporter.progress({ pass: 'render', frame, total: scan.frameCount, fps, elapsedSeconds, etaSeconds: fps > 0 ? (scan.frameCount - frame) / fps : undefined });
      };
      let failChunk: (error: Error) => void = () => undefined;
      const chunkFailed = new Promise<never>((_, reject) => (failChunk = reject));
      chunkFailed.catch(() => undefined);
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
        if (chunkIds.has(jobId)) failChunk(new VivifyError(failedReason));
      };
      events.on('progress', onProgress);
      events.on('completed', onCompleted);
      events.on('failed', onFailed);
      try {
        const joined = (await Promise.race([waitFor(tree.job, events), chunkFailed, cancelled])) as { frames: number };
        reporter.stop();
        const seconds = (performance.now() - started) / 1000;
        if (render.quiet) return joined;
        if (render.json) process.stdout.write(`${JSON.stringify({ type: 'done', output, frames: joined.frames, chunks: ranges.length, seconds: Math.round(seconds * 100) / 100 })}\n`);
        else process.stdout.write(`Wrote ${displayPath(output)}: ${joined.frames} frames in ${ranges.length} chunk${ranges.length === 1 ? '' : 's'} on the queue, ${seconds.toFixed(1)} s\n`);
        return joined;
      } catch (error) {
        // What is still queued would only write chunks nobody joins.
        await queue.remove(tree.job.id!, { removeChildren: true }).catch(() => undefined);
        throw error;
      } finally {
        events.off('progress', onProgress);
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
      }
    });
  } catch (error) {
    // Chunks still running may be writing there as it goes: retry, and never let the clean-up hide the failure.
    await rm(workDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(() => undefined);
    throw error;
  } finally {
    reporter.stop();
    await Promise.all([queue.close(), events.close(), flows.close()]).catch(() => undefined);
  }
}

/** A render with no worker on its queue would wait in silence: say so, and how to start one (it keeps waiting). */
export async function warnWithoutWorkers(queue: Queue, url: string, warn: (message: string) => void): Promise<void> {
  if ((await queue.getWorkersCount()) > 0) return;
  warn(`no worker takes jobs from ${url} yet; this waits until one does: vivify worker --queue ${url}`);
}

const silentReporter: ProgressReporter = { progress() {}, warning() {}, done() {}, stop() {} };

/** A job's result, or its failure as the worker's own sentence (a node and frame, like a local render's). */
async function waitFor(job: Job, events: QueueEvents): Promise<unknown> {
  try {
    return await job.waitUntilFinished(events);
  } catch (error) {
    throw new VivifyError(error instanceof Error ? error.message : String(error));
  }
}
