import * as ort from 'onnxruntime-node';
import type { ModelSession } from '../runtime/onnx/model-session.ts';
import { modelSessionFrom } from '../runtime/onnx/ort-session.ts';

/**
 * Opens an ONNX file with onnxruntime-node on the CPU: how the store and the trainers check that an export reproduces
 * PyTorch, and how the Node host runs a model on the CPU (the same session code, so a check passed is a run passed).
 */
export async function openCpuModel(path: string, label: string): Promise<ModelSession> {
  const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  return modelSessionFrom(session, ort.Tensor, label, 'cpu');
}
