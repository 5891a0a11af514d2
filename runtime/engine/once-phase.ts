import { cacheKey, gatherInputs, type Outputs, type PlannedNode } from './plan.ts';
import type { RunState } from './run-state.ts';

/** What the once-per-run nodes made, by node id, and which of them came from the cache. */
export interface OnceResults {
  outputs: Map<string, Outputs>;
  cachedNodes: string[];
}

/**
 * Runs the once-per-run nodes (a painting, its landmarks) in order, each taken from the run's cache where its key is
 * there. Their keys go into `keys`, so the streaming nodes' keys can name them.
 */
export async function runOncePhase(run: RunState, nodes: PlannedNode[], keys: Map<string, string>): Promise<OnceResults> {
  const outputs = new Map<string, Outputs>();
  const cachedNodes: string[] = [];
  const cache = run.options.cache;
  for (const node of nodes) {
    const context = run.context(node);
    const inputs = gatherInputs(node, outputs);
    const key = await run.call(node, undefined, async () => cacheKey(node, keys, await node.definition.cacheKey?.(context)));
    keys.set(node.id, key);
    const cached = cache?.get(key);
    if (cached) cachedNodes.push(node.id);
    const made =
      cached ??
      (await run.call(node, undefined, async () => {
        const state = await node.definition.prepare?.(context, inputs);
        try {
          return await node.definition.run({ ...context, frame: undefined }, inputs, state);
        } finally {
          await node.definition.close?.(state, 'done');
        }
      }));
    outputs.set(node.id, made);
    if (!cached) cache?.set(key, made);
    await run.options.onOutputs?.(node.id, undefined, made);
  }
  return { outputs, cachedNodes };
}
