import { CancelledError } from '../errors.ts';
import type { RunOutcome, Timeline } from '../node-definition.ts';
import { evaluateFrame, type FrameSources } from './frame-evaluation.ts';
import { cacheKey, gatherInputs, type Outputs, type PlannedNode, type Prepared } from './plan.ts';
import type { RunState } from './run-state.ts';

/**
 * The streaming nodes of a run: opened (each prepared, or served whole from the frame cache), run over the frames,
 * finished and closed.
 */
export class Stream implements FrameSources {
  /** Prepared nodes in the order they were prepared (sources first); closed in reverse. */
  readonly prepared = new Map<string, Prepared>();
  /** Nodes the frame cache serves in the render: neither prepared nor run there. */
  private readonly servedNodes = new Set<string>();
  /** Nodes whose every frame of the range is cached: a scan reads them, and runs nothing upstream of them. */
  private readonly wholeNodes = new Set<string>();
  /** Served outputs, taken from the cache as the run opens: what the run's own frames evict meanwhile stays at hand. */
  private readonly pinned = new Map<string, Map<number, Outputs>>();

  constructor(
    private readonly run: RunState,
    readonly nodes: PlannedNode[],
    private readonly keys: Map<string, string>,
  ) {}

  private frameKey(node: PlannedNode, index: number): string {
    return `${this.keys.get(node.id)}#${this.run.settings.frames.start + index}`;
  }

  /** Whether the frame cache serves the node in the render, so that it is neither prepared nor run there. */
  isServed(node: PlannedNode): boolean {
    return this.servedNodes.has(node.id);
  }

  served(node: PlannedNode, index: number): Outputs | undefined {
    return this.isServed(node) ? this.pinned.get(node.id)?.get(index) : undefined;
  }

  /** Whether the cache holds every frame of the node: a scan reads it there instead of running it. */
  isWhole(node: PlannedNode): boolean {
    return this.wholeNodes.has(node.id);
  }

  /** A node's outputs as a scan sees them: from the cache where it holds every frame, else undefined (it runs). */
  servedWhole(node: PlannedNode, index: number): Outputs | undefined {
    return this.isWhole(node) ? this.pinned.get(node.id)?.get(index) : undefined;
  }

  /**
   * The streaming nodes a scan runs to see `id`'s outputs over the whole range, in run order: `id` and what feeds
   * it, stopping at nodes the cache holds whole (their frames are read, so what feeds them is not needed).
   */
  scanUpstream(id: string): PlannedNode[] {
    const wanted = new Set([id]);
    for (const node of [...this.nodes].reverse()) {
      if (!wanted.has(node.id) || this.wholeNodes.has(node.id)) continue;
      for (const edge of node.incoming) wanted.add(edge.fromId);
    }
    return this.nodes.filter((node) => wanted.has(node.id));
  }

  /**
   * Finds which nodes the frame cache serves, prepares the sources (their timelines give the run its length and
   * speed), then every other node.
   */
  async open(once: Map<string, Outputs>): Promise<void> {
    const { run, keys } = this;
    const { frameCache, renderOnly } = run.options;
    const range = run.settings.frames;
    if (frameCache) {
      // With a frame cache, nodes whose frames the run renders are cached are served from it: never prepared or run.
      // A single frame needs only its own; a scan needs every frame (runtime/frame-cache.ts keeps small ones long).
      const count = range.end! - range.start;
      for (const node of this.nodes) {
        keys.set(node.id, await run.call(node, undefined, async () => cacheKey(node, keys, await node.definition.cacheKey?.(run.context(node)))));
        // A node without outputs runs for what it does (writes a file), so it always runs.
        const cachable = Object.keys(node.definition.outputs).length > 0 && (!node.definition.timeline || frameCache.has(`${keys.get(node.id)}#timeline`));
        if (!cachable) continue;
        let whole = true;
        for (let index = 0; whole && index < count; index++) whole = frameCache.has(this.frameKey(node, index));
        const single = renderOnly !== undefined && renderOnly < count && frameCache.has(this.frameKey(node, renderOnly));
        if (whole) this.wholeNodes.add(node.id);
        if (whole || single) this.servedNodes.add(node.id);
        const indices = whole ? Array.from({ length: count }, (_, index) => index) : single ? [renderOnly] : [];
        if (indices.length > 0) this.pinned.set(node.id, new Map(indices.map((index) => [index, frameCache.get(this.frameKey(node, index)) as Outputs])));
      }
    }
    const prepare = async (node: PlannedNode) => {
      const context = run.context(node);
      // A source rendering a single frame starts there (a stream reads forward only).
      if (renderOnly !== undefined && node.definition.timeline) {
        const first = range.start + renderOnly;
        context.settings = { ...run.settings, frames: { start: first, end: first + 1 } };
      }
      const state = await run.call(node, undefined, async () => node.definition.prepare?.(context, gatherInputs(node, once)));
      this.prepared.set(node.id, { node, context, state });
      return state;
    };
    // Sources first: their timelines tell every other streaming node how many frames come and how fast.
    const timelines: Timeline[] = [];
    for (const node of this.nodes.filter((n) => n.definition.timeline)) {
      const timelineKey = `${keys.get(node.id)}#timeline`;
      if (this.servedNodes.has(node.id)) {
        // The cached timeline is of the range it was made for; every frame of this range is cached, so it spans it.
        timelines.push({ ...(frameCache!.get(timelineKey) as Timeline), frameCount: range.end! - range.start });
        continue;
      }
      const own = node.definition.timeline!(await prepare(node));
      // One frame was asked of the source; the run still spans the whole range.
      const spanned = renderOnly !== undefined ? { ...own, frameCount: range.end! - range.start } : own;
      timelines.push(spanned);
      frameCache?.set(timelineKey, spanned);
    }
    if (timelines.length > 0) {
      run.timeline = { frameCount: Math.min(...timelines.map((t) => t.frameCount)), fps: timelines[0]!.fps };
      if (new Set(timelines.map((t) => t.frameCount)).size > 1) {
        run.warn({ nodeId: '', message: `stream sources differ in length; the run stops at the shortest (${run.timeline.frameCount} frames)` });
      }
    }
    for (const node of this.nodes.filter((n) => !n.definition.timeline && !this.servedNodes.has(n.id))) await prepare(node);
    // Contexts made before the timeline was known see it now.
    for (const prepared of this.prepared.values()) prepared.context.timeline = run.timeline;
  }

