import type { ModelSession } from './onnx/model-session.ts';
import { CancelledError, NodeRunError, UsageError } from './errors.ts';
import type { GraphDocument } from './graph/document.ts';
import { topologicalOrder } from './graph/order.ts';
import type { Host } from './host.ts';
import type { AnyNodeDefinition, NodeContext, RunOutcome, RunSettings, Timeline } from './node-definition.ts';
import { defaultParams, type ParamValue } from './params.ts';
import type { NodeRegistry } from './registry.ts';
import type { FrameCache } from './frame-cache.ts';
import type { ResultCache } from './result-cache.ts';

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
  onProgress?(progress: RunProgress): void;
  onWarning?(warning: RunWarning): void;
  /** Sees every node's outputs as they are made (frame undefined for once-per-run nodes): viewers and exports. */
  onOutputs?(nodeId: string, frame: number | undefined, outputs: Readonly<Record<string, unknown>>): void;
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

type Outputs = Record<string, unknown>;

interface Incoming {
  port: string;
  fromId: string;
  fromPort: string;
}

interface PlannedNode {
  id: string;
  definition: AnyNodeDefinition;
  params: Record<string, ParamValue>;
  incoming: Incoming[];
  streaming: boolean;
}

interface Prepared {
  node: PlannedNode;
  context: NodeContext<Record<string, ParamValue>>;
  state: unknown;
}

/**
 * Runs a validated graph document: once-per-run nodes first (cached by their inputs), then the stream frame by frame
 * with at most `maxInFlight` frames in the pipeline, each node seeing its frames in order.
 */
