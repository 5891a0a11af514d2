import { onnxruntimeWebFolder } from '../../runtime/browser/browser-onnx.ts';
import { editorAssets } from '../editor-assets.ts';
import type { WorkerSetup } from './runner-protocol.ts';

/**
 * The runner worker's setup from the page: the editor's assets as absolute URLs, since inside the worker relative
 * ones would resolve against the worker's own script (under assets/) rather than the page.
 */
export function workerSetup(executionProvider: string, base: string): WorkerSetup {
  const asset = (path: string) => new URL(path, base).href;
  return {
    executionProvider,
    ffmpeg: { coreUrl: asset(editorAssets.ffmpegCore), wasmUrl: asset(editorAssets.ffmpegWasm) },
    landmarker: { wasmFolderUrl: asset(editorAssets.mediapipeFolder), bundleUrl: asset(editorAssets.landmarkerBundle) },
    models: { storeUrl: asset('models/'), runtimeUrl: asset(`${onnxruntimeWebFolder}/`) },
    speech: { visemeModelUrl: asset(editorAssets.visemeModel) },
  };
}
