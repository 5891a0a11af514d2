import * as ort from 'onnxruntime-node';
import { seededRandom } from './seeded-random.ts';

/**
 * Runs a one-input graph (input X, output Y) on onnxruntime-node's CPU provider with seeded values in [-1, 1) of
 * `dims`: the same input for a graph before and after a rewrite.
 */
export async function runOnCpu(bytes: Uint8Array, dims: number[]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const random = seededRandom(3);
  const input = new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => random() * 2 - 1), dims);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const { Y } = await session.run({ X: input });
  await session.release();
  return { data: Y!.data as Float32Array, dims: Y!.dims };
}
