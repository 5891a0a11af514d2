import { rm } from 'node:fs/promises';
import type { Job } from 'bullmq';
import type { AudioTrack } from '../../runtime/audio.ts';
import { NodeRunError, VivifyError } from '../../runtime/errors.ts';
import { runGraph } from '../../runtime/executor.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { Host } from '../../runtime/host.ts';
import { joinVideoChunks } from '../../runtime/node/video-concat.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { type ChunkJobData, type ChunkJobResult, type JoinJobData, type ScanJobData, type ScanJobResult, jobNames } from './render-jobs.ts';

export interface WorkerTools {
  registry: NodeRegistry;
  host: Host;
  signal?: AbortSignal;
}

/** Runs one job of a queued render on this worker's host; what it returns is stored with the job in Redis. */
export async function processJob(job: Job, tools: WorkerTools): Promise<unknown> {
  switch (job.name) {
    case jobNames.scan:
      return scanJob(job.data as ScanJobData, tools);
    case jobNames.chunk:
      return chunkJob(job as Job<ChunkJobData>, tools);
    case jobNames.join:
      return joinJob(job as Job<JoinJobData>);
    default:
      throw new VivifyError(`job "${job.name}" is not one Vivify's worker knows (scan, chunk, join)`);
  }
}

async function scanJob(data: ScanJobData, { registry, host, signal }: WorkerTools): Promise<ScanJobResult> {
  // The output is written by the join, later: the scan only reads, so the output's existence is not its concern.
  const summary = await runGraph(data.document, { registry, host, signal, scanOnly: true, settings: { overwrite: true, frames: data.frames } });
  return { frameCount: summary.timeline?.frameCount ?? 0, fps: summary.timeline?.fps ?? 0, scanResults: summary.scanResults };
}

/** The video output of a document that has one (render --queue refuses others). */
export function videoOutputNode(document: GraphDocument): string {
  const ids = Object.keys(document.nodes).filter((id) => document.nodes[id]!.type === 'video-output');
  if (ids.length !== 1) throw new VivifyError(`a queued render needs exactly one video-output node; the graph has ${ids.length}`);
  return ids[0]!;
}

async function chunkJob(job: Job<ChunkJobData>, { registry, host, signal }: WorkerTools): Promise<ChunkJobResult> {
  const data = job.data;
  const outputId = videoOutputNode(data.document);
  const audioEdge = data.document.edges.find((edge) => edge.to[0] === outputId && edge.to[1] === 'audio');
  let audio: AudioTrack | null = null;
  const first = data.start - data.warmUp;
  let lastReport = 0;
  try {
    const summary = await runGraph(data.document, {
      registry,
      host,
      signal,
      settings: { overwrite: true, frames: { start: first, end: data.end }, part: { warmUp: data.warmUp } },
      scanResults: data.scanResults,
      onOutputs: (nodeId, frame, outputs) => {
        if (audioEdge && nodeId === audioEdge.from[0] && frame === data.warmUp) audio = (outputs[audioEdge.from[1]] as AudioTrack | undefined) ?? null;
      },
      onProgress: (progress) => {
        // A few reports a second are plenty; each is a Redis round trip.
        if (progress.pass !== 'render' || performance.now() - lastReport < 250) return;
        lastReport = performance.now();
        void job.updateProgress({ frames: Math.max(0, progress.frame - data.warmUp) }).catch(() => undefined);
      },
    });
    return { index: data.index, frames: summary.frames - data.warmUp, audio, warnings: summary.warnings.map((w) => (w.nodeId ? `node "${w.nodeId}": ${w.message}` : w.message)) };
  } catch (error) {
    // Frames are counted from the chunk's first (warm-up) frame; a local render counts from its range's start.
    if (error instanceof NodeRunError && error.frameIndex !== undefined) {
      throw new NodeRunError(error.nodeId, error.nodeType, error.frameIndex + first - data.renderStart, error.cause);
    }
    throw error;
  }
}

async function joinJob(job: Job<JoinJobData>): Promise<{ output: string; frames: number }> {
  const data = job.data;
  const children = Object.values(await job.getChildrenValues<ChunkJobResult>());
  const firstChunk = children.find((child) => child.index === 0);
  if (children.length !== data.chunks.length || !firstChunk) throw new VivifyError(`${data.chunks.length} chunks were queued but ${children.length} came back`);
  const track = data.audio ? firstChunk.audio : null;
  await joinVideoChunks({
    chunks: data.chunks,
    path: data.output,
    ...(track ? { audio: { ...track, duration: data.seconds } } : {}),
    graphJson: data.graphJson,
    overwrite: data.force,
  });
  await rm(data.workDir, { recursive: true, force: true });
  return { output: data.output, frames: children.reduce((sum, child) => sum + child.frames, 0) };
}
