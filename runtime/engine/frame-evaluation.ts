import { gatherInputs, type Outputs, type PlannedNode, type Prepared } from './plan.ts';
import type { RunState } from './run-state.ts';

/** Where a pass's nodes get a frame's outputs: the frame cache for the nodes it serves, else their own run. */
export interface FrameSources {
  prepared: ReadonlyMap<string, Prepared>;
  /** A served node's outputs for a frame, or undefined where the node runs. */
  served(node: PlannedNode, index: number): Outputs | undefined;
}

export interface FrameHooks {
  /** Wraps each node's run (the stream keeps each node's frames in order). */
  runNode?(node: PlannedNode, run: () => Promise<Outputs>): Promise<Outputs>;
  /** Sees each node's outputs as they are made, or served (`served`). */
  made?(node: PlannedNode, outputs: Outputs, served: boolean): void | Promise<void>;
}

/**
 * One frame through `nodes` (in run order): the single per-frame evaluation that the scan and the stream share.
 * `values` starts with the once-per-run outputs and gains each node's outputs for this frame.
 */
export async function evaluateFrame(
  run: RunState,
  nodes: readonly PlannedNode[],
  sources: FrameSources,
  index: number,
  values: Map<string, Outputs>,
  hooks: FrameHooks = {},
): Promise<Map<string, Outputs>> {
  const frame = { index, time: index / (run.timeline?.fps ?? 1) };
  for (const node of nodes) {
    const cached = sources.served(node, index);
    let outputs = cached;
    if (!outputs) {
      const { context, state } = sources.prepared.get(node.id)!;
      const work = () => run.call(node, index, () => node.definition.run({ ...context, frame }, gatherInputs(node, values), state));
      outputs = await (hooks.runNode ? hooks.runNode(node, work) : work());
    }
    values.set(node.id, outputs);
    await hooks.made?.(node, outputs, cached !== undefined);
  }
  return values;
}
