/** Where ONNX models run in the page: "webgpu" on a real GPU adapter, "wasm" otherwise; `forced` picks one outright. */
export async function chooseExecutionProvider(forced: string | null): Promise<'webgpu' | 'wasm'> {
  if (forced === 'wasm') return 'wasm';
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<FallbackFlags | null> } }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return 'wasm';
  if (forced === 'webgpu') return 'webgpu';
  // A software adapter (SwiftShader) is far slower than wasm for these models.
  const fallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  return fallback ? 'wasm' : 'webgpu';
}

/** Chromium reports a software adapter on `info` (newer) or on the adapter itself (older). */
interface FallbackFlags {
  info?: { isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
