import { evaluateFrame } from './frame-evaluation.ts';
import { gatherInputs, type Outputs, type Prepared } from './plan.ts';
import type { RunState } from './run-state.ts';
import type { Stream } from './stream-phase.ts';

/**
 * Shows each node that asks for it (a reference frame picked from the whole driver) its input over the stream before
 * the first frame renders. What lies upstream runs again with states of its own, so the render starts from frame 0.
 */
export async function runScanPhase(run: RunState, stream: Stream, once: Map<string, Outputs>): Promise<Record<string, unknown>> {
  const { renderOnly, scanOnly, scanResults } = run.options;
  // A part of a longer run, or the scan made for its parts, must not rely on seeing the run's first frame.
  const singleFrame = renderOnly !== undefined || Boolean(scanOnly) || run.settings.part !== undefined;
  const results: Record<string, unknown> = {};
  for (const scanning of stream.prepared.values()) {
    const scan = scanning.node.definition.scan;
    if (!scan?.wanted(scanning.node.params, { singleFrame })) continue;
    const id = scanning.node.id;
    if (scanResults && Object.hasOwn(scanResults, id) && scan.adopt) {
      scan.adopt(scanning.state, scanResults[id]);
      continue;
    }
    const edge = scanning.node.incoming.find((e) => e.port === scan.input);
    if (!edge) continue;
    // What feeds the scanned input, short of nodes the cache holds whole (a redraw reads the driver's landmarks,
    // without decoding the driver again).
    const upstream = stream.scanUpstream(edge.fromId);
    const pass = new Map<string, Prepared>();
    try {
      for (const node of upstream.filter((n) => !stream.isWhole(n))) {
        const context = run.context(node, true);
        pass.set(node.id, { node, context, state: await run.call(node, undefined, async () => node.definition.prepare?.(context, gatherInputs(node, once))) });
      }
      const total = run.timeline?.frameCount ?? 0;
      const started = performance.now();
      for (let index = 0; index < total; index++) {
        const values = await evaluateFrame(run, upstream, { prepared: pass, served: (node, at) => stream.servedWhole(node, at) }, index, new Map(once));
        const value = values.get(edge.fromId)?.[edge.fromPort] as never;
        const frame = { index, time: index / (run.timeline?.fps ?? 1) };
        const verdict = await run.call(scanning.node, index, async () => scan.visit({ ...scanning.context, frame }, value, scanning.state));
        const elapsedSeconds = (performance.now() - started) / 1000;
        const fps = (index + 1) / Math.max(elapsedSeconds, 1e-6);
        run.options.onProgress?.({ pass: 'scan', frame: index + 1, total, fps, elapsedSeconds, etaSeconds: (total - index - 1) / fps });
        if (verdict === 'enough') break;
      }
    } finally {
      for (const { node, state } of [...pass.values()].reverse()) await node.definition.close?.(state, 'done').catch(() => undefined);
    }
    if (scan.result) results[id] = scan.result(scanning.state);
  }
  return results;
}
