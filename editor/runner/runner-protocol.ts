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
  | CameraReply
  | MicrophoneReply;

export type FromWorker =
  /** `heardAt`: when the sound the frame shows was captured (shared clock, ms), where a microphone drives it. */
  | { type: 'frame'; id: number; index: number; image: PackedImage; heardAt?: number }
  | { type: 'before'; id: number; image: PackedImage | undefined }
  | { type: 'driver'; id: number; index: number; frame?: PackedImage; face?: FaceLandmarks }
  | { type: 'progress'; id: number; progress: RunProgress }
  | { type: 'working'; id: number; nodes: string[] }
  | { type: 'done'; id: number; summary: RunSummary; files: [string, Blob][] }
  | { type: 'failed'; id: number; report: RunFailureReport }
  | CameraRequest
  | MicrophoneRequest;

/** The worker asks the page for its camera (a worker has none): open, each next picture, close. */
export type CameraRequest =
  | { type: 'camera'; call: number; op: 'open'; options: CameraOptions }
  | { type: 'camera'; call: number; op: 'next' | 'close'; camera: number };

export type CameraReply =
  | { type: 'camera-reply'; call: number; camera: number; info: VideoInfo }
  | { type: 'camera-reply'; call: number; bitmap: ImageBitmap | undefined }
  | { type: 'camera-reply'; call: number; closed: true }
  | { type: 'camera-reply'; call: number; error: string };

/** The worker asks the page for its microphone, handing over the port the sound is to come through; then to close it. */
export type MicrophoneRequest =
  | { type: 'microphone'; call: number; op: 'open'; port: MessagePort }
  | { type: 'microphone'; call: number; op: 'close'; microphone: number };

export type MicrophoneReply =
  | { type: 'microphone-reply'; call: number; microphone: number; sampleRate: number; inputLatencyMs: number }
  | { type: 'microphone-reply'; call: number; closed: true }
  | { type: 'microphone-reply'; call: number; error: string };

/** A copy of `image`'s pixels in a buffer of their own, added to `transfer`. */
export function packImage(image: RgbaImage, transfer: Transferable[]): PackedImage {
  const data = image.data.slice().buffer as ArrayBuffer;
  transfer.push(data);
  return { width: image.width, height: image.height, data };
}

export function unpackImage(image: PackedImage): RgbaImage {
  return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
}
