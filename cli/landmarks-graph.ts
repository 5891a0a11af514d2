import { createRegistry } from '../nodes/index.ts';
import { UsageError } from '../runtime/errors.ts';
import { runGraph, type RunProgress, type RunSummary, type RunWarning } from '../runtime/executor.ts';
import type { FaceLandmarks } from '../runtime/face.ts';
import type { GraphDocument } from '../runtime/graph/document.ts';
import { checkGraph } from '../runtime/graph/load.ts';
import type { Host } from '../runtime/host.ts';
import type { RgbaImage } from '../runtime/image.ts';
import { displayPath } from '../runtime/node/paths.ts';

/**
 * The graph `vivify landmarks` runs, and `vivify eval` to track its videos: picture or video ("picture" or "drive")
 * -> face-landmarks ("face", with `faceParams`) (-> overlay -> video for a video overlay).
 */
export function landmarksGraph(input: string, isImage: boolean, videoOverlay?: string, faceParams: Record<string, unknown> = {}): GraphDocument {
  const from = isImage ? 'picture' : 'drive';
  const nodes: GraphDocument['nodes'] = {
    [from]: { type: isImage ? 'source-image' : 'driving-video', typeVersion: 1, params: { path: input } },
    face: { type: 'face-landmarks', typeVersion: 1, params: faceParams },
  };
  const edges: GraphDocument['edges'] = [{ from: [from, isImage ? 'image' : 'frames'], to: ['face', 'image'] }];
  if (videoOverlay) {
    nodes.overlay = { type: 'landmark-overlay', typeVersion: 1, params: {} };
    nodes.out = { type: 'video-output', typeVersion: 1, params: { path: videoOverlay, preset: 'veryfast' } };
    edges.push(
      { from: ['drive', 'frames'], to: ['overlay', 'frames'] },
      { from: ['face', 'face'], to: ['overlay', 'face'] },
      { from: ['overlay', 'frames'], to: ['out', 'frames'] },
      { from: ['drive', 'audio'], to: ['out', 'audio'] },
    );
  }
  return { format: 'vivify.graph', version: 1, meta: { title: 'Landmarks' }, nodes, edges, inputs: {}, models: [] };
}

/** What a tracking run reports as it goes: the executor's progress and warnings, and a signal that cancels it. */
export interface TrackingEvents {
  onProgress?: (progress: RunProgress) => void;
  onWarning?: (warning: RunWarning) => void;
  signal?: AbortSignal;
}

/**
 * Landmarks every frame of a video on the executor, with this file's graph (no smoothing, no held faces), so that
 * the tools that track videos (`vivify eval`, `vivify extract`) decode, report progress, cancel and warn as a render
 * does. `onFace` sees each frame with the face found in it, or undefined; a promise it returns holds the stream back.
 * Warnings name the video rather than the graph's inner node.
 */
export async function trackFaces(
  host: Host,
  path: string,
  onFace: (frame: RgbaImage, index: number, face: FaceLandmarks | undefined) => void | Promise<void>,
  events: TrackingEvents = {},
): Promise<RunSummary> {
  const registry = createRegistry();
  const checked = checkGraph(landmarksGraph(path, false, undefined, { smoothing: false, hold: false }), registry, { requireFiles: true });
  if (!checked.document) throw new UsageError(checked.problems.map((problem) => `${displayPath(path)}: ${problem.message}`).join('; '));
  const pictures = new Map<number, RgbaImage>();
  return runGraph(checked.document, {
    registry,
    host,
    settings: { frames: { start: 0 } },
    ...(events.signal ? { signal: events.signal } : {}),
    onProgress: events.onProgress,
    onWarning: (warning) => events.onWarning?.({ nodeId: '', message: `${displayPath(path)}: ${warning.message}` }),
    onOutputs(nodeId, index, outputs) {
      if (index === undefined) return;
      if (nodeId === 'drive') pictures.set(index, outputs.frames as RgbaImage);
      if (nodeId !== 'face') return;
      const frame = pictures.get(index)!;
      pictures.delete(index);
      return onFace(frame, index, outputs.face as FaceLandmarks | undefined);
    },
  });
}
