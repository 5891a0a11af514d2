import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { rewriteForCpu } from '../runtime/onnx/cpu-graph.ts';
import type { ModelSession } from '../runtime/onnx/model-session.ts';
import { modelSessionFrom } from '../runtime/onnx/ort-session.ts';

/** Session settings a caller may change (the benchmark compares them); the defaults are what Vivify runs with. */
export type CpuSessionOptions = Pick<ort.InferenceSession.SessionOptions, 'graphOptimizationLevel' | 'intraOpNumThreads'>;

/**
 * Opens an ONNX file with onnxruntime-node on the CPU: how the store and the trainers check that an export reproduces
 * PyTorch, and how the Node host runs a model on the CPU (the same session code, so a check passed is a run passed).
 * The graph is first rewritten for the CPU (runtime/onnx/cpu-graph.ts): Exp's subnormal results flushed to zero and
 * 3-D convolutions as 2-D ones, each of which made LivePortrait's warping module faster with the same output. Models
 * with neither load from the path as they are.
 */
export async function openCpuModel(path: string, label: string, options: CpuSessionOptions = {}): Promise<ModelSession> {
  const settings = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' as const, ...options };
  const rewritten = rewriteForCpu(new Uint8Array(await readFile(path)));
  const session = rewritten.changed.length ? await ort.InferenceSession.create(rewritten.bytes, settings) : await ort.InferenceSession.create(path, settings);
  return modelSessionFrom(session, ort.Tensor, label, 'cpu');
}
