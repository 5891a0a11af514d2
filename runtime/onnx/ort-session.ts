import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { FloatTensor, ModelSession, ModelSignature, TensorSpec } from './model-session.ts';
import { modelInputData, modelOutputData } from './tensor-precision.ts';

/** The Tensor class of whichever onnxruntime the host loaded (node or web: both implement onnxruntime-common's). */
type TensorClass = typeof Tensor;

/**
 * A ModelSession over an onnxruntime session: the same code for onnxruntime-node and onnxruntime-web, which share
 * onnxruntime-common's interfaces. Inputs are converted to the precision the file declares, outputs back to float32.
 */
export function modelSessionFrom(session: InferenceSession, TensorOf: TensorClass, label: string, provider: string): ModelSession {
  const signature = sessionSignature(session);
  const inputTypes = new Map(signature.inputs.map((spec) => [spec.name, spec.type]));
  const outputTypes = new Map(signature.outputs.map((spec) => [spec.name, spec.type]));
  return {
    label,
    provider,
    signature,
    async run(feeds) {
      const tensors: Record<string, Tensor> = {};
      for (const [name, tensor] of Object.entries(feeds)) {
        const type = inputTypes.get(name);
        if (!type) throw new Error(`${label}: the model has no input "${name}" (it has ${[...inputTypes.keys()].join(', ')})`);
        const data = modelInputData(name, type, tensor.data);
        tensors[name] = data instanceof Uint16Array ? new TensorOf('float16', data, tensor.dims) : new TensorOf('float32', data, tensor.dims);
      }
      const results = await session.run(tensors);
      const outputs: Record<string, FloatTensor> = {};
      for (const [name, value] of Object.entries(results)) {
        outputs[name] = { data: modelOutputData(name, outputTypes.get(name) ?? value.type, value.data), dims: value.dims };
        value.dispose?.();
      }
      return outputs;
    },
    release: () => session.release(),
  };
}

/** Names, element types and shapes as onnxruntime reads them from the file. */
export function sessionSignature(session: InferenceSession): ModelSignature {
  const spec = (metadata: InferenceSession.ValueMetadata): TensorSpec =>
    metadata.isTensor ? { name: metadata.name, type: metadata.type, shape: [...metadata.shape].map((dim) => (typeof dim === 'number' ? dim : String(dim))) } : { name: metadata.name, type: 'non-tensor', shape: [] };
  return { inputs: session.inputMetadata.map(spec), outputs: session.outputMetadata.map(spec) };
}
