import type { CameraOptions, VideoReader } from '../host.ts';
import type { RgbaImage } from '../image.ts';

/**
 * The browser's camera as a frame stream: each `next()` waits for a new camera frame and copies its pixels. The
 * camera is asked once; the stream stops (and the camera light goes off) on `close()`.
 */
export async function openBrowserCamera(options: CameraOptions): Promise<VideoReader> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: options.width, height: options.height }, audio: false });
  } catch (error) {
    throw new Error(`the camera could not be opened (${error instanceof Error ? error.message : String(error)}); allow camera access for this page`);
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  const [track] = stream.getVideoTracks();
  const settings = track?.getSettings() ?? {};
  const width = video.videoWidth;
  const height = video.videoHeight;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  let delivered = 0;
  const nextFrame = () =>
    new Promise<void>((resolve) => {
      // requestVideoFrameCallback fires once per new camera frame, so no frame is handed out twice.
      if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(() => resolve());
      else requestAnimationFrame(() => resolve());
    });
  return {
    info: { path: 'camera', width, height, fps: settings.frameRate ?? 30, frameCount: options.frames },
    async next(): Promise<RgbaImage | undefined> {
      if (delivered >= options.frames) return undefined;
      await nextFrame();
      context.drawImage(video, 0, 0, width, height);
      const pixels = context.getImageData(0, 0, width, height);
      delivered++;
      return { width, height, data: new Uint8Array(pixels.data.buffer) };
    },
    async close() {
      for (const each of stream.getTracks()) each.stop();
      video.srcObject = null;
    },
  };
}
