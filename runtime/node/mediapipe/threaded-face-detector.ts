import { Worker } from 'node:worker_threads';
import type { DetectedFace, FaceDetector, FaceDetectorOptions } from '../../face-detector.ts';
import type { DetectorReply, DetectorRequest } from './face-detector-worker.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The Node host's landmarker, on a worker thread: detection (the heaviest per-frame step of a render) then overlaps
 * the warp and blend of neighbouring frames on the main thread, using a second core. Requests are answered in order.
 */
export async function createThreadedFaceDetector(options: FaceDetectorOptions): Promise<FaceDetector> {
  const worker = new Worker(new URL('./face-detector-worker-entry.mjs', import.meta.url), { workerData: options });
  const pending = new Map<number, { resolve(faces: DetectedFace[]): void; reject(error: Error): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  // A worker with nothing asked of it must not keep the process alive; one with work pending must.
  worker.unref();
  const settleAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  };
  worker.on('message', (reply: DetectorReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if ('error' in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.faces);
  });
  worker.on('error', settleAll);
  worker.on('exit', () => settleAll(new Error('the face landmarker stopped')));

  const ask = (request: DistributiveOmit<DetectorRequest, 'id'>, transfer: ArrayBuffer[] = []) =>
    new Promise<DetectedFace[]>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...request, id }, transfer);
    });

  // Fails here, not at the first frame, where the landmarker cannot start.
  try {
    await ask({ ready: true });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    detect(image, timestampMs) {
      // The frame stays with its caller (downstream nodes read it): the worker gets a copy.
      const data = Uint8Array.from(image.data);
      return ask({ width: image.width, height: image.height, data, timestampMs }, [data.buffer]);
    },
    close() {
      // Let the worker free MediaPipe, then end it; no one waits for that.
      void ask({ close: true }).catch(() => undefined).finally(() => void worker.terminate());
    },
  };
}
