import type { CameraOptions, VideoInfo, VideoReader } from '../host.ts';
import type { RgbaImage } from '../image.ts';
import { bitmapPixels } from './browser-image.ts';

/** The camera as pictures: what the page hands to a worker, which cannot open a camera itself. */
export interface CameraFrames {
  readonly info: VideoInfo;
  /** The next new camera frame, or undefined after the last one asked for. */
  next(): Promise<ImageBitmap | undefined>;
  close(): Promise<void>;
}

/**
 * The browser's camera, in the page: each `next()` waits for a new camera frame and takes it as an ImageBitmap
 * (cheap; transferable to a worker). The camera is asked once; it stops (and its light goes off) on `close()`.
 */
export async function openCameraFrames(options: CameraOptions): Promise<CameraFrames> {
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
  let delivered = 0;
  const nextFrame = () =>
    new Promise<void>((resolve) => {
      // requestVideoFrameCallback fires once per new camera frame, so no frame is handed out twice.
      if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(() => resolve());
      else requestAnimationFrame(() => resolve());
    });
  return {
    info: { path: 'camera', width: video.videoWidth, height: video.videoHeight, fps: settings.frameRate ?? 30, frameCount: options.frames },
    async next(): Promise<ImageBitmap | undefined> {
      if (delivered >= options.frames) return undefined;
      await nextFrame();
      delivered++;
      return createImageBitmap(video);
    },
    async close() {
      for (const each of stream.getTracks()) each.stop();
      video.srcObject = null;
    },
  };
}

/** A camera's pictures as a frame stream of RGBA pixels: in the page, or in a worker given the page's pictures. */
export function cameraReader(frames: CameraFrames): VideoReader {
  return {
    info: frames.info,
    async next(): Promise<RgbaImage | undefined> {
      const bitmap = await frames.next();
      return bitmap && bitmapPixels(bitmap);
    },
    close: () => frames.close(),
  };
}

/** The browser's camera as a frame stream, in the page. */
export async function openBrowserCamera(options: CameraOptions): Promise<VideoReader> {
  return cameraReader(await openCameraFrames(options));
}
