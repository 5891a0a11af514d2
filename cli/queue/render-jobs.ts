import type { AudioTrack } from '../../runtime/audio.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';

/*
 * What travels through the queue for one `vivify render --queue`: plain JSON that any worker can run with its own
 * host. Paths in it are read and written by the workers, so they must mean the same file on every worker (a shared
 * filesystem; docs/scale-out.md).
 */

/** First, once: the whole range's scans (the neutral reference) and its length, before the run is split. */
export interface ScanJobData {
  document: GraphDocument;
  frames: { start: number; end?: number };
}

export interface ScanJobResult {
  frameCount: number;
  fps: number;
  scanResults: Record<string, unknown>;
}

/** One chunk: frames `start` to `end` of the driver (absolute), after `warmUp` frames that only settle smoothing. */
export interface ChunkJobData {
  index: number;
  /** The document with its video output pointed at `path`. */
  document: GraphDocument;
  start: number;
  end: number;
  warmUp: number;
  /** The first frame of the whole render, so that a failure names its frame as a local render would. */
  renderStart: number;
  scanResults: Record<string, unknown>;
  path: string;
}

export interface ChunkJobResult {
  index: number;
  frames: number;
  /** The audio the output saw at the chunk's first frame: chunk 0's starts where the render does. */
  audio: AudioTrack | null;
  warnings: string[];
}

/** The parent: joins the chunks in order without re-encoding and muxes the audio once. */
export interface JoinJobData {
  output: string;
  /** The document as the render runs it, embedded in the video as a local render embeds it. */
  graphJson: string;
  chunks: string[];
  /** Seconds of video in all: the audio span. */
  seconds: number;
  /** Whether the output's audio is wanted (the video output's audio param). */
  audio: boolean;
  workDir: string;
  force: boolean;
}

export const jobNames = { scan: 'scan', chunk: 'chunk', join: 'join' } as const;