export async function runGraph(document: GraphDocument, options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const settings: RunSettings = { overwrite: false, frames: { start: 0 }, ...options.settings };
  const maxInFlight = Math.max(1, options.maxInFlight ?? 3);
  // Aborted by the caller's signal or by the first failure, so that every frame still in flight stops.
  const controller = new AbortController();
  const forwardAbort = () => controller.abort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const signal = controller.signal;

  const warnings: RunWarning[] = [];
  const cachedNodes: string[] = [];
  const nodes = planNodes(document, options.registry);
  const staticOutputs = new Map<string, Outputs>();
  /** Each node's cache key: static nodes always, streaming nodes where a frame cache is given. */
  const keys = new Map<string, string>();
  const frameCache = options.frameCache;
  const range = settings.frames;
  if ((frameCache || options.renderOnly !== undefined) && range.end === undefined) throw new Error('a frame cache or a single frame needs the range to end');
  const streaming: Prepared[] = [];
  let timeline: Timeline | undefined;
  let framesDone = 0;
  let loopStarted = started;
  let outcome: RunOutcome = 'failed';

  const models: ModelUse[] = [];
  const tallies: Record<string, Record<string, number>> = {};
  const contextFor = (node: PlannedNode): NodeContext<Record<string, ParamValue>> => ({
    nodeId: node.id,
    params: node.params,
    host: recordingModels(options.host, node.id, models),
    signal,
    graph: document,
    streaming: node.streaming,
    timeline,
    settings,
    warn(message) {
      const warning = { nodeId: node.id, message };
      warnings.push(warning);
      options.onWarning?.(warning);
    },
    tally(name, amount) {
      const counts = (tallies[node.id] ??= {});
      counts[name] = (counts[name] ?? 0) + amount;
    },
  });

  const nodeSeconds: Record<string, number> = {};
  const call = async <T>(node: PlannedNode, frameIndex: number | undefined, work: () => Promise<T>): Promise<T> => {
    if (signal.aborted) throw new CancelledError();
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      if (options.signal?.aborted) throw new CancelledError();
      // Usage errors already name the file or option at fault: a node prefix would only add noise.
      if (error instanceof NodeRunError || error instanceof CancelledError || error instanceof UsageError) throw error;
      throw new NodeRunError(node.id, node.definition.type, frameIndex, error);
    } finally {
      nodeSeconds[node.id] = (nodeSeconds[node.id] ?? 0) + (performance.now() - started) / 1000;
    }
  };

  try {
    await checkModels(nodes, options.host);
    for (const node of nodes.filter((n) => !n.streaming)) {
      const context = contextFor(node);
      const inputs = gatherInputs(node, staticOutputs);
      const key = await call(node, undefined, async () => cacheKey(node, keys, await node.definition.cacheKey?.(context)));
      keys.set(node.id, key);
      const cached = options.cache?.get(key);
      if (cached) {
        staticOutputs.set(node.id, cached);
        cachedNodes.push(node.id);
        options.onOutputs?.(node.id, undefined, cached);
        continue;
      }
      const outputs = await call(node, undefined, async () => {
        const state = await node.definition.prepare?.(context, inputs);
        try {
          return await node.definition.run({ ...context, frame: undefined }, inputs, state);
        } finally {
          await node.definition.close?.(state, 'done');
        }
      });
      staticOutputs.set(node.id, outputs);
      options.cache?.set(key, outputs);
      options.onOutputs?.(node.id, undefined, outputs);
    }

    const streamingNodes = nodes.filter((n) => n.streaming);
    // With a frame cache, nodes whose every frame of the range is cached are served from it: never prepared or run.
    const served = new Set<string>();
    const frameKey = (node: PlannedNode, index: number) => `${keys.get(node.id)}#${range.start + index}`;
    if (frameCache) {
      for (const node of streamingNodes) {
        keys.set(node.id, await call(node, undefined, async () => cacheKey(node, keys, await node.definition.cacheKey?.(contextFor(node)))));
        // A node without outputs runs for what it does (writes a file), so it always runs.
        let cached = Object.keys(node.definition.outputs).length > 0 && (!node.definition.timeline || frameCache.has(`${keys.get(node.id)}#timeline`));
        for (let index = 0; cached && index < range.end! - range.start; index++) cached = frameCache.has(frameKey(node, index));
        if (cached) served.add(node.id);
      }
    }
    const prepare = async (node: PlannedNode) => {
      const context = contextFor(node);
      // A source rendering a single frame starts there (a stream reads forward only).
      if (options.renderOnly !== undefined && node.definition.timeline) {
        const first = range.start + options.renderOnly;
        context.settings = { ...settings, frames: { start: first, end: first + 1 } };
      }
      const state = await call(node, undefined, async () => node.definition.prepare?.(context, gatherInputs(node, staticOutputs)));
      streaming.push({ node, context, state });
      return state;
    };
    // Sources first: their timelines tell every other streaming node how many frames come and how fast.
    const timelines: Timeline[] = [];
    for (const node of streamingNodes.filter((n) => n.definition.timeline)) {
      const timelineKey = `${keys.get(node.id)}#timeline`;
      if (served.has(node.id)) {
        timelines.push(frameCache!.get(timelineKey) as Timeline);
        continue;
      }
      const state = await prepare(node);
      const own = node.definition.timeline!(state);
      // One frame was asked of the source; the run still spans the whole range.
      const spanned = options.renderOnly !== undefined ? { ...own, frameCount: range.end! - range.start } : own;
      timelines.push(spanned);
      frameCache?.set(timelineKey, spanned);
    }
    if (timelines.length > 0) {
      timeline = { frameCount: Math.min(...timelines.map((t) => t.frameCount)), fps: timelines[0]!.fps };
      if (new Set(timelines.map((t) => t.frameCount)).size > 1) {
        warnings.push({ nodeId: '', message: `stream sources differ in length; the run stops at the shortest (${timeline.frameCount} frames)` });
      }
    }
    for (const node of streamingNodes.filter((n) => !n.definition.timeline && !served.has(n.id))) await prepare(node);
    // Contexts made before the timeline was known see it now.
    for (const prepared of streaming) prepared.context.timeline = timeline;

    for (const prepared of streaming) {
      const scan = prepared.node.definition.scan;
      if (!scan?.wanted(prepared.node.params, { singleFrame: options.renderOnly !== undefined })) continue;
      const edge = prepared.node.incoming.find((e) => e.port === scan.input);
      if (!edge) continue;
      // The upstream nodes run again, with states of their own, so the render pass starts from their first frame.
      const upstream = upstreamOf(edge.fromId, streamingNodes);
      const pass: Prepared[] = [];
      const quiet = (node: PlannedNode) => ({ ...contextFor(node), timeline, warn() {}, tally() {} });
      try {
        for (const node of upstream.filter((n) => !served.has(n.id))) {
          const context = quiet(node);
          pass.push({ node, context, state: await call(node, undefined, async () => node.definition.prepare?.(context, gatherInputs(node, staticOutputs))) });
        }
        const total = timeline?.frameCount ?? 0;
        const scanStarted = performance.now();
        for (let index = 0; index < total; index++) {
          const values = new Map<string, Outputs>(staticOutputs);
          const frame = { index, time: index / (timeline?.fps ?? 1) };
          for (const node of upstream) {
            if (served.has(node.id)) {
              values.set(node.id, frameCache!.get(frameKey(node, index)) as Outputs);
              continue;
            }
            const { context, state } = pass.find((prepared) => prepared.node === node)!;
            values.set(node.id, await call(node, index, () => node.definition.run({ ...context, frame }, gatherInputs(node, values), state)));
          }
          const value = values.get(edge.fromId)?.[edge.fromPort] as never;
          const verdict = await call(prepared.node, index, async () => scan.visit({ ...prepared.context, frame }, value, prepared.state));
          const elapsedSeconds = (performance.now() - scanStarted) / 1000;
          const fps = (index + 1) / Math.max(elapsedSeconds, 1e-6);
          options.onProgress?.({ pass: 'scan', frame: index + 1, total, fps, elapsedSeconds, etaSeconds: (total - index - 1) / fps });
          if (verdict === 'enough') break;
        }
      } finally {
        for (const { node, state } of pass.reverse()) await node.definition.close?.(state, 'done').catch(() => undefined);
      }
    }

    const order = streaming.slice().sort((a, b) => streamingNodes.indexOf(a.node) - streamingNodes.indexOf(b.node));
    const servedNodes = streamingNodes.filter((node) => served.has(node.id));
    const total = timeline?.frameCount ?? 0;
    const frames = options.renderOnly !== undefined ? (options.renderOnly < total ? [options.renderOnly] : []) : Array.from({ length: total }, (_, index) => index);
    const tails = new Map<string, Promise<unknown>>();
    const processFrame = async (index: number): Promise<void> => {
      const values = new Map<string, Outputs>(staticOutputs);
      const frame = { index, time: index / (timeline?.fps ?? 1) };
      for (const node of servedNodes) {
        const outputs = frameCache!.get(frameKey(node, index)) as Outputs;
        values.set(node.id, outputs);
        options.onOutputs?.(node.id, index, outputs);
      }
      for (const { node, context, state } of order) {
        // A node sees its frames one at a time and in order, while other nodes work on neighbouring frames.
        const previous = tails.get(node.id) ?? Promise.resolve();
        const result = previous.then(() =>
          call(node, index, () => node.definition.run({ ...context, frame }, gatherInputs(node, values), state)),
        );
        tails.set(node.id, result.catch(() => undefined));
        const outputs = await result;
        values.set(node.id, outputs);
        if (Object.keys(node.definition.outputs).length > 0) frameCache?.set(frameKey(node, index), outputs);
        options.onOutputs?.(node.id, index, outputs);
      }
      framesDone++;
      const elapsedSeconds = (performance.now() - loopStarted) / 1000;
      const fps = framesDone / Math.max(elapsedSeconds, 1e-6);
      options.onProgress?.({ pass: 'render', frame: framesDone, total: frames.length, fps, elapsedSeconds, etaSeconds: (frames.length - framesDone) / fps });
    };

    loopStarted = performance.now();
    const inFlight: Promise<void>[] = [];
    let firstError: unknown;
    for (const index of frames) {
      if (signal.aborted || firstError !== undefined) break;
      const pending = processFrame(index);
      // The first failure stops every other frame at once.
      pending.catch((error: unknown) => {
        firstError ??= error;
        controller.abort();
      });
      inFlight.push(pending);
      if (inFlight.length >= maxInFlight) await untilSettledOrAborted(inFlight.shift()!, signal);
    }
    while (inFlight.length > 0 && !signal.aborted) await untilSettledOrAborted(inFlight.shift()!, signal);
    if (firstError !== undefined && !options.signal?.aborted) throw firstError;
    if (signal.aborted) throw new CancelledError();

    // A single frame is a glimpse, not a run: nothing is completed (no file written, no gaps reported).
    if (options.renderOnly === undefined) {
      for (const { node, context, state } of order) {
        await call(node, undefined, async () => node.definition.finish?.(context, state));
      }
    }
    outcome = 'done';
  } catch (error) {
    outcome = options.signal?.aborted ? 'cancelled' : 'failed';
    throw outcome === 'cancelled' ? new CancelledError() : error;
  } finally {
    controller.abort();
    options.signal?.removeEventListener('abort', forwardAbort);
    for (const { node, state } of streaming.reverse()) {
      await node.definition.close?.(state, outcome).catch(() => undefined);
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const loopSeconds = (performance.now() - loopStarted) / 1000;
  return {
    frames: framesDone,
    seconds,
    fps: framesDone / Math.max(loopSeconds, 1e-6),
    timeline,
    warnings,
    executionProvider: options.host.executionProvider,
    cachedNodes,
    nodeSeconds,
    models: models.map((use) => ({ ...use, milliseconds: use.runs ? use.milliseconds / use.runs : 0 })),
    tallies,
  };
}

/** One model of a run in words, for summaries in both hosts: which node, which file, which provider, what it cost. */
export function describeModelUse(use: ModelUse): string {
  return `${use.label} (node "${use.nodeId}") ran on ${use.provider}: ${use.milliseconds.toFixed(1)} ms a run, ${use.runs} run${use.runs === 1 ? '' : 's'}`;
}

/** What nodes counted, one line per node: `node "f2f": 0 folded triangles drawn, 12 frames clamped`. */
export function describeTallies(tallies: RunSummary['tallies']): string[] {
  return Object.entries(tallies).map(
    ([nodeId, counts]) => `node "${nodeId}": ${Object.entries(counts).map(([name, total]) => `${total} ${name}`).join(', ')}`,
  );
}

/** Every model the graph needs must be there before anything runs: a missing one is named with the way to get it. */
async function checkModels(nodes: PlannedNode[], host: Host): Promise<void> {
  const ids = new Set(nodes.flatMap((node) => node.definition.models?.(node.params) ?? []));
  const problems = (await Promise.all([...ids].map((id) => host.modelProblem(id)))).filter((problem) => problem !== undefined);
  if (problems.length) throw new UsageError(problems.join('\n'));
}

/** The host as one node sees it: models it opens are recorded (provider, time per run) for the run's summary. */
function recordingModels(host: Host, nodeId: string, uses: ModelUse[]): Host {
  return {
    ...host,
    async openModel(ref) {
      const session = await host.openModel(ref);
      const use: ModelUse = { nodeId, label: session.label, provider: session.provider, runs: 0, milliseconds: 0 };
      uses.push(use);
      return timedSession(session, (milliseconds) => {
        use.milliseconds += milliseconds;
        use.runs++;
      });
    },
  };
}

/** `session`, with each run's milliseconds passed to `ran`. */
export function timedSession(session: ModelSession, ran: (milliseconds: number) => void): ModelSession {
  return {
    label: session.label,
    provider: session.provider,
    signature: session.signature,
    async run(feeds) {
      const started = performance.now();
      const result = await session.run(feeds);
      ran(performance.now() - started);
      return result;
    },
    release: () => session.release(),
  };
}

/** Resolves definitions, full params and incoming edges, in topological order; marks the nodes that stream. */
function planNodes(document: GraphDocument, registry: NodeRegistry): PlannedNode[] {
  const { order, cycle } = topologicalOrder(Object.keys(document.nodes), document.edges);
  if (cycle) throw new Error(`the graph has a cycle: ${cycle.join(' -> ')}`);
  const planned = new Map<string, PlannedNode>();
  for (const id of order) {
    const node = document.nodes[id]!;
    const definition = registry.get(node.type);
    if (!definition) throw new Error(`unknown node type "${node.type}"`);
    const incoming = document.edges
      .filter((edge) => edge.to[0] === id)
      .map((edge) => ({ port: edge.to[1], fromId: edge.from[0], fromPort: edge.from[1] }));
    const params = { ...defaultParams(definition.params), ...(node.params as Record<string, ParamValue>) };
    const streaming = Boolean(definition.timeline) || incoming.some((edge) => planned.get(edge.fromId)?.streaming);
    planned.set(id, { id, definition, params, incoming, streaming });
  }
  return [...planned.values()];
}

/** `id` and the streaming nodes it depends on, in run order. */
function upstreamOf(id: string, streamingNodes: PlannedNode[]): PlannedNode[] {
  const wanted = new Set([id]);
  for (const node of streamingNodes.slice().reverse()) {
    if (wanted.has(node.id)) for (const edge of node.incoming) wanted.add(edge.fromId);
  }
  return streamingNodes.filter((node) => wanted.has(node.id));
}

function gatherInputs(node: PlannedNode, values: Map<string, Outputs>): Record<string, never> {
  const inputs: Record<string, unknown> = {};
  for (const edge of node.incoming) inputs[edge.port] = values.get(edge.fromId)?.[edge.fromPort];
  // The definition's typed `run` reads these by port name; validation guaranteed the types match.
  return inputs as Record<string, never>;
}

/** Type, version, params and the keys of everything upstream: equal keys mean equal results. */
function cacheKey(node: PlannedNode, upstreamKeys: Map<string, string>, external: string | undefined): string {
  const upstream = node.incoming
    .map((edge) => `${edge.port}=${edge.fromPort}@(${upstreamKeys.get(edge.fromId)})`)
    .sort()
    .join(',');
  return `${node.definition.type}@${node.definition.version}${JSON.stringify(node.params)}[${upstream}]${external ?? ''}`;
}

/** Waits for `work`, but no longer than until `signal` aborts (the work is then stopped by closing its nodes). */
function untilSettledOrAborted(work: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
    );
  });
}
