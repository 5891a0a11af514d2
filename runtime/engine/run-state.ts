import { CancelledError, NodeRunError, UsageError } from '../errors.ts';
import type { GraphDocument } from '../graph/document.ts';
import type { Host } from '../host.ts';
import type { NodeContext, RunSettings, Timeline } from '../node-definition.ts';
import type { ModelSession } from '../onnx/model-session.ts';
import type { ParamValue } from '../params.ts';
import type { PlannedNode } from './plan.ts';
import type { ModelUse, RunOptions, RunWarning } from './run-types.ts';

/**
 * What one run holds while it goes, for every phase: its settings, its signal (the caller's, or the first failure's),
 * the timeline once the sources tell it, and what it gathers for the summary.
 */
export class RunState {
  readonly settings: RunSettings;
  readonly warnings: RunWarning[] = [];
  readonly models: ModelUse[] = [];
  readonly tallies: Record<string, Record<string, number>> = {};
  /** Seconds each node spent preparing and running. */
  readonly nodeSeconds: Record<string, number> = {};
  timeline: Timeline | undefined;
  private readonly controller = new AbortController();
  private readonly forwardAbort = () => this.controller.abort();

  constructor(
    readonly document: GraphDocument,
    readonly options: RunOptions,
  ) {
    this.settings = { overwrite: false, frames: { start: 0 }, ...options.settings };
    options.signal?.addEventListener('abort', this.forwardAbort, { once: true });
    if (options.signal?.aborted) this.controller.abort();
  }

  /** Aborted by the caller's signal or by the first failure, so that every frame still in flight stops. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the caller cancelled (rather than a node failing). */
  get cancelled(): boolean {
    return Boolean(this.options.signal?.aborted);
  }

  abort(): void {
    this.controller.abort();
  }

  /** Stops whatever is still in flight and lets go of the caller's signal. */
  end(): void {
    this.controller.abort();
    this.options.signal?.removeEventListener('abort', this.forwardAbort);
  }

  warn(warning: RunWarning): void {
    this.warnings.push(warning);
    this.options.onWarning?.(warning);
  }

  /** What a node sees of the run; a `quiet` one's warnings and counts are dropped (a scan's second look at a stream). */
  context(node: PlannedNode, quiet = false): NodeContext<Record<string, ParamValue>> {
    return {
      nodeId: node.id,
      params: node.params,
      host: recordingModels(this.options.host, node.id, this.models),
      signal: this.signal,
      graph: this.document,
      streaming: node.streaming,
      timeline: this.timeline,
      settings: this.settings,
      warn: (message) => {
        if (!quiet) this.warn({ nodeId: node.id, message });
      },
      tally: (name, amount) => {
        if (quiet) return;
        const counts = (this.tallies[node.id] ??= {});
        counts[name] = (counts[name] ?? 0) + amount;
      },
    };
  }

  /**
   * Runs one piece of a node's work, timed; a failure comes out naming the node and the frame. An abort ends the wait
   * at once, even where the work itself cannot be interrupted (a read that blocks): the run ends, and closing the
   * node stops the work.
   */
  async call<T>(node: PlannedNode, frameIndex: number | undefined, work: () => Promise<T>): Promise<T> {
    if (this.signal.aborted) throw new CancelledError();
    const started = performance.now();
    this.options.onNodeWork?.(node.id, true);
    try {
      return await untilAborted(work(), this.signal);
    } catch (error) {
      if (this.cancelled) throw new CancelledError();
      // Usage errors already name the file or option at fault: a node prefix would only add noise.
      if (error instanceof NodeRunError || error instanceof CancelledError || error instanceof UsageError) throw error;
      throw new NodeRunError(node.id, node.definition.type, frameIndex, error);
    } finally {
      this.options.onNodeWork?.(node.id, false);
      this.nodeSeconds[node.id] = (this.nodeSeconds[node.id] ?? 0) + (performance.now() - started) / 1000;
    }
  }
}

/** `work`'s result, or a CancelledError as soon as `signal` aborts (the work's own outcome is then ignored). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new CancelledError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
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
