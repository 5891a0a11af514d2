import type { Host } from '../host.ts';
import type { BrowserFiles } from './browser-files.ts';
import { type LandmarkerAssets, createBrowserFaceDetector } from './browser-face-detector.ts';
import { openBrowserCamera } from './browser-camera.ts';
import { decodeImageBlob } from './browser-image.ts';
import { checkBrowserOutputPath } from './browser-output-path.ts';

/** Video in and out in the page (ffmpeg.wasm), given to the host by the editor. */
export type BrowserVideo = Pick<Host, 'openVideo' | 'createVideoWriter'>;

export interface BrowserHostOptions {
  files: BrowserFiles;
  video: BrowserVideo;
  landmarker: LandmarkerAssets;
  /** "wasm" or "webgpu": where ONNX models run, as the editor chose. */
  executionProvider: string;
}

/** The host for the editor: the user's files by name, ffmpeg.wasm for video, MediaPipe's wasm for landmarks. */
export function createBrowserHost(options: BrowserHostOptions): Host {
  const { files } = options;
  return {
    name: 'browser',
    executionProvider: options.executionProvider,
    readImage: async (path) => decodeImageBlob(path, files.get(path)),
    openVideo: (path, range) => options.video.openVideo(path, range),
    checkOutputPath: async (path, overwrite) => checkBrowserOutputPath(files, path, overwrite),
    createVideoWriter: (writerOptions) => options.video.createVideoWriter(writerOptions),
    fileIdentity: async (path) => files.identity(path),
    createFaceDetector: (detectorOptions) => createBrowserFaceDetector(detectorOptions, options.landmarker),
    openCamera: openBrowserCamera,
    // Wired to onnxruntime-web and the served model store in the next commits.
    modelProblem: async (model) => `model "${model}": models cannot be used in the editor yet`,
    openModel: async (ref) => {
      throw new Error(`${ref.model}/${ref.file}: models cannot be used in the editor yet`);
    },
  };
}
