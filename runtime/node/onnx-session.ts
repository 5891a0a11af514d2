import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { ModelSession } from '../onnx/model-session.ts';
import { rewriteGridSampleBytes } from '../onnx/grid-sample-rewrite.ts';
import { modelSessionFrom } from '../onnx/ort-session.ts';

/**
 * Opens an ONNX file with onnxruntime-node on the run's provider. CUDA lacks some ops that the CPU has (5-D
 * GridSample): for CUDA the graph is rewritten first, so that no node silently runs on the CPU between copies.
 */
export async function openNodeModel(path: string, label: string, provider: string): Promise<ModelSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
  };
  const session = provider === 'cuda' ? await ort.InferenceSession.create(await forCuda(path), options) : await ort.InferenceSession.create(path, options);
  return modelSessionFrom(session, ort.Tensor, label, provider);
}

async function forCuda(path: string): Promise<Uint8Array> {
  return rewriteGridSampleBytes(new Uint8Array(await readFile(path))).bytes;
}
