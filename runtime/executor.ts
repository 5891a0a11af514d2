import { CancelledError } from './errors.ts';
import type { GraphDocument } from './graph/document.ts';
import type { RunOutcome } from './node-definition.ts';
import { runOncePhase } from './engine/once-phase.ts';
import { checkModels, neededNodes, planNodes } from './engine/plan.ts';
import { RunState } from './engine/run-state.ts';
import type { ModelUse, RunOptions, RunSummary } from './engine/run-types.ts';
import { runScanPhase } from './engine/scan-phase.ts';
import { Stream } from './engine/stream-phase.ts';

export type { ModelUse, RunOptions, RunProgress, RunSummary, RunWarning } from './engine/run-types.ts';
export { timedSession } from './engine/run-state.ts';

/**
 * Runs a validated graph document, in phases (runtime/engine): plan the nodes; run the once-per-run nodes (cached by
 * their inputs); open the stream (sources first, for the timeline); let nodes that ask scan the stream; then render
 * it frame by frame with at most `maxInFlight` frames in the pipeline, each node seeing its frames in order; finish.
 */
export async function runGraph(document: GraphDocument, options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const maxInFlight = Math.max(1, options.maxInFlight ?? 3);
  if ((options.frameCache || options.renderOnly !== undefined) && options.settings?.frames?.end === undefined) {
    throw new Error('a frame cache or a single frame needs the range to end');
  }
  const { needed: nodes, unused } = neededNodes(planNodes(document, options.registry), options.targets);
  const run = new RunState(document, options);
  if (unused.length > 0) {
    const listed = unused.length > 5 ? `${unused.slice(0, 5).join(', ')} and ${unused.length - 5} more` : unused.join(', ');
    run.warn({ nodeId: '', message: `${unused.length} node${unused.length === 1 ? '' : 's'} feed${unused.length === 1 ? 's' : ''} no output and did not run: ${listed}` });
  }
  /** Each node's cache key: static nodes always, streaming nodes where a frame cache is given. */
  const keys = new Map<string, string>();
  const stream = new Stream(run, nodes.filter((node) => node.streaming), keys);
  let cachedNodes: string[] = [];
  let framesDone = 0;
  let loopStarted = started;
  let outcome: RunOutcome = 'failed';
  let scanResults: Record<string, unknown> = {};
  try {
    await checkModels(nodes, options.host);
    const once = await runOncePhase(run, nodes.filter((node) => !node.streaming), keys);
    cachedNodes = once.cachedNodes;
    await stream.open(once.outputs);
    scanResults = await runScanPhase(run, stream, once.outputs);
    const total = run.timeline?.frameCount ?? 0;
    const only = options.renderOnly;
    const frames = options.scanOnly ? [] : only !== undefined ? (only < total ? [only] : []) : Array.from({ length: total }, (_, index) => index);
    loopStarted = performance.now();
    framesDone = await stream.render(once.outputs, frames, maxInFlight);
    // A single frame is a glimpse, not a run: nothing is completed (no file written, no gaps reported).
    if (only === undefined && !options.scanOnly) await stream.finish();
    outcome = 'done';
  } catch (error) {
    outcome = run.cancelled ? 'cancelled' : 'failed';
    throw outcome === 'cancelled' ? new CancelledError() : error;
  } finally {
    run.end();
    await stream.close(outcome);
  }

  const seconds = (performance.now() - started) / 1000;
  const loopSeconds = (performance.now() - loopStarted) / 1000;
  return {
    frames: framesDone,
    seconds,
    fps: framesDone / Math.max(loopSeconds, 1e-6),
    timeline: run.timeline,
    warnings: run.warnings,
    executionProvider: options.host.executionProvider,
    cachedNodes,
    nodeSeconds: run.nodeSeconds,
    models: run.models.map((use) => ({ ...use, milliseconds: use.runs ? use.milliseconds / use.runs : 0 })),
    tallies: run.tallies,
    scanResults,
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
