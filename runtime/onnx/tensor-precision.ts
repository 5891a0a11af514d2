import { getFloat16, setFloat16 } from '@petamoriken/float16';
import type { TensorElementType } from './model-session.ts';

/**
 * Float16 at the model's edge: nodes always hand float32; a model exported in half precision wants its inputs as
 * float16 bits (a Uint16Array, as both onnxruntimes take them) and gives float16 back.
 */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint16Array(values.length);
  const view = new DataView(bits.buffer);
  for (let i = 0; i < values.length; i++) setFloat16(view, i * 2, values[i]!, true);
  return bits;
}

export function fromFloat16Bits(bits: Uint16Array): Float32Array {
  const values = new Float32Array(bits.length);
  const view = new DataView(bits.buffer, bits.byteOffset, bits.byteLength);
  for (let i = 0; i < bits.length; i++) values[i] = getFloat16(view, i * 2, true);
  return values;
}

/** The data onnxruntime wants for a float input of `type`; other types are refused with the tensor's name. */
export function modelInputData(name: string, type: TensorElementType, values: Float32Array): Float32Array | Uint16Array {
  if (type === 'float32') return values;
  if (type === 'float16') return toFloat16Bits(values);
  throw new Error(`model input "${name}" is ${type}; Vivify feeds float32 or float16 tensors`);
}

/** A model output as float32, whatever float precision it came in. */
export function modelOutputData(name: string, type: TensorElementType, data: unknown): Float32Array {
  if (type === 'float32' && data instanceof Float32Array) return data;
  if (type === 'float16' && data instanceof Uint16Array) return fromFloat16Bits(data);
  // onnxruntime-web may hand float16 as a Float16Array where the browser has one.
  if (type === 'float16' && ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new Error(`model output "${name}" is ${type}; Vivify reads float32 or float16 tensors`);
}
