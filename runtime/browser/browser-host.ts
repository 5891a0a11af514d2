import type { Host } from '../host.ts';
import type { BrowserFiles } from './browser-files.ts';
import { type LandmarkerAssets, createBrowserFaceDetector } from './browser-face-detector.ts';
import { openBrowserCamera } from './browser-camera.ts';
import { decodeImageBlob } from './browser-image.ts';
import { checkBrowserOutputPath } from './browser-output-path.ts';
import { createBrowserModelOpener, servedModelStore } from './browser-onnx.ts';

/** Video in and out in the page (ffmpeg.wasm), given to the host by the editor. */
export type BrowserVideo = Pick<Host, 'openVideo' | 'createVideoWriter'> & Partial<Pick<Host, 'readAudio'>>;

export interface BrowserHostOptions {
  files: BrowserFiles;
  video: BrowserVideo;
  landmarker: LandmarkerAssets;
  /** "wasm" or "webgpu": where ONNX models run, as the editor chose. */
  executionProvider: string;
  /** Where the editor's server offers the model store ("…/models/") and onnxruntime-web's wasm (both end in "/"). */
  models: { storeUrl: string; runtimeUrl: string };
  /** Where the editor serves HeadAudio's viseme model (the speech-motion node's); without it, speech cannot be made here. */
  speech?: { visemeModelUrl: string };
  /** The camera; by default the page's own. A worker has none: the page relays its pictures (editor/runner). */
  openCamera?: Host['openCamera'];
  /** The microphone: the editor's worker relays the page's (editor/runner/microphone-relay.ts); none by default. */
  openMicrophone?: Host['openMicrophone'];
}

/**
 * The host for the editor: the user's files by name, ffmpeg.wasm for video, MediaPipe's wasm for landmarks, and the
 * models its server offers from the CLI's store, run by onnxruntime-web.
 */
export function createBrowserHost(options: BrowserHostOptions): Host {
  const { files } = options;
  const store = servedModelStore(options.models.storeUrl);
  const openModel = createBrowserModelOpener({
    provider: options.executionProvider === 'webgpu' ? 'webgpu' : 'wasm',
    fetchModel: store.fetchModel,
    runtimeUrl: options.models.runtimeUrl,
  });
  return {
    name: 'browser',
    executionProvider: options.executionProvider,
    readImage: async (path, readOptions) => decodeImageBlob(path, files.get(path), readOptions),
    openVideo: (path, range) => options.video.openVideo(path, range),
    checkOutputPath: async (path, overwrite) => checkBrowserOutputPath(files, path, overwrite),
    createVideoWriter: (writerOptions) => options.video.createVideoWriter(writerOptions),
    fileIdentity: async (path) => files.identity(path),
    createFaceDetector: (detectorOptions) => createBrowserFaceDetector(detectorOptions, options.landmarker),
    openCamera: options.openCamera ?? (typeof document === 'undefined' ? undefined : openBrowserCamera),
    ...(options.openMicrophone ? { openMicrophone: options.openMicrophone } : {}),
    modelProblem: store.modelProblem,
    importModelFile: store.importModelFile,
    openModel,
    ...(options.video.readAudio ? { readAudio: options.video.readAudio } : {}),
    ...(options.speech ? { visemeModel: () => fetchBytes(options.speech!.visemeModelUrl) } : {}),
  };
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: the editor's server answered ${response.status}`);
  return response.arrayBuffer();
}
