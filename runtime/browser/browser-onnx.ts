import type { InferenceSession } from 'onnxruntime-web';
import type { UploadedFile } from '../host.ts';
import type { ModelProblem } from '../model-problem.ts';
import type { ModelFileRef, ModelSession } from '../onnx/model-session.ts';
import { modelSessionFrom } from '../onnx/ort-session.ts';

/**
 * ONNX models in the page: onnxruntime-web's JSEP build, which has both the WebGPU provider and the wasm CPU one. Its
 * wasm and the module that loads it come from the editor's own server (nothing from a CDN), under this folder of its
 * base URL: editor/server/vite-assets-plugin.ts serves and emits these files there.
 */
export const onnxruntimeWebFolder = 'vendor/onnxruntime';
export const onnxruntimeWebFiles = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'] as const;

export interface BrowserModelOpenerOptions {
  provider: 'webgpu' | 'wasm';
  fetchModel(ref: ModelFileRef): Promise<Uint8Array>;
  /** The URL of the folder holding `onnxruntimeWebFiles`, ending in "/". */
  runtimeUrl: string;
  /** Added to the session options (tests turn on verbose logging to see where each node runs). */
  sessionOptions?: InferenceSession.SessionOptions;
}

type OnnxRuntimeWeb = typeof import('onnxruntime-web');
let runtime: Promise<OnnxRuntimeWeb> | undefined;

/** onnxruntime-web, loaded on the first model: an editor that opens none never pays for it. */
export function loadOnnxRuntimeWeb(runtimeUrl: string): Promise<OnnxRuntimeWeb> {
  runtime ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.wasmPaths = runtimeUrl;
    return ort;
  });
  return runtime;
}

/**
 * Opens stored model files with onnxruntime-web. For WebGPU the graph is rewritten first: its provider runs only 4-D
 * GridSample, and a 5-D one would otherwise run on the CPU between copies (or fail); it takes 3-D pools and then fails
 * on them. The wasm provider runs both, so its graphs stay as they are.
 */
export function createBrowserModelOpener(options: BrowserModelOpenerOptions): (ref: ModelFileRef) => Promise<ModelSession> {
  return async (ref) => {
    const ort = await loadOnnxRuntimeWeb(options.runtimeUrl);
    const label = `${ref.model}/${ref.file}`;
    const stored = await options.fetchModel(ref);
    // Loaded here, not up front: the editor's first paint needs no protobuf code.
    const bytes = options.provider === 'webgpu' ? (await import('../onnx/webgpu-graph.ts')).rewriteForWebgpu(stored).bytes : stored;
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: [options.provider],
      graphOptimizationLevel: 'all',
      ...options.sessionOptions,
    });
    return modelSessionFrom(session, ort.Tensor, label, options.provider);
  };
}

/** The installed models, as the editor's server lists them at `<store>/index.json`. */
export interface ServedModelIndex {
  models: Record<string, string[]>;
  /** The store's sentence for each catalog model that cannot be used, with the command that fixes it. */
  problems?: Record<string, string>;
}

/**
 * The model store as the editor's server offers it: `<storeUrl>index.json` lists what is installed,
 * `<storeUrl>problem.json?model=&task=` says why a model cannot be used (the store's own answer, the CLI's sentence),
 * `<storeUrl><id>/<file>` is a file, and a file the user drops on a node is posted to `<storeUrl>import` to be checked
 * and installed as `vivify models import` does. Nothing is downloaded from the page.
 */
export function servedModelStore(storeUrl: string) {
  const url = (path: string) => new URL(path, storeUrl).href;
  const query = (fields: Record<string, string | undefined>) =>
    new URLSearchParams(Object.entries(fields).filter((field): field is [string, string] => field[1] !== undefined)).toString();
  return {
    /** Why `model` cannot be used here, with the way to get it; undefined when it is installed. */
    async modelProblem(model: string, task?: string): Promise<ModelProblem | undefined> {
      const response = await fetch(url(`problem.json?${query({ model, task })}`), { cache: 'no-store' }).catch(() => undefined);
      if (!response?.ok) {
        return { model, message: `model "${model}": the editor's server offers no model store here (start the editor with \`vivify editor\`, which serves the one \`vivify models\` fills)`, remedy: 'unknown' };
      }
      return ((await response.json()) as { problem: ModelProblem | null }).problem ?? undefined;
    },
    /** Posts a file the user gave for `model`; resolves to what the store did (the CLI's lines), else rejects with its sentence. */
    async importModelFile(model: string, task: string | undefined, file: UploadedFile): Promise<string[]> {
      // A File goes as it is (streamed, not read into memory first).
      const body = file instanceof Blob ? file : await file.arrayBuffer();
      const response = await fetch(url(`import?${query({ model, task, file: file.name })}`), {
        method: 'POST',
        // Not a "simple" type: another site's page cannot post here without the server's leave, which it never gives.
        headers: { 'Content-Type': 'application/octet-stream' },
        body,
      }).catch(() => undefined);
      if (!response) throw new Error(`${file.name}: the editor's server cannot be reached to import it`);
      if (!response.ok) throw new Error(await response.text());
      return ((await response.json()) as { lines: string[] }).lines;
    },
    async fetchModel(ref: ModelFileRef): Promise<Uint8Array> {
      const response = await fetch(url(`${encodeURIComponent(ref.model)}/${encodeURIComponent(ref.file)}`));
      if (!response.ok) throw new Error(`${ref.model}/${ref.file}: the editor's server answered ${response.status}: ${await response.text()}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
