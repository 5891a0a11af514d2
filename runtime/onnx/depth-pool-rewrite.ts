import { type ModelProto, type NodeProto, decodeModel, defaultOpset, encodeModel, freshNames, intsAttribute, makeNode, makeTensor, stringAttribute } from './onnx-graph.ts';

/**
 * 3-D AveragePool and MaxPool that leave depth alone, as 2-D pools: onnxruntime-web's WebGPU (JSEP) provider takes
 * them, lays them out NHWC and then fails at run time ("Pooling with kernelShape.length > 2 is not supported for NHWC
 * format"). LivePortrait's warping module pools its volumes with a (1, 2, 2) kernel, which is the same 2-D pool of
 * every depth slice: [N, C, D, H, W] is reshaped to [N, C·D, H, W], pooled with the last two axes' settings, and
 * reshaped back, with shapes read by Shape (folded away where they are static). Shape's start and end need opset 15.
 */

export interface DepthPoolRewrite {
  replaced: string[];
  leftAlone: { node: string; why: string }[];
}

/** Replaces depth-free 3-D pools of the top-level graph in place. */
export function rewriteDepthPools(model: ModelProto): DepthPoolRewrite {
  const result: DepthPoolRewrite = { replaced: [], leftAlone: [] };
  const graph = model.graph;
  if (!graph) return result;
  const opset = defaultOpset(model);
  const fresh = freshNames(model);
  const nodes: NodeProto[] = [];
  const initializers = [];
  for (const node of graph.node ?? []) {
    const kernel = intsAttribute(node, 'kernel_shape');
    if ((node.opType !== 'AveragePool' && node.opType !== 'MaxPool') || (node.domain && node.domain !== 'ai.onnx') || kernel?.length !== 3) {
      nodes.push(node);
      continue;
    }
    const label = node.name || node.output?.[0] || node.opType;
    const why = reasonToKeep(node, kernel, opset);
    if (why) {
      result.leftAlone.push({ node: label, why });
      nodes.push(node);
      continue;
    }
    const prefix = `depth_pool_rewrite${result.replaced.length}/`;
    const [x] = node.input!;
    const y = node.output![0]!;
    const name = (base: string) => fresh(`${prefix}${base}`);
    const op = (type: string, inputs: string[], attributes: Parameters<typeof makeNode>[3] = {}) => {
      const output = name(type.toLowerCase());
      nodes.push(makeNode(type, inputs, [output], attributes, output));
      return output;
    };
    const minusOne = name('minus_one');
    initializers.push(makeTensor(minusOne, 'int64', [1], [-1]));
    // [N, -1, H, W] in, [N, C, D, H', W'] out.
    const flat = op('Concat', [op('Shape', [x!], { start: 0, end: 1 }), minusOne, op('Shape', [x!], { start: 3 })], { axis: 0 });
    const slices = op('Reshape', [x!, flat]);
    const kept = (key: string, from: number) => intsAttribute(node, key)?.slice(from);
    const attributes: Parameters<typeof makeNode>[3] = { kernel_shape: kernel.slice(1) };
    for (const [key, value] of [['strides', kept('strides', 1)], ['dilations', kept('dilations', 1)]] as const) if (value) attributes[key] = value;
    const pads = intsAttribute(node, 'pads');
    if (pads) attributes.pads = [pads[1]!, pads[2]!, pads[4]!, pads[5]!];
    const pooled = op(node.opType!, [slices], attributes);
    // The rest (auto_pad, ceil_mode, count_include_pad, storage_order) as they were.
    nodes.at(-1)!.attribute!.push(...(node.attribute ?? []).filter((item) => !['kernel_shape', 'strides', 'dilations', 'pads'].includes(item.name ?? '')));
    const back = op('Concat', [op('Shape', [x!], { start: 0, end: 3 }), op('Shape', [pooled], { start: 2 })], { axis: 0 });
    nodes.push(makeNode('Reshape', [pooled, back], [y], {}, name('reshape_back')));
    result.replaced.push(label);
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []), ...initializers];
  return result;
}

/** Why this 3-D pool stays as it is, or undefined where it is a 2-D pool of each depth slice. */
function reasonToKeep(node: NodeProto, kernel: number[], opset: number): string | undefined {
  if (opset < 15) return `opset ${opset}: the rewrite reads shapes with Shape's start and end (opset 15)`;
  if (node.output?.length !== 1) return 'MaxPool with Indices';
  if (kernel[0] !== 1) return `kernel ${kernel.join('x')}: pools across depth`;
  if ((intsAttribute(node, 'strides')?.[0] ?? 1) !== 1) return 'stride along depth';
  if ((intsAttribute(node, 'dilations')?.[0] ?? 1) !== 1) return 'dilation along depth';
  const pads = intsAttribute(node, 'pads');
  if (pads && (pads[0] !== 0 || pads[3] !== 0)) return 'padding along depth';
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return `auto_pad ${autoPad}`;
  return undefined;
}

/** The same on an encoded model: the bytes come back re-encoded only where something was replaced. */
export function rewriteDepthPoolsBytes(bytes: Uint8Array): DepthPoolRewrite & { bytes: Uint8Array } {
  const model = decodeModel(bytes);
  const rewrite = rewriteDepthPools(model);
  return { ...rewrite, bytes: rewrite.replaced.length ? encodeModel(model) : bytes };
}
