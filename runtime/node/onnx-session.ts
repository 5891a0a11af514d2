import { readFile } from 'node:fs/promises';
import { VivifyError } from '../errors.ts';
import * as ort from 'onnxruntime-node';
import { openCpuModel } from '../../models/cpu-model-session.ts';
import type { ModelSession } from '../onnx/model-session.ts';
import { rewriteGridSampleBytes } from '../onnx/grid-sample-rewrite.ts';
import { modelSessionFrom } from '../onnx/ort-session.ts';
import { rewriteForWebgpu } from '../onnx/webgpu-graph.ts';

/**
 * Opens an ONNX file with onnxruntime-node on the run's provider. CUDA and WebGPU lack some ops that the CPU has (5-D
 * GridSample): for them the graph is rewritten first, so that no node silently runs on the CPU between copies.
 */
export async function openNodeModel(path: string, label: string, provider: string): Promise<ModelSession> {
  if (provider !== 'cuda' && provider !== 'webgpu') return openCpuModel(path, label);
  // Both register GridSample for 4-D only; WebGPU also fails on 3-D pools at run time (the browser's rewrites).
  const file = new Uint8Array(await readFile(path));
  const bytes = provider === 'webgpu' ? rewriteForWebgpu(file).bytes : rewriteGridSampleBytes(file).bytes;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: [provider, 'cpu'], graphOptimizationLevel: 'all' });
  } catch (error) {
    if (provider !== 'webgpu') throw error;
    // A Vulkan driver is there, but Dawn found no adapter on it (or the driver is too old): say so, not a stack.
    throw new VivifyError(`${label}: WebGPU could not open it (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); use --provider cpu`);
  }
  return modelSessionFrom(session, ort.Tensor, label, provider);
}
