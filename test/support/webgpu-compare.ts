import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { type SeededInputs, seededInputs } from './warping-standin.ts';

/**
 * What the WebGPU browser tests share: Chromium's flags for SwiftShader, its software WebGPU adapter (slow, but the
 * same provider code and placement decisions as on a real GPU), and the CPU run each page's output is held to.
 */
export const webgpuFlags = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/** onnxruntime-node on the CPU, on the model as stored (a path or its bytes): the reference. */
export async function cpuReference(model: string | Uint8Array, inputs: SeededInputs): Promise<Float32Array> {
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, { executionProviders: ['cpu'] }) : await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const feeds = Object.fromEntries(Object.entries(seededInputs(inputs)).map(([name, tensor]) => [name, new ort.Tensor('float32', tensor.data, tensor.dims)]));
  const output = Object.values(await session.run(feeds))[0]!.data as Float32Array;
  await session.release();
  return output;
}

/** The largest difference between the page's output (float32, base64) and the reference. */
export function maxDifference(base64: string, reference: Float32Array): number {
  const bytes = Buffer.from(base64, 'base64');
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  expect(values.length).toBe(reference.length);
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]! - reference[i]!));
  return largest;
}