  /**
   * Runs `frames` through the stream with at most `maxInFlight` in the pipeline, each node seeing its frames one at
   * a time and in order while other nodes work on neighbouring frames. Returns the frames done; the first failure
   * stops every other frame at once.
   */
  async render(once: Map<string, Outputs>, frames: readonly number[], maxInFlight: number): Promise<number> {
    const { run } = this;
    const { frameCache, onOutputs, onProgress } = run.options;
    const tails = new Map<string, Promise<unknown>>();
    const started = performance.now();
    let done = 0;
    const processFrame = async (index: number): Promise<void> => {
      await evaluateFrame(run, this.nodes, this, index, new Map(once), {
        runNode(node, work) {
          const result = (tails.get(node.id) ?? Promise.resolve()).then(work);
          tails.set(node.id, result.catch(() => undefined));
          return result;
        },
        made: async (node, outputs, served) => {
          if (!served && Object.keys(node.definition.outputs).length > 0) frameCache?.set(this.frameKey(node, index), outputs);
          await onOutputs?.(node.id, index, outputs);
        },
      });
      done++;
      const elapsedSeconds = (performance.now() - started) / 1000;
      const fps = done / Math.max(elapsedSeconds, 1e-6);
      onProgress?.({ pass: 'render', frame: done, total: frames.length, fps, elapsedSeconds, etaSeconds: (frames.length - done) / fps });
    };

    const inFlight: Promise<void>[] = [];
    let firstError: unknown;
    for (const index of frames) {
      if (run.signal.aborted || firstError !== undefined) break;
      const pending = processFrame(index);
      pending.catch((error: unknown) => {
        firstError ??= error;
        run.abort();
      });
      inFlight.push(pending);
      if (inFlight.length >= maxInFlight) await untilSettledOrAborted(inFlight.shift()!, run.signal);
    }
    while (inFlight.length > 0 && !run.signal.aborted) await untilSettledOrAborted(inFlight.shift()!, run.signal);
    if (firstError !== undefined && !run.cancelled) throw firstError;
    if (run.signal.aborted) throw new CancelledError();
    return done;
  }

  /** Tells every node the run is complete (a video output writes its file), in run order. */
  async finish(): Promise<void> {
    for (const { node, context, state } of this.inRunOrder()) {
      await this.run.call(node, undefined, async () => node.definition.finish?.(context, state));
    }
  }

  /** Closes every prepared node, last prepared first; a failure to close does not hide the run's own outcome. */
  async close(outcome: RunOutcome): Promise<void> {
    for (const { node, state } of [...this.prepared.values()].reverse()) {
      await node.definition.close?.(state, outcome).catch(() => undefined);
    }
  }

  private inRunOrder(): Prepared[] {
    return this.nodes.flatMap((node) => this.prepared.get(node.id) ?? []);
  }
}

/** Waits for `work`, but no longer than until `signal` aborts (the work is then stopped by closing its nodes). */
function untilSettledOrAborted(work: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const settle = () => {
      signal.removeEventListener('abort', settle);
      resolve();
    };
    signal.addEventListener('abort', settle, { once: true });
    work.then(settle, settle);
  });
}
