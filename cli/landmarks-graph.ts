import type { GraphDocument } from '../runtime/graph/document.ts';

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
