import { rewriteDepthPools } from './depth-pool-rewrite.ts';
import { rewriteGridSample } from './grid-sample-rewrite.ts';
import { decodeModel, encodeModel } from './onnx-graph.ts';

/**
 * A model as WebGPU providers can run it whole: 5-D GridSample as Gathers (grid-sample-rewrite.ts) and depth-free 3-D
 * pools as 2-D ones (depth-pool-rewrite.ts). Decoded once; the bytes come back re-encoded only where something changed.
 */
export function rewriteForWebgpu(bytes: Uint8Array): { bytes: Uint8Array; replaced: string[]; leftAlone: { node: string; why: string }[] } {
  const model = decodeModel(bytes);
  const rewrites = [rewriteGridSample(model), rewriteDepthPools(model)];
  const replaced = rewrites.flatMap((rewrite) => rewrite.replaced);
  return { bytes: replaced.length ? encodeModel(model) : bytes, replaced, leftAlone: rewrites.flatMap((rewrite) => rewrite.leftAlone) };
}
