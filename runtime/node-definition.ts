import type { GraphDocument } from './graph/document.ts';
import type { Host } from './host.ts';
import type { ParamSpecs, ParamValues } from './params.ts';
import type { PortType, PortValues } from './port-types.ts';

export type NodeCategory = 'source' | 'analysis' | 'method' | 'compose' | 'output' | 'utility';

export interface InputPortSpec<T extends PortType = PortType, Optional extends boolean = boolean> {
  type: T;
  optional: Optional;
  help: string;
}

export interface OutputPortSpec<T extends PortType = PortType, Maybe extends boolean = boolean> {
  type: T;
  /** The node may produce nothing here (a video without an audio track). */
  maybe: Maybe;
  help: string;
}

export type InputPortSpecs = Record<string, InputPortSpec>;
export type OutputPortSpecs = Record<string, OutputPortSpec>;

export function input<T extends PortType>(type: T, help: string): InputPortSpec<T, false> {
  return { type, optional: false, help };
}

export function optionalInput<T extends PortType>(type: T, help: string): InputPortSpec<T, true> {
  return { type, optional: true, help };
}

export function output<T extends PortType>(type: T, help: string): OutputPortSpec<T, false> {
  return { type, maybe: false, help };
}

export function maybeOutput<T extends PortType>(type: T, help: string): OutputPortSpec<T, true> {
  return { type, maybe: true, help };
}

export type InputValues<I extends InputPortSpecs> = {
  [K in keyof I]: I[K]['optional'] extends true ? PortValues[I[K]['type']] | undefined : PortValues[I[K]['type']];
};

export type OutputValues<O extends OutputPortSpecs> = {
  [K in keyof O]: O[K]['maybe'] extends true ? PortValues[O[K]['type']] | undefined : PortValues[O[K]['type']];
};

/** The frames a run covers, as its stream sources report them. */
export interface Timeline {
  frameCount: number;
  fps: number;
}

/** How the run was asked to behave, the same for every node. */
export interface RunSettings {
  /** Replace existing output files (`--force`). */
  overwrite: boolean;
  /** Which frames of the stream sources to run: `start` inclusive, `end` exclusive, both 0-based. */
  frames: { start: number; end?: number };
  /**
   * This run renders one part of a longer run (a queue's chunk): whole-run state comes from `RunOptions.scanResults`,
   * and the first `warmUp` frames of the range only settle smoothing filters; outputs do not write them.
   */
  part?: { warmUp: number };
}

export interface NodeContext<P> {
  nodeId: string;
  params: P;
  host: Host;
  signal: AbortSignal;
  /** The document being run, migrated and with the command line's values applied: outputs embed it. */
  graph: GraphDocument;
  /** True where the node runs once per frame; false where it runs once per run. */
  streaming: boolean;
  /** Known to every streaming node that is not itself a stream source. */
  timeline: Timeline | undefined;
  settings: RunSettings;
  /** Reports something the user should know that does not stop the run (a frame without a face). */
  warn(message: string): void;
  /** Adds to one of the node's counts that the run's summary reports (triangles a warp had to unfold). */
  tally(name: string, amount: number): void;
}

export interface FrameContext<P> extends NodeContext<P> {
  /** The frame being computed (0-based within the run, and its time in seconds); undefined for a once-per-run node. */
  frame: { index: number; time: number } | undefined;
}

export type RunOutcome = 'done' | 'failed' | 'cancelled';

/**
 * A streaming node that must see one input over the whole run before its first frame (a reference picked from all
 * the driver's frames). The executor first runs that input's upstream nodes through the stream in a pass of their own.
 */
export interface ScanSpec<I extends InputPortSpecs, P extends ParamSpecs, S> {
  input: keyof I & string;
  /**
   * Whether the pass is needed (it decodes and analyses the stream a second time); `singleFrame` where the run renders
   * one frame of its range, so that the node never sees the frames before it.
   */
  wanted(params: ParamValues<P>, run: { singleFrame: boolean }): boolean;
  /** Sees the input's value for each frame, in order; returns 'enough' to end the pass early. */
  visit(ctx: FrameContext<ParamValues<P>>, value: unknown, state: S): 'enough' | void;
  /**
   * What the pass found, as plain JSON: a run split into parts (a queue's chunks) scans once and hands it to every
   * part, which `adopt`s it instead of scanning its own frames.
   */
  result?(state: S): unknown;
  adopt?(state: S, result: unknown): void;
}

/**
 * One node type: its ports, parameters and work. This object is the single source of truth that the executor,
 * validation, the CLI's `vivify nodes`, the editor's palette and the docs all read.
 *
 * Life of a node in a run: `prepare` once (with the inputs that are computed once per run), then `run` once per frame
 * where the node streams or once where it does not, then `finish` after the last frame of a successful run, and
 * `close` always.
 */
export interface NodeDefinition<I extends InputPortSpecs, O extends OutputPortSpecs, P extends ParamSpecs, S> {
  type: string;
  /** Bumped whenever params change meaning; `migrations` carry older documents forward. */
  version: number;
  title: string;
  category: NodeCategory;
  description: string;
  inputs: I;
  outputs: O;
  params: P;
  /** `migrations[n]` turns the params of version n into those of version n + 1. */
  migrations?: Record<number, (params: Record<string, unknown>) => Record<string, unknown>>;
  /** Stream sources only: the frames this node will produce, from its prepared state. */
  timeline?(state: S): Timeline;
  /** Catalog ids of the models the node opens with these params: checked before anything runs. */
  models?(params: ParamValues<P>): string[];
  /**
   * What those models are for, as the model catalog's `task` says ("reenact", "style", "faceswap"): a model no catalog
   * knows is then named with the way to make one (`vivify train deepfakes` for "faceswap").
   */
  modelTask?: string;
  /** Identity of what the params point at (a file's size and time), so cached results notice a changed file. */
  cacheKey?(ctx: NodeContext<ParamValues<P>>): Promise<string>;
  prepare?(ctx: NodeContext<ParamValues<P>>, inputs: Partial<InputValues<I>>): Promise<S>;
  /** Streaming nodes only: an input to see over every frame, after `prepare` and before the first `run`. */
  scan?: ScanSpec<I, P, S>;
  run(ctx: FrameContext<ParamValues<P>>, inputs: InputValues<I>, state: S): Promise<OutputValues<O>>;
  finish?(ctx: NodeContext<ParamValues<P>>, state: S): Promise<void>;
  close?(state: S, outcome: RunOutcome): Promise<void>;
}

/** A definition with its types erased, as the registry and executor hold it. */
export type AnyNodeDefinition = NodeDefinition<InputPortSpecs, OutputPortSpecs, ParamSpecs, unknown>;

export function defineNode<I extends InputPortSpecs, O extends OutputPortSpecs, P extends ParamSpecs, S = undefined>(
  definition: NodeDefinition<I, O, P, S>,
): NodeDefinition<I, O, P, S> {
  return definition;
}
