import { stat } from 'node:fs/promises';
import type { Host } from '../host.ts';
import { type ProviderRequest, resolveProvider } from './execution-providers.ts';
import { readImageFile } from './image-file.ts';
import { createThreadedFaceDetector } from './mediapipe/threaded-face-detector.ts';
import { checkOutputPath } from './output-file.ts';
import { openVideoFile } from './video-reader.ts';
import { createVideoFileWriter } from './video-writer.ts';

/** The host for the CLI: files on disk, ffmpeg processes for video, onnxruntime-node for models. */
export function createNodeHost(options: { provider?: ProviderRequest } = {}): Host {
  return {
    name: 'node',
    executionProvider: resolveProvider(options.provider ?? 'auto'),
    readImage: readImageFile,
    openVideo: openVideoFile,
    checkOutputPath,
    createVideoWriter: createVideoFileWriter,
    async fileIdentity(path) {
      const info = await stat(path).catch(() => undefined);
      return info ? `${info.size}:${info.mtimeMs}` : 'missing';
    },
    createFaceDetector: createThreadedFaceDetector,
    // Wired to the model store and onnxruntime-node in the next commits.
    modelProblem: async (model) => `model "${model}": the model store is not available yet`,
    openModel: async (ref) => {
      throw new Error(`${ref.model}/${ref.file}: the model store is not available yet`);
    },
  };
}
