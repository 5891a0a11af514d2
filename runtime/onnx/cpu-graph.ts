import { rewriteConv3d } from './conv3d-rewrite.ts';
import { flushExpDenormals } from './denormal-flush.ts';
import { decodeModel, encodeModel, onnx } from './onnx-graph.ts';

/**
 * A model as onnxruntime's CPU provider runs it fastest with the same results: Exp's subnormal results flushed to zero
 * (denormal-flush.ts) and 3-D convolutions as 2-D ones over stacked depth slices (conv3d-rewrite.ts). Decoded once;
 * the bytes come back re-encoded only where something changed.
 */
export function rewriteForCpu(bytes: Uint8Array): { bytes: Uint8Array; changed: string[]; leftAlone: { node: string; why: string }[] } {
  const model = decodeModel(bytes);
  // Weights in a file beside the model are found from its path only: such a model is left to load from its path.
  const external = onnx.TensorProto.DataLocation.EXTERNAL;
  if ((model.graph?.initializer ?? []).some((tensor) => tensor.dataLocation === external)) return { bytes, changed: [], leftAlone: [] };
  const flushed = flushExpDenormals(model).flushed;
  const convolutions = rewriteConv3d(model);
  const changed = [...flushed, ...convolutions.replaced];
  return { bytes: changed.length ? encodeModel(model) : bytes, changed, leftAlone: convolutions.leftAlone };
}
