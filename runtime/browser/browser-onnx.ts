import type { InferenceSession } from 'onnxruntime-web';
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
 * GridSample, and a 5-D one would otherwise run on the CPU between copies (or fail). The wasm provider has 5-D
 * GridSample, so its graphs stay as they are.
 */
export function createBrowserModelOpener(options: BrowserModelOpenerOptions): (ref: ModelFileRef) => Promise<ModelSession> {
  return async (ref) => {
    const ort = await loadOnnxRuntimeWeb(options.runtimeUrl);
    const label = `${ref.model}/${ref.file}`;
    const stored = await options.fetchModel(ref);
    // Loaded here, not up front: the editor's first paint needs no protobuf code.
    const bytes = options.provider === 'webgpu' ? (await import('../onnx/grid-sample-rewrite.ts')).rewriteGridSampleBytes(stored).bytes : stored;
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
 * The model store as the editor's server offers it (read-only): `<storeUrl>index.json` lists what is installed,
 * `<storeUrl><id>/<file>` is a file. Models are pulled with the CLI, never from the page.
 */
export function servedModelStore(storeUrl: string) {
  const url = (path: string) => new URL(path, storeUrl).href;
  return {
    /** Why `model` cannot be used here, with the command that gets it; undefined when it is installed. */
    async problem(model: string): Promise<string | undefined> {
      const response = await fetch(url('index.json'), { cache: 'no-store' }).catch(() => undefined);
      if (!response?.ok) return `model "${model}": the editor's server offers no models here (start the editor with \`vivify editor\`, after \`vivify models pull ${model}\`)`;
      const index = (await response.json()) as ServedModelIndex;
      if (index.problems?.[model]) return index.problems[model];
      if (!index.models?.[model]?.length) return `model "${model}" is not installed: run \`vivify models pull ${model}\`, then run the graph again`;
      return undefined;
    },
    async fetchModel(ref: ModelFileRef): Promise<Uint8Array> {
      const response = await fetch(url(`${encodeURIComponent(ref.model)}/${encodeURIComponent(ref.file)}`));
      if (!response.ok) throw new Error(`${ref.model}/${ref.file}: the editor's server answered ${response.status} (is it installed? \`vivify models pull ${ref.model}\`)`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
