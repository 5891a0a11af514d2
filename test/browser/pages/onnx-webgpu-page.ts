import { createBrowserModelOpener, loadOnnxRuntimeWeb, onnxruntimeWebFolder, servedModelStore } from '../../../runtime/browser/browser-onnx.ts';
import type { ModelFileRef } from '../../../runtime/onnx/model-session.ts';
import { type SeededInputs, seededInputs } from '../../support/warping-standin.ts';

/**
 * The editor's model path in a page: the model store the editor's server offers at /models/, onnxruntime-web from its
 * vendor folder, and the browser host's opener. Sessions log verbosely, so that onnxruntime says where it placed each
 * node; "vivify-step:" lines mark where opening ends and running begins.
 */
const store = servedModelStore(new URL('/models/', location.href).href);
const runtimeUrl = new URL(`/${onnxruntimeWebFolder}/`, location.href).href;
const verbose = { logSeverityLevel: 0, logVerbosityLevel: 0 } as const;

/** Opens a stored model the way the editor does and runs it `runs` times (the first run compiles shaders). */
async function runOpened(provider: 'webgpu' | 'wasm', ref: ModelFileRef, inputs: SeededInputs, runs = 1) {
  console.log(`vivify-step: open ${provider} ${ref.model}/${ref.file}`);
  const open = createBrowserModelOpener({ provider, fetchModel: store.fetchModel, runtimeUrl, sessionOptions: verbose });
  let started = performance.now();
  const session = await open(ref);
  const openMs = performance.now() - started;
  console.log('vivify-step: run');
  const feeds = seededInputs(inputs);
  const runMs: number[] = [];
  let output: Float32Array | undefined;
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    output = Object.values(await session.run(feeds))[0]!.data;
    runMs.push(performance.now() - started);
  }
  await session.release();
  return { provider: session.provider, openMs, runMs, output: base64(output!) };
}

/** The stored graph as it is, straight into a WebGPU session: what happens to its 5-D GridSample. */
async function runUnrewritten(ref: ModelFileRef, inputs: SeededInputs) {
  console.log(`vivify-step: open unrewritten ${ref.model}/${ref.file}`);
  const ort = await loadOnnxRuntimeWeb(runtimeUrl);
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>> | undefined;
  try {
    const started = performance.now();
    session = await ort.InferenceSession.create(await store.fetchModel(ref), { executionProviders: ['webgpu'], ...verbose });
    console.log('vivify-step: run');
    const feeds = Object.fromEntries(Object.entries(seededInputs(inputs)).map(([name, tensor]) => [name, new ort.Tensor('float32', tensor.data, tensor.dims)]));
    const output = Object.values(await session.run(feeds))[0]!.data as Float32Array;
    return { ok: true as const, ms: performance.now() - started, output: base64(output) };
  } catch (error) {
    return { ok: false as const, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await session?.release();
  }
}

async function adapterInfo() {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, unknown> } | null> } }).gpu;
  const info = (await gpu?.requestAdapter())?.info;
  return info ? { vendor: info.vendor, architecture: info.architecture, isFallbackAdapter: info.isFallbackAdapter } : undefined;
}

function base64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

Object.assign(window, { onnxPage: { runOpened, runUnrewritten, adapterInfo, problem: async (id: string) => (await store.modelProblem(id))?.message } });
document.title = 'ready';
