import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { flushExpDenormalsBytes } from '../runtime/onnx/denormal-flush.ts';
import type { ModelSession } from '../runtime/onnx/model-session.ts';
import { modelSessionFrom } from '../runtime/onnx/ort-session.ts';

/** Session settings a caller may change (the benchmark compares them); the defaults are what Vivify runs with. */
export type CpuSessionOptions = Pick<ort.InferenceSession.SessionOptions, 'graphOptimizationLevel' | 'intraOpNumThreads'>;

/**
 * Opens an ONNX file with onnxruntime-node on the CPU: how the store and the trainers check that an export reproduces
 * PyTorch, and how the Node host runs a model on the CPU (the same session code, so a check passed is a run passed).
 * A graph with Exp has its subnormal results flushed to zero first (runtime/onnx/denormal-flush.ts): LivePortrait's
 * warping module ran about twice as fast on it, with the same output. Others load from the path as they are.
 */
export async function openCpuModel(path: string, label: string, options: CpuSessionOptions = {}): Promise<ModelSession> {
  const settings = { executionProviders: ['cpu'], graphOptimizationLevel: 'all' as const, ...options };
  const flushed = flushExpDenormalsBytes(new Uint8Array(await readFile(path)));
  const session = flushed.flushed.length ? await ort.InferenceSession.create(flushed.bytes, settings) : await ort.InferenceSession.create(path, settings);
  return modelSessionFrom(session, ort.Tensor, label, 'cpu');
}
