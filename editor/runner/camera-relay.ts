import { type CameraFrames, cameraReader, openCameraFrames } from '../../runtime/browser/browser-camera.ts';
import type { CameraOptions, Host, VideoInfo } from '../../runtime/host.ts';
import { pendingCalls } from './pending-calls.ts';
import type { CameraReply, CameraRequest } from './runner-protocol.ts';

/**
 * A worker cannot open the camera (no video element, no getUserMedia): the page opens it and hands each new picture
 * over as a transferred ImageBitmap; the worker reads its pixels. These are the two ends.
 */

/** The page's end: opens cameras for the worker, answering each request through `reply`. */
export function serveCamera(reply: (answer: CameraReply, transfer?: Transferable[]) => void): (request: CameraRequest) => Promise<void> {
  const cameras = new Map<number, CameraFrames>();
  let opened = 0;
  return async (request) => {
    const { call } = request;
    try {
      if (request.op === 'open') {
        const frames = await openCameraFrames(request.options);
        cameras.set(++opened, frames);
        reply({ type: 'camera-reply', call, camera: opened, info: frames.info });
      } else if (request.op === 'next') {
        const bitmap = await cameras.get(request.camera)?.next();
        reply({ type: 'camera-reply', call, bitmap }, bitmap ? [bitmap] : []);
      } else {
        await cameras.get(request.camera)?.close();
        cameras.delete(request.camera);
        reply({ type: 'camera-reply', call, closed: true });
      }
    } catch (error) {
      reply({ type: 'camera-reply', call, error: error instanceof Error ? error.message : String(error) });
    }
  };
}

/** The worker's end: the host's `openCamera`, asking the page through `ask`; `receive` takes the page's answers. */
export function relayedCamera(ask: (request: CameraRequest) => void): { openCamera: NonNullable<Host['openCamera']>; receive(reply: CameraReply): void } {
  const { request, receive } = pendingCalls<CameraRequest, CameraReply>(ask);
  return {
    async openCamera(options: CameraOptions) {
      const { camera, info } = await request<{ camera: number; info: VideoInfo }>((call) => ({ type: 'camera', call, op: 'open', options }));
      return cameraReader({
        info,
        next: async () => (await request<{ bitmap: ImageBitmap | undefined }>((call) => ({ type: 'camera', call, op: 'next', camera }))).bitmap,
        close: async () => void (await request((call) => ({ type: 'camera', call, op: 'close', camera }))),
      });
    },
    receive,
  };
}
