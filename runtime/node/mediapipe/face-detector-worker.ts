import { parentPort, workerData } from 'node:worker_threads';
import type { FaceDetectorOptions } from '../../face-detector.ts';
import { createNodeFaceDetector } from './node-face-detector.ts';

/** What the main thread sends: a picture to search (its pixels handed over), a wait until ready, or the end. */
export type DetectorRequest =
  | { id: number; width: number; height: number; data: Uint8Array; timestampMs: number }
  | { id: number; ready: true }
  | { id: number; close: true };

/** What comes back for each request, in order. */
export type DetectorReply = { id: number; faces: { points: Float32Array; transform: Float32Array }[] } | { id: number; error: string };

// The landmarker runs here, on a thread of its own, so the main thread warps and blends other frames meanwhile.
const port = parentPort!;
const detector = createNodeFaceDetector(workerData as FaceDetectorOptions);
// A creation error is the answer to every request, the first being the main thread's wait until ready.
port.on('message', async (request: DetectorRequest) => {
  try {
    const ready = await detector;
    if ('ready' in request) {
      port.postMessage({ id: request.id, faces: [] } satisfies DetectorReply);
      return;
    }
    if ('close' in request) {
      ready.close();
      port.postMessage({ id: request.id, faces: [] } satisfies DetectorReply);
      port.close();
      return;
    }
    const faces = await ready.detect({ width: request.width, height: request.height, data: request.data }, request.timestampMs);
    port.postMessage({ id: request.id, faces } satisfies DetectorReply, faces.flatMap((face) => [face.points.buffer, face.transform.buffer]) as ArrayBuffer[]);
  } catch (error) {
    port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies DetectorReply);
  }
});
