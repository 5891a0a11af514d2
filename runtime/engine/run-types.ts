import type { NodeRegistry } from '../registry.ts';
import type { Host } from '../host.ts';
import type { RunSettings, Timeline } from '../node-definition.ts';
import type { FrameCache } from '../frame-cache.ts';
import type { ResultCache } from '../result-cache.ts';

export interface RunProgress {
  /** 'scan': a node is looking over the stream before rendering (a reference frame); 'render': the run itself. */
  pass: 'scan' | 'render';
  /** Frames completed so far. */
  frame: number;
  total: number;
  /** Frames per second since the first frame started. */
  fps: number;
  elapsedSeconds: number;
  /** Seconds left at the current speed; undefined before the first frame completes. */
  etaSeconds: number | undefined;
}

export interface RunWarning {
  nodeId: string;
  message: string;
}

export interface RunOptions {
  registry: NodeRegistry;
  host: Host;
  signal?: AbortSignal;
  settings?: Partial<RunSettings>;
  /**
   * The nodes whose work is wanted: only they and what feeds them run. By default, the outputs (nodes that write
   * files); a graph without any runs whole.
   */
  targets?: readonly string[];
  /** Frames being computed at once, across the pipeline of nodes (default 3). Memory is bounded by it. */
  maxInFlight?: number;
  /** Keeps once-per-run results between runs (the editor passes one; a CLI render needs none). */
  cache?: ResultCache;
  /**
   * Keeps streaming nodes' per-frame outputs between runs over the same frames (the editor's preview): a node whose
   * key and every frame of the range are cached is not run at all. Needs `settings.frames.end`.
   */
  frameCache?: FrameCache;
  /**
   * Renders one frame of the range (0-based within it) instead of all: what the editor does when a parameter moves.
   * Scans still see the whole range, so references are as in a full run; smoothing starts afresh at that frame.
   */
  renderOnly?: number;
  /** Stops after the scan pass: the summary holds what the scans found (`scanResults`), and no output is written. */
  scanOnly?: boolean;
  /** What an earlier scan-only run found, by node id: those nodes adopt it instead of scanning (a run split into parts). */
  scanResults?: Readonly<Record<string, unknown>>;
  onProgress?(progress: RunProgress): void;
  onWarning?(warning: RunWarning): void;
  /**
   * A node starts (`working` true) or ends a piece of work: preparing, a frame, finishing. Several work at once in
   * the pipeline; the editor highlights them.
   */
  onNodeWork?(nodeId: string, working: boolean): void;
  /**
   * Sees every node's outputs as they are made (frame undefined for once-per-run nodes): viewers and exports. A
   * promise it returns is awaited before that frame goes on, so slow work here (writing files) holds the stream back
   * instead of piling up.
   */
  onOutputs?(nodeId: string, frame: number | undefined, outputs: Readonly<Record<string, unknown>>): void | Promise<void>;
}

export interface RunSummary {
  frames: number;
  seconds: number;
  fps: number;
  timeline: Timeline | undefined;
  warnings: RunWarning[];
  executionProvider: string;
  /** Once-per-run nodes whose results came from the cache. */
  cachedNodes: string[];
  /** Seconds each node spent preparing and running (wall clock; stages overlap, so these can add up past the total). */
  nodeSeconds: Record<string, number>;
  /** Every model the run opened: which node, which file, the provider that ran it and its time per call. */
  models: ModelUse[];
  /** What nodes counted over the run (`ctx.tally`), by node id, then by name. */
  tallies: Record<string, Record<string, number>>;
  /** What each scanning node found that it can hand on (ScanSpec.result), by node id. */
  scanResults: Record<string, unknown>;
}

export interface ModelUse {
  nodeId: string;
  /** "model/file.onnx" */
  label: string;
  provider: string;
  runs: number;
  /** Mean wall-clock milliseconds of one run of the model. */
  milliseconds: number;
}
