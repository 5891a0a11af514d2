import { type ModelProto, type NodeProto, defaultOpset, freshNames, makeNode, makeTensor } from './onnx-graph.ts';

/**
 * Exp's results below float32's smallest normal number (1.18e-38) set to zero. LivePortrait's warping module builds
 * Gaussian heatmaps around its keypoints with exp(-d^2 / 0.02): far from a keypoint they fall through the subnormal
 * range, and the 3-D hourglass convolves them, 27 to 343 uses of every value. x86 takes a microcode assist for each
 * product that is or gives a subnormal, which made onnxruntime's CPU convolutions over those heatmaps several times
 * slower than on the same shapes with ordinary numbers (and its set_denormal_as_zero option does not reach the thread
 * the Node binding runs on). Flushing them is what the CPU's flush-to-zero mode would do: only values under 1.2e-38
 * change, by less than 1.2e-38. Needs opset 15 (CastLike keeps the constants in the Exp's own element type).
 */
export interface DenormalFlush {
  /** The Exp nodes whose output is flushed, by name (or by output where the node has none). */
  flushed: string[];
}

const smallestNormal = 1.1754943508222875e-38;

export function flushExpDenormals(model: ModelProto): DenormalFlush {
  const graph = model.graph;
  const result: DenormalFlush = { flushed: [] };
  if (!graph || defaultOpset(model) < 15) return result;
  const exps = (graph.node ?? []).filter((node) => node.opType === 'Exp' && !(node.domain && node.domain !== 'ai.onnx'));
  if (exps.length === 0) return result;
  const names = freshNames(model);
  const fresh = (base: string) => names(`denormal_flush/${base}`);
  const tiny = fresh('smallest_normal');
  const zero = fresh('zero');
  graph.initializer = [...(graph.initializer ?? []), makeTensor(tiny, 'float32', [], [smallestNormal]), makeTensor(zero, 'float32', [], [0])];
  const nodes: NodeProto[] = [];
  for (const node of graph.node ?? []) {
    nodes.push(node);
    if (!exps.includes(node)) continue;
    // The Exp writes a new name; the flushed value takes over the original one, so its readers need no change.
    const output = node.output![0]!;
    const raw = fresh('exp');
    node.output = [raw, ...(node.output!.slice(1))];
    const typedTiny = fresh('tiny');
    const typedZero = fresh('typed_zero');
    const below = fresh('below');
    nodes.push(
      makeNode('CastLike', [tiny, raw], [typedTiny]),
      makeNode('CastLike', [zero, raw], [typedZero]),
      makeNode('Less', [raw, typedTiny], [below]),
      makeNode('Where', [below, typedZero, raw], [output], {}, fresh('where')),
    );
    result.flushed.push(node.name || output);
  }
  graph.node = nodes;
  return result;
}
