import { stat } from 'node:fs/promises';
import type { Host } from '../host.ts';
import { readAudioFile, readVisemeModel } from './audio-file.ts';
import { type ProviderRequest, resolveProvider } from './execution-providers.ts';
import { readImageFile } from './image-file.ts';
import { createThreadedFaceDetector } from './mediapipe/threaded-face-detector.ts';
import { checkOutputPath } from './output-file.ts';
import { findModelProblem, modelAliases, modelFilePath, resolveModelsDir } from '../../models/store/index.ts';
import { openNodeModel } from './onnx-session.ts';
import { openVideoFile } from './video-reader.ts';
import { createVideoFileWriter } from './video-writer.ts';

/** The host for the CLI: files on disk, ffmpeg processes for video, onnxruntime-node for models from the model store. */
export function createNodeHost(options: { provider?: ProviderRequest; modelsDir?: string; onModelNote?: (message: string) => void } = {}): Host {
  const request = options.provider ?? 'auto';
  // A provider asked for by name is checked at once, so a wrong one is refused before any work; `auto` looks for a
  // GPU adapter (a child process, up to half a second where Vulkan drivers exist) only once a model is opened.
  let provider = request === 'auto' ? undefined : resolveProvider(request);
  const executionProvider = () => (provider ??= resolveProvider(request));
  const modelsDir = resolveModelsDir(options.modelsDir);
  // A node's default id may name a family of trained models ("deepfakes"): the store says which one it stands for.
  const modelId = modelAliases(modelsDir, options.onModelNote ?? ((message) => process.stderr.write(`vivify: ${message}\n`)));
  return {
    name: 'node',
    get executionProvider() {
      return executionProvider();
    },
    readImage: readImageFile,
    openVideo: openVideoFile,
    checkOutputPath,
    createVideoWriter: createVideoFileWriter,
    async fileIdentity(path) {
      const info = await stat(path).catch(() => undefined);
      return info ? `${info.size}:${info.mtimeMs}` : 'missing';
    },
    createFaceDetector: createThreadedFaceDetector,
    readAudio: readAudioFile,
    visemeModel: readVisemeModel,
    modelProblem: (model, task) => findModelProblem(modelsDir, modelId(model, { task }), task),
    openModel: (ref) => {
      const model = modelId(ref.model, { file: ref.file });
      return openNodeModel(modelFilePath(modelsDir, model, ref.file), `${model}/${ref.file}`, executionProvider());
    },
  };
}
