import { type RunProgress, type RunSummary, runGraph } from '../../runtime/executor.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { Host } from '../../runtime/host.ts';
import type { RgbaImage } from '../../runtime/image.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import type { FrameCache } from '../../runtime/frame-cache.ts';
import type { ResultCache } from '../../runtime/result-cache.ts';

/** Which node's output the viewer shows: what the graph's output node would have written. */
export interface PreviewTap {
  nodeId: string;
  port: string;
}

/**
 * The graph as the viewer runs it: output nodes (files) are left out, and the frames that would have reached the
 * first of them are shown instead. Undefined where no output node is fed frames.
 */
export function previewGraph(document: GraphDocument, registry: NodeRegistry): { graph: GraphDocument; tap: PreviewTap } | undefined {
  const outputs = Object.keys(document.nodes).filter((id) => registry.get(document.nodes[id]!.type)?.category === 'output');
  for (const id of outputs) {
    const feed = document.edges.find((edge) => edge.to[0] === id && registry.get(document.nodes[id]!.type)?.inputs[edge.to[1]]?.type === 'frame');
    if (!feed) continue;
    const nodes = Object.fromEntries(Object.entries(document.nodes).filter(([nodeId]) => !outputs.includes(nodeId)));
    const edges = document.edges.filter((edge) => !outputs.includes(edge.to[0]) && !outputs.includes(edge.from[0]));
    return { graph: { ...document, nodes, edges }, tap: { nodeId: feed.from[0], port: feed.from[1] } };
  }
  return undefined;
}

export interface PreviewOptions {
  registry: NodeRegistry;
  host: Host;
  /** Keeps the painting and its landmarks between runs: a moved slider re-runs only what is downstream. */
  cache: ResultCache;
  /** Keeps the driver's decoded frames and landmarks: a preview after a parameter change runs only what changed. */
  frameCache: FrameCache;
  frames: { start: number; end: number };
  /** Render only this frame of the range (0-based within it): a moved slider's quick look. */
  only?: number;
  signal?: AbortSignal;
  onFrame(index: number, frame: RgbaImage): void;
  onProgress?(progress: RunProgress): void;
  /** A node starts or ends a piece of work (the editor highlights the nodes working). */
  onNodeWork?(nodeId: string, working: boolean): void;
  /** Every node's outputs as they are made (frame undefined for once-per-run nodes): the viewer's extras. */
  onNodeOutputs?(nodeId: string, frame: number | undefined, outputs: Readonly<Record<string, unknown>>): void;
}

/** Runs the preview graph over a range of frames, handing each shown frame to the viewer as it is made. */
export async function runPreview(document: GraphDocument, options: PreviewOptions): Promise<RunSummary> {
  const preview = previewGraph(document, options.registry);
  if (!preview) throw new Error('nothing to show: connect frames to an output node');
  return runGraph(preview.graph, {
    registry: options.registry,
    host: options.host,
    cache: options.cache,
    frameCache: options.frameCache,
    renderOnly: options.only,
    // What the viewer shows and what feeds it; a node that feeds neither does not run.
    targets: [preview.tap.nodeId],
    signal: options.signal,
    settings: { frames: options.frames, overwrite: false },
    onProgress: options.onProgress,
    onNodeWork: options.onNodeWork,
    onOutputs(nodeId, frame, outputs) {
      options.onNodeOutputs?.(nodeId, frame === undefined ? undefined : options.frames.start + frame, outputs);
      if (nodeId !== preview.tap.nodeId || frame === undefined) return;
      const image = outputs[preview.tap.port] as RgbaImage | undefined;
      if (image) options.onFrame(options.frames.start + frame, image);
    },
  });
}
