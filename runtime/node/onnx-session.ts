import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { openCpuModel } from '../../models/cpu-model-session.ts';
import type { ModelSession } from '../onnx/model-session.ts';
import { rewriteGridSampleBytes } from '../onnx/grid-sample-rewrite.ts';
import { modelSessionFrom } from '../onnx/ort-session.ts';

/**
 * Opens an ONNX file with onnxruntime-node on the run's provider. CUDA lacks some ops that the CPU has (5-D
 * GridSample): for CUDA the graph is rewritten first, so that no node silently runs on the CPU between copies.
 */
export async function openNodeModel(path: string, label: string, provider: string): Promise<ModelSession> {
  if (provider !== 'cuda') return openCpuModel(path, label);
  const bytes = rewriteGridSampleBytes(new Uint8Array(await readFile(path))).bytes;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cuda', 'cpu'], graphOptimizationLevel: 'all' });
  return modelSessionFrom(session, ort.Tensor, label, provider);
}
