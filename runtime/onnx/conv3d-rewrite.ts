import {
  type ModelProto,
  type NodeProto,
  type TensorProto,
  decodeModel,
  defaultOpset,
  elementTypes,
  encodeModel,
  freshNames,
  intAttribute,
  intsAttribute,
  makeNode,
  makeTensor,
  stringAttribute,
} from './onnx-graph.ts';

/**
 * 3-D convolutions as 2-D ones, for onnxruntime's CPU provider. Its 3-D Conv unfolds the volume and multiplies
 * (about a third of the machine's float32 peak on LivePortrait's warping module), while its 2-D Conv runs in the
 * blocked NCHWc layout near the peak. A K-deep kernel over depth is the sum of K 2-D convolutions of neighbouring
 * depth slices, which is one 2-D convolution of the slices stacked K at a time on the channel axis:
 *
 *   [N, C, D, H, W] -> depth first, padded in depth -> K shifted views side by side on channels -> [N·D', K·C, H, W]
 *   -> Conv2d with the kernel's depth moved beside its input channels -> [N·D', O, H', W'] -> [N, O, D', H', W']
 *
 * The products and sums are the same; only their order differs (float32 rounding). Taken where the kernel is an
 * initializer, with stride and dilation 1 along depth and one group; shapes are read by Shape (opset 15).
 */

export interface Conv3dRewrite {
  replaced: string[];
  leftAlone: { node: string; why: string }[];
}

/**
 * Channels are padded with zeros to a multiple of this: onnxruntime lays a 2-D Conv out in its fast blocked NCHWc form
 * only where the input channels fill whole blocks (16 floats with AVX-512, 8 with AVX2).
 */
const channelBlock = 16;

/** Replaces the top-level graph's 3-D convolutions in place, where they qualify. */
export function rewriteConv3d(model: ModelProto): Conv3dRewrite {
  const result: Conv3dRewrite = { replaced: [], leftAlone: [] };
  const graph = model.graph;
  if (!graph) return result;
  const opset = defaultOpset(model);
  const initializers = new Map((graph.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
  const uses = new Map<string, number>();
  for (const node of graph.node ?? []) for (const input of node.input ?? []) uses.set(input, (uses.get(input) ?? 0) + 1);
  const fresh = freshNames(model);
  const nodes: NodeProto[] = [];
  const added: TensorProto[] = [];
  const dropped = new Set<string>();
  for (const node of graph.node ?? []) {
    const kernel = initializers.get(node.input?.[1] ?? '');
    if (node.opType !== 'Conv' || (node.domain && node.domain !== 'ai.onnx') || kernel?.dims?.length !== 5) {
      nodes.push(node);
      continue;
    }
    const label = node.name || node.output?.[0] || 'Conv';
    const kernelValues = floatValues(kernel);
    const bias = initializers.get(node.input?.[2] ?? '');
    const biasValues = bias && floatValues(bias);
    const why = reasonToKeep(node, kernel, kernelValues, bias, biasValues, opset);
    if (why) {
      result.leftAlone.push({ node: label, why });
      nodes.push(node);
      continue;
    }
    const [outputs, channels, depth, kh, kw] = kernel.dims.map(Number) as [number, number, number, number, number];
    const prefix = `conv3d_rewrite${result.replaced.length}/`;
    const name = (base: string) => fresh(`${prefix}${base}`);
    const op = (type: string, inputs: string[], attributes: Parameters<typeof makeNode>[3] = {}) => {
      const output = name(type.toLowerCase());
      nodes.push(makeNode(type, inputs, [output], attributes, output));
      return output;
    };
    const constant = (base: string, values: number[]) => {
      const tensor = makeTensor(name(base), 'int64', [values.length], values);
      added.push(tensor);
      return tensor.name!;
    };
    const x = node.input![0]!;
    const pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0, 0, 0];
    // Depth first, [N, D, C, H, W], padded along depth and with zero channels up to a whole block, then every depth
    // slice one image: [N·D+, C', H, W].
    const padded = Math.ceil(channels / channelBlock) * channelBlock;
    let slices = op('Transpose', [x], { perm: [0, 2, 1, 3, 4] });
    if (pads[0] || pads[3] || padded > channels) slices = op('Pad', [slices, constant('pads', [0, pads[0]!, 0, 0, 0, 0, pads[3]!, padded - channels, 0, 0])]);
    const images = op('Reshape', [slices, op('Concat', [constant('minus_one', [-1]), constant('channels', [padded]), op('Shape', [slices], { start: 3 })], { axis: 0 })]);
    // Each slice through all K kernel depths at once: [N·D+, K·O, H', W'], the bias on depth 0's outputs only.
    const weights = name('weights');
    added.push(makeTensor(weights, 'float32', [depth * outputs, padded, kh, kw], depthsAsOutputs(kernelValues!, [outputs, channels, depth, kh, kw], padded)));
    const inputs = [images, weights];
    if (biasValues) {
      const biases = name('bias');
      added.push(makeTensor(biases, 'float32', [depth * outputs], Float32Array.from({ length: depth * outputs }, (_, i) => (i < outputs ? biasValues[i]! : 0))));
      inputs.push(biases);
    }
    const attributes: Parameters<typeof makeNode>[3] = { kernel_shape: [kh, kw], pads: [pads[1]!, pads[2]!, pads[4]!, pads[5]!] };
    const strides = intsAttribute(node, 'strides');
    const dilations = intsAttribute(node, 'dilations');
    if (strides) attributes.strides = strides.slice(1);
    if (dilations) attributes.dilations = dilations.slice(1);
    const convolved = op('Conv', inputs, attributes);
    // [N, D+, K, O, H', W']: output depth d sums kernel depth k of slice d + k, D' = D+ - K + 1 deep.
    const split = op('Reshape', [convolved, op('Concat', [op('Shape', [slices], { start: 0, end: 2 }), constant('depths', [depth, outputs]), op('Shape', [convolved], { start: 2 })], { axis: 0 })]);
    const axes = constant('axes', [1, 2]);
    const terms: string[] = [];
    for (let k = 0; k < depth; k++) {
      const behind = depth - 1 - k;
      terms.push(op('Slice', [split, constant(`start${k}`, [k, k]), constant(`end${k}`, [behind === 0 ? Number.MAX_SAFE_INTEGER : -behind, k + 1]), axes]));
    }
    const summed = terms.length === 1 ? terms[0]! : op('Sum', terms);
    const squeezed = op('Squeeze', [summed, constant('depth_axis', [2])]);
    nodes.push(makeNode('Transpose', [squeezed], [node.output![0]!], { perm: [0, 2, 1, 3, 4] }, name('channels_first')));
    // The kernel and bias were rewritten into new tensors: the originals go where nothing else reads them.
    for (const original of node.input!.slice(1)) if (original && uses.get(original) === 1) dropped.add(original);
    result.replaced.push(label);
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []).filter((tensor) => !dropped.has(tensor.name ?? '')), ...added];
  return result;
}

