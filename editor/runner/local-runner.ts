import type { FaceLandmarks } from '../../runtime/face.ts';
import { FrameCache } from '../../runtime/frame-cache.ts';
import type { Host } from '../../runtime/host.ts';
import type { RgbaImage } from '../../runtime/image.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { ResultCache } from '../../runtime/result-cache.ts';
import { runExport } from '../export/export-run.ts';
import { runPreview } from '../preview/preview-run.ts';
import { viewerSources } from '../preview/viewer-extras.ts';
import type { GraphRunner, RunEvents } from './graph-runner.ts';

/**
 * Runs the editor's graphs in this thread with `host`. Keeps the caches between runs: a moved slider re-runs only
 * what lies downstream, and the driver is not decoded or looked at again. The page's worker runs one of these.
 */
export function createLocalRunner(options: { registry: NodeRegistry; host: Host }): GraphRunner {
  const { registry, host } = options;
  const cache = new ResultCache();
  let frameCache = new FrameCache();
  return {
    preview(document, request, events, signal) {
      // A live source's preview is a new take: the cache would replay the last one (and all it fed). A redraw keeps it.
      if (request.only === undefined && Object.values(document.nodes).some((node) => liveSources.has(node.type))) frameCache = new FrameCache();
      const sources = viewerSources(document, registry);
      return runPreview(document, {
        registry,
        host,
        cache,
        frameCache,
        frames: request.frames,
        only: request.only,
        signal,
        onFrame: (index, frame) => events.frame(index, frame),
        onProgress: events.progress,
        onNodeWork: workTracker(events),
        // The viewer's extras: the painting before it moves, the driver and its landmarks.
        onNodeOutputs(nodeId, frame, outputs) {
          if (frame === undefined) {
            if (sources.before?.nodeId === nodeId) events.before?.(outputs[sources.before.port] as RgbaImage | undefined);
            return;
          }
          const driver = sources.driver;
          if (driver?.frames.nodeId === nodeId) events.driver?.(frame, { frame: outputs[driver.frames.port] as RgbaImage | undefined });
          if (driver?.face.nodeId === nodeId) events.driver?.(frame, { face: outputs[driver.face.port] as FaceLandmarks | undefined });
        },
      });
    },
    exportVideo(document, request, events, signal) {
      return runExport(document, {
        registry,
        host,
        cache,
        frames: request.frames,
        signal,
        onProgress: (progress) => events.progress?.(progress),
        onNodeWork: workTracker(events),
      });
    },
  };
}

/** Sources that never give the same frames twice: a camera, a microphone. */
const liveSources = new Set(['webcam', 'microphone']);

/** Turns a run's start and end of each node's work into the list of nodes working, told whenever it changes. */
function workTracker(events: RunEvents): ((nodeId: string, working: boolean) => void) | undefined {
  const { working } = events;
  if (!working) return undefined;
  const counts = new Map<string, number>();
  return (nodeId, started) => {
    const count = (counts.get(nodeId) ?? 0) + (started ? 1 : -1);
    const changed = (count > 0) !== counts.has(nodeId);
    if (count > 0) counts.set(nodeId, count);
    else counts.delete(nodeId);
    if (changed) working([...counts.keys()]);
  };
}
