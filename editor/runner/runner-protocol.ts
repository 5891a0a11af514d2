import type { RunProgress, RunSummary } from '../../runtime/executor.ts';
import type { FaceLandmarks } from '../../runtime/face.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { CameraOptions, VideoInfo } from '../../runtime/host.ts';
import type { RgbaImage } from '../../runtime/image.ts';
import type { LandmarkerAssets } from '../../runtime/browser/browser-face-detector.ts';
import type { ExportRequest, PreviewRequest } from './graph-runner.ts';
import type { RunFailureReport } from './run-errors.ts';

/**
 * The messages between the page and the worker that runs its graphs. Pictures travel as transferred buffers (a copy
 * is made first where the sender keeps the original: a cached frame), so the page never copies or decodes pixels.
 */

/** What the worker needs to build its browser host. URLs are absolute: a worker's base URL is its own script's. */
export interface WorkerSetup {
  executionProvider: string;
  ffmpeg: { coreUrl: string; wasmUrl: string };
  landmarker: LandmarkerAssets;
  models: { storeUrl: string; runtimeUrl: string };
  speech: { visemeModelUrl: string };
}

export interface PackedImage {
  width: number;
  height: number;
  data: ArrayBuffer;
}

export type ToWorker =
  | { type: 'setup'; setup: WorkerSetup }
  | { type: 'run'; id: number; kind: 'preview'; document: GraphDocument; request: PreviewRequest; files: [string, Blob][] }
  | { type: 'run'; id: number; kind: 'export'; document: GraphDocument; request: ExportRequest; files: [string, Blob][] }
  | { type: 'cancel'; id: number }
  | CameraReply;

export type FromWorker =
  | { type: 'frame'; id: number; index: number; image: PackedImage }
  | { type: 'before'; id: number; image: PackedImage | undefined }
  | { type: 'driver'; id: number; index: number; frame?: PackedImage; face?: FaceLandmarks }
  | { type: 'progress'; id: number; progress: RunProgress }
  | { type: 'working'; id: number; nodes: string[] }
  | { type: 'done'; id: number; summary: RunSummary; files: [string, Blob][] }
  | { type: 'failed'; id: number; report: RunFailureReport }
  | CameraRequest;

/** The worker asks the page for its camera (a worker has none): open, each next picture, close. */
export type CameraRequest =
  | { type: 'camera'; call: number; op: 'open'; options: CameraOptions }
  | { type: 'camera'; call: number; op: 'next' | 'close'; camera: number };

export type CameraReply =
  | { type: 'camera-reply'; call: number; camera: number; info: VideoInfo }
  | { type: 'camera-reply'; call: number; bitmap: ImageBitmap | undefined }
  | { type: 'camera-reply'; call: number; closed: true }
  | { type: 'camera-reply'; call: number; error: string };

/** A copy of `image`'s pixels in a buffer of their own, added to `transfer`. */
export function packImage(image: RgbaImage, transfer: Transferable[]): PackedImage {
  const data = image.data.slice().buffer as ArrayBuffer;
  transfer.push(data);
  return { width: image.width, height: image.height, data };
}

export function unpackImage(image: PackedImage): RgbaImage {
  return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
}
