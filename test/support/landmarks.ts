import { createRegistry } from '../../nodes/index.ts';
import { runGraph, type RunWarning } from '../../runtime/executor.ts';
import type { FaceLandmarks } from '../../runtime/face.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import { createNodeHost } from '../../runtime/node/node-host.ts';

/** Runs driving-video -> face-landmarks in this process and returns the face of every frame. */
export async function videoLandmarks(
  path: string,
  params: Record<string, unknown> = {},
): Promise<{ faces: (FaceLandmarks | undefined)[]; warnings: RunWarning[] }> {
  const document: GraphDocument = {
    format: 'vivify.graph',
    version: 1,
    meta: {},
    nodes: {
      drive: { type: 'driving-video', typeVersion: 1, params: { path } },
      face: { type: 'face-landmarks', typeVersion: 1, params },
    },
    edges: [{ from: ['drive', 'frames'], to: ['face', 'image'] }],
    inputs: {},
    models: [],
  };
  const faces: (FaceLandmarks | undefined)[] = [];
  const summary = await runGraph(document, {
    registry: createRegistry(),
    host: createNodeHost(),
    onOutputs: (nodeId, frame, outputs) => {
      if (nodeId === 'face' && frame !== undefined) faces[frame] = outputs.face as FaceLandmarks | undefined;
    },
  });
  return { faces, warnings: summary.warnings };
}

export const point = (face: FaceLandmarks, index: number) => ({ x: face.points[index * 3]!, y: face.points[index * 3 + 1]! });
