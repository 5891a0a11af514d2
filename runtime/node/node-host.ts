import { stat } from 'node:fs/promises';
import type { Host } from '../host.ts';
import { type ProviderRequest, resolveProvider } from './execution-providers.ts';
import { readImageFile } from './image-file.ts';
import { createThreadedFaceDetector } from './mediapipe/threaded-face-detector.ts';
import { checkOutputPath } from './output-file.ts';
import { modelFilePath, modelProblem, resolveModelsDir } from '../../models/store/index.ts';
import { openNodeModel } from './onnx-session.ts';
import { openVideoFile } from './video-reader.ts';
import { createVideoFileWriter } from './video-writer.ts';

/** The host for the CLI: files on disk, ffmpeg processes for video, onnxruntime-node for models from the model store. */
export function createNodeHost(options: { provider?: ProviderRequest; modelsDir?: string } = {}): Host {
  const executionProvider = resolveProvider(options.provider ?? 'auto');
  const modelsDir = resolveModelsDir(options.modelsDir);
  return {
    name: 'node',
    executionProvider,
    readImage: readImageFile,
    openVideo: openVideoFile,
    checkOutputPath,
    createVideoWriter: createVideoFileWriter,
    async fileIdentity(path) {
      const info = await stat(path).catch(() => undefined);
      return info ? `${info.size}:${info.mtimeMs}` : 'missing';
    },
    createFaceDetector: createThreadedFaceDetector,
    modelProblem: (model) => modelProblem(modelsDir, model),
    openModel: (ref) => openNodeModel(modelFilePath(modelsDir, ref.model, ref.file), `${ref.model}/${ref.file}`, executionProvider),
  };
}