/** Why this 3-D Conv stays as it is, or undefined where the rewrite takes it. */
function reasonToKeep(
  node: NodeProto,
  kernel: TensorProto,
  kernelValues: Float32Array | undefined,
  bias: TensorProto | undefined,
  biasValues: Float32Array | undefined,
  opset: number,
): string | undefined {
  if (opset < 15) return `opset ${opset}: the rewrite reads shapes with Shape's start and end (opset 15)`;
  if (kernel.dataType !== elementTypes.float32 || !kernelValues) return 'kernel not float32';
  if (node.input?.[2] && (bias?.dataType !== elementTypes.float32 || !biasValues)) return 'bias not a float32 initializer';
  if (intAttribute(node, 'group', 1) !== 1) return 'grouped';
  if ((intsAttribute(node, 'strides')?.[0] ?? 1) !== 1) return 'stride along depth';
  if ((intsAttribute(node, 'dilations')?.[0] ?? 1) !== 1) return 'dilation along depth';
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return `auto_pad ${autoPad}`;
  return undefined;
}

function floatValues(tensor: TensorProto): Float32Array | undefined {
  const count = (tensor.dims ?? []).reduce((a, b) => a * Number(b), 1);
  // A copy: the decoded bytes may be a view into a larger buffer at any offset.
  if (tensor.rawData?.length === count * 4) return new Float32Array(new Uint8Array(tensor.rawData).buffer);
  if (tensor.floatData && tensor.floatData.length === count) return Float32Array.from(tensor.floatData);
  return undefined;
}

/** [O, C, K, kh, kw] as [K·O, C', kh, kw], zero past C: output k·O + o is kernel depth k of output o. */
function depthsAsOutputs(from: Float32Array, [outputs, channels, depth, kh, kw]: [number, number, number, number, number], padded: number): Float32Array {
  const plane = kh * kw;
  const to = new Float32Array(depth * outputs * padded * plane);
  for (let o = 0; o < outputs; o++) {
    for (let c = 0; c < channels; c++) {
      for (let k = 0; k < depth; k++) {
        const source = ((o * channels + c) * depth + k) * plane;
        const target = ((k * outputs + o) * padded + c) * plane;
        to.set(from.subarray(source, source + plane), target);
      }
    }
  }
  return to;
}

/** The same on an encoded model: the bytes come back re-encoded only where something was replaced. */
export function rewriteConv3dBytes(bytes: Uint8Array): Conv3dRewrite & { bytes: Uint8Array } {
  const model = decodeModel(bytes);
  const rewrite = rewriteConv3d(model);
  return { ...rewrite, bytes: rewrite.replaced.length ? encodeModel(model) : bytes };
}
