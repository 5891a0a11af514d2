import {
  type ModelProto,
  type NodeProto,
  type TensorProto,
  declaredShape,
  decodeModel,
  defaultOpset,
  elementTypeName,
  elementTypes,
  encodeModel,
  freshNames,
  intAttribute,
  makeNode,
  makeTensor,
  stringAttribute,
} from './onnx-graph.ts';

/**
 * GridSample as standard ops, for providers that lack it: onnxruntime's WebGPU (JSEP) and CUDA providers run only
 * 4-D GridSample, and LivePortrait's warping module samples 5-D volumes. Trilinear (or bilinear) sampling becomes
 * eight (or four) Gathers of flat int32 voxel indices from the volume, weighted and summed. X is padded by one zero
 * voxel on each spatial side, so a corner clamped to that border reads zero: "zeros" padding with no boolean masks.
 * Every op used is one the JSEP WebGPU provider registers (Pad, Reshape, Squeeze, Transpose, Split, Mul, Add, Sub,
 * Floor, Clip, Cast, Gather; Shape, Concat and Range only where a dimension is not declared). Index math is float32
 * whatever X's precision; only the corner weights are cast back to it.
 */

export interface GridSampleRewriteOptions {
  /** The ranks of X to rewrite: 5 by default (the 4-D op runs on those providers); 4 is supported too. */
  ranks?: number[];
}

export interface GridSampleRewrite {
  /** The GridSample nodes replaced, by name (or by output where the node has none). */
  replaced: string[];
  /** The ones kept as they were, each with the reason. */
  leftAlone: { node: string; why: string }[];
}

const supportedRanks = [4, 5];

/** Replaces GridSample nodes of the top-level graph in place (subgraphs are not visited). */
export function rewriteGridSample(model: ModelProto, options: GridSampleRewriteOptions = {}): GridSampleRewrite {
  const ranks = options.ranks ?? [5];
  const graph = model.graph;
  const result: GridSampleRewrite = { replaced: [], leftAlone: [] };
  if (!graph) return result;
  const fresh = freshNames(model);
  const opset = defaultOpset(model);
  const nodes: NodeProto[] = [];
  let count = 0;
  for (const node of graph.node ?? []) {
    if (node.opType !== 'GridSample' || (node.domain && node.domain !== 'ai.onnx')) {
      nodes.push(node);
      continue;
    }
    const label = node.name || node.output?.[0] || 'GridSample';
    const plan = planFor(model, node, opset, ranks);
    if (typeof plan === 'string') {
      result.leftAlone.push({ node: label, why: plan });
      nodes.push(node);
      continue;
    }
    const patch = new GraphPatch(`gridsample_rewrite${count++}/`, fresh);
    emitSampling(patch, plan);
    nodes.push(...patch.nodes);
    graph.initializer = [...(graph.initializer ?? []), ...patch.initializers];
    result.replaced.push(label);
  }
  graph.node = nodes;
  return result;
}

/** The same on an encoded model: the bytes come back re-encoded only where something was replaced. */
export function rewriteGridSampleBytes(bytes: Uint8Array, options: GridSampleRewriteOptions = {}): GridSampleRewrite & { bytes: Uint8Array } {
  const model = decodeModel(bytes);
  const rewrite = rewriteGridSample(model, options);
  return { ...rewrite, bytes: rewrite.replaced.length ? encodeModel(model) : bytes };
}

type FloatType = 'float32' | 'float16' | 'float64';

interface SamplingPlan {
  x: string;
  grid: string;
  y: string;
  rank: number;
  alignCorners: boolean;
  xType: FloatType;
  gridType: FloatType;
  /** X's declared dimensions; a string where the file leaves one free. */
  xShape: (number | string)[];
  /** grid's declared dimensions, where it has them. */
  gridShape: (number | string)[] | undefined;
  /** The batch size, where X or grid declares it. */
  batch: number | undefined;
}

/** What to emit for this node, or why it stays. */
function planFor(model: ModelProto, node: NodeProto, opset: number, ranks: number[]): SamplingPlan | string {
  const [x, grid] = node.input ?? [];
  const y = node.output?.[0];
  if (!x || !grid || !y) return 'inputs or output missing';
  const mode = stringAttribute(node, 'mode', opset >= 20 ? 'linear' : 'bilinear');
  if (mode !== 'linear' && mode !== 'bilinear') return `mode "${mode}": only linear (bilinear) sampling is rewritten`;
  const padding = stringAttribute(node, 'padding_mode', 'zeros');
  if (padding !== 'zeros') return `padding_mode "${padding}": only zeros padding is rewritten`;
  const xShape = declaredShape(model, x) ?? reshapedShape(model, x);
  const gridShape = declaredShape(model, grid) ?? reshapedShape(model, grid);
  const rank = xShape?.length ?? gridShape?.length;
  if (rank === undefined) return 'rank unknown: neither X nor grid has a declared shape';
  if (!ranks.includes(rank)) return `${rank}-D: rewriting only ranks ${ranks.join(', ')}`;
  if (!supportedRanks.includes(rank)) return `${rank}-D: only 4-D and 5-D GridSample can be rewritten`;
  const xType = elementType(model, x);
  const gridType = elementType(model, grid);
  if (!isFloat(xType) || !isFloat(gridType)) return `element types unknown or not float (X ${xType ?? 'unknown'}, grid ${gridType ?? 'unknown'})`;
  const known = (dim: number | string | undefined) => (typeof dim === 'number' ? dim : undefined);
  return {
    x,
    grid,
    y,
    rank,
    alignCorners: intAttribute(node, 'align_corners', 0) === 1,
    xType,
    gridType,
    xShape: xShape ?? new Array<string>(rank).fill('?'),
    gridShape,
    batch: known(xShape?.[0]) ?? known(gridShape?.[0]),
  };
}

/**
 * The shape a Reshape to a constant target gives, '?' where the target says -1 or 0: PyTorch 1.13 declares no shapes
 * after the reshapes that feed LivePortrait's dense motion GridSample, while their targets are Constants.
 */
function reshapedShape(model: ModelProto, name: string): (number | string)[] | undefined {
  const graph = model.graph;
  const producer = graph?.node?.find((node) => node.output?.includes(name));
  const target = producer?.opType === 'Reshape' && (!producer.domain || producer.domain === 'ai.onnx') ? producer.input?.[1] : undefined;
  if (!target) return undefined;
  const tensor =
    graph?.initializer?.find((item) => item.name === target) ??
    graph?.node?.find((node) => node.opType === 'Constant' && node.output?.includes(target))?.attribute?.find((item) => item.name === 'value')?.t;
  if (!tensor || tensor.dataType !== elementTypes.int64 || tensor.dims?.length !== 1) return undefined;
  const raw = tensor.rawData?.length ? tensor.rawData : undefined;
  const values = raw ? Array.from(new BigInt64Array(raw.slice().buffer), Number) : (tensor.int64Data ?? []).map(Number);
  if (values.length !== Number(tensor.dims[0])) return undefined;
  return values.map((value) => (value > 0 ? value : '?'));
}

const isFloat = (type: string | undefined): type is FloatType => type === 'float32' || type === 'float16' || type === 'float64';

/**
 * A tensor's element type: declared (input, output, value_info, initializer), else followed back through the node
 * that makes it. Exporters often leave intermediate tensors, such as a computed grid, without value_info.
 */
function elementType(model: ModelProto, name: string, seen = new Set<string>()): string | undefined {
  const graph = model.graph;
  const value = [...(graph?.input ?? []), ...(graph?.output ?? []), ...(graph?.valueInfo ?? [])].find((item) => item.name === name);
  const code = value?.type?.tensorType?.elemType ?? graph?.initializer?.find((item) => item.name === name)?.dataType;
  if (code) return elementTypeName(code);
  const producer = graph?.node?.find((node) => node.output?.includes(name));
  if (!producer || seen.has(name) || (producer.domain && producer.domain !== 'ai.onnx')) return undefined;
  seen.add(name);
  const op = producer.opType ?? '';
  const attribute = (key: string) => producer.attribute?.find((item) => item.name === key);
  if (op === 'Cast') return elementTypeName(Number(attribute('to')?.i ?? 0));
  if (op === 'Constant' || op === 'ConstantOfShape') {
    const tensor = attribute('value')?.t;
    if (tensor) return elementTypeName(tensor.dataType);
    return op === 'ConstantOfShape' || attribute('value_float') || attribute('value_floats') ? 'float32' : undefined;
  }
  if (integerOutputs.has(op)) return 'int64';
  if (booleanOutputs.has(op)) return 'bool';
  // Where's values and CastLike's target come second; most other ops keep their first input's type.
  const source = op === 'Where' || op === 'CastLike' || op === 'DequantizeLinear' ? producer.input?.[1] : producer.input?.find((input) => input);
  return source ? elementType(model, source, seen) : undefined;
}

const integerOutputs = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);
const booleanOutputs = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);

/** A number known now, or the name of a 0-D tensor computed in the graph. */
type Scalar = number | string;

/** New nodes and initializers under one prefix. */
class GraphPatch {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly scalars = new Map<string, string>();
  constructor(
    private readonly prefix: string,
    private readonly fresh: (base: string) => string,
  ) {}

  name(base: string): string {
    return this.fresh(`${this.prefix}${base}`);
  }

  constant(base: string, type: 'float32' | 'int64' | 'int32', dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.name(base);
    this.initializers.push(makeTensor(name, type, dims, values));
    return name;
  }

  op(opType: string, inputs: string[], attributes: Parameters<typeof makeNode>[3] = {}, base = opType.toLowerCase()): string {
    const output = this.name(base);
    this.nodes.push(makeNode(opType, inputs, [output], attributes));
    return output;
  }

  /** A node writing to an existing name (the replaced node's output). */
  opInto(opType: string, inputs: string[], output: string, attributes: Parameters<typeof makeNode>[3] = {}): void {
    this.nodes.push(makeNode(opType, inputs, [output], attributes, this.name(opType.toLowerCase())));
  }

  /** A 0-D tensor holding `value`; one initializer per distinct constant. */
  scalar(value: Scalar, type: 'float32' | 'int32'): string {
    if (typeof value === 'string') return value;
    const key = `${type === 'int32' ? 'i' : 'f'}${value}`;
    let name = this.scalars.get(key);
    if (!name) this.scalars.set(key, (name = this.constant(key, type, [], [value])));
    return name;
  }

  /** a op b, folded where both are known. */
  arith(op: 'Add' | 'Sub' | 'Mul' | 'Div', a: Scalar, b: Scalar, type: 'float32' | 'int32'): Scalar {
    if (typeof a === 'number' && typeof b === 'number') return op === 'Add' ? a + b : op === 'Sub' ? a - b : op === 'Mul' ? a * b : a / b;
    return this.op(op, [this.scalar(a, type), this.scalar(b, type)]);
  }

  toFloat(value: Scalar): Scalar {
    return typeof value === 'number' ? value : this.op('Cast', [value], { to: elementTypes.float32! });
  }
}

/** The nodes that compute GridSample's output with the same name; constants go to the patch's initializers. */
function emitSampling(patch: GraphPatch, plan: SamplingPlan): void {
  const { rank, xShape } = plan;
  const spatial = rank - 2;
  const FLOAT = elementTypes.float32!;
  const INT32 = elementTypes.int32!;
  let axes0: string | undefined;

  // X's dimension `axis` as an int32 scalar: declared, or read with Shape.
  const dim = (axis: number): Scalar => {
    const declared = xShape[axis];
    if (typeof declared === 'number') return declared;
    const shape = patch.op('Shape', [plan.x], { start: axis, end: axis + 1 });
    axes0 ??= patch.constant('axes0', 'int64', [1], [0]);
    return patch.op('Squeeze', [patch.op('Cast', [shape], { to: INT32 }), axes0]);
  };
  const sizes = Array.from({ length: spatial }, (_, j) => dim(2 + j));
  const padded = sizes.map((size) => patch.arith('Add', size, 2, 'int32'));
  // Flat offsets in the padded volume: stride of each spatial axis, and of the batch.
  const strides = padded.map((_, j) => padded.slice(j + 1).reduce<Scalar>((product, size) => patch.arith('Mul', product, size, 'int32'), 1));
  const volume = padded.reduce<Scalar>((product, size) => patch.arith('Mul', product, size, 'int32'), 1);

  // The padded volume as [C, N*(D+2)*(H+2)*(W+2)]: a corner's values are one Gather along axis 1, and come out in the
  // [C, N, *out] layout that the weights [N, *out] broadcast against. Reshapes cost nothing; a batch of one needs no
  // transpose at all, a larger one a 3-D transpose (WebGPU's generic 5-D transpose kernel is slow).
  const single = plan.batch === 1;
  const pads = patch.constant('pads', 'int64', [2 * rank], [0, 0, ...sizes.map(() => 1), 0, 0, ...sizes.map(() => 1)]);
  const paddedX = patch.op('Pad', [plan.x, pads], {}, 'x_padded');
  const keepTwo = patch.constant('keep_two_flatten_rest', 'int64', [3], [0, 0, -1]);
  const swap = { perm: [1, 0, 2] };
  const ncv = patch.op('Reshape', [paddedX, keepTwo], {}, 'x_ncv');
  const rows = single
    ? patch.op('Squeeze', [ncv, patch.constant('batch_axis', 'int64', [1], [0])], {}, 'x_rows')
    : patch.op('Reshape', [patch.op('Transpose', [ncv], swap, 'x_cnv'), patch.constant('keep_one_flatten_rest', 'int64', [2], [0, -1])], {}, 'x_rows');

  // Grid coordinates, last axis (x, y[, z]) = (W, H[, D]): each [N, *out] in float32.
  const gridF = plan.gridType === 'float32' ? plan.grid : patch.op('Cast', [plan.grid], { to: FLOAT }, 'grid_f32');
  const split = patch.constant('split', 'int64', [spatial], new Array<number>(spatial).fill(1));
  const components = Array.from({ length: spatial }, (_, k) => patch.name(`grid_${'xyz'[k]}_1`));
  patch.nodes.push(makeNode('Split', [gridF, split], components, { axis: -1 }, patch.name('split')));
  const axesLast = patch.constant('axes_last', 'int64', [1], [-1]);
  const coordinates = components.map((component, k) => patch.op('Squeeze', [component, axesLast], {}, `grid_${'xyz'[k]}`));

  const zero = patch.scalar(0, 'float32');
  const one = patch.scalar(1, 'float32');
  const axisTerms = sizes.map((size, j) => {
    const g = coordinates[spatial - 1 - j]!;
    const sizeF = patch.toFloat(size);
    // Unnormalize, shifted by the one-voxel pad: align_corners 1 maps -1..1 to voxel centres 0..size-1, 0 to edges.
    const scale = plan.alignCorners ? patch.arith('Div', patch.arith('Sub', sizeF, 1, 'float32'), 2, 'float32') : patch.arith('Div', sizeF, 2, 'float32');
    const offset = patch.arith('Add', patch.arith('Div', patch.arith('Sub', sizeF, 1, 'float32'), 2, 'float32'), 1, 'float32');
    const coordinate = patch.op('Add', [patch.op('Mul', [g, patch.scalar(scale, 'float32')]), patch.scalar(offset, 'float32')]);
    const lower = patch.op('Floor', [coordinate]);
    const upperWeight = patch.op('Sub', [coordinate, lower]);
    const lowerWeight = patch.op('Sub', [one, upperWeight]);
    // Corners beyond the pad clamp onto it and read zero; their weights stay those of the true corner.
    const last = patch.scalar(patch.arith('Add', sizeF, 1, 'float32'), 'float32');
    const index = (corner: string) => {
      const clamped = patch.op('Cast', [patch.op('Clip', [corner, zero, last])], { to: INT32 });
      return strides[j] === 1 ? clamped : patch.op('Mul', [clamped, patch.scalar(strides[j]!, 'int32')]);
    };
    return [
      { index: index(lower), weight: lowerWeight },
      { index: index(patch.op('Add', [lower, one])), weight: upperWeight },
    ];
  });

  // The batch's offset into the rows, [N, 1, ...]; none for a single declared batch.
  const batchOffset = batchOffsets(patch, plan, volume);

  let corners: { index?: string; weight?: string }[] = [{ index: batchOffset }];
  for (const terms of axisTerms) {
    corners = corners.flatMap((corner) =>
      terms.map((term) => ({
        index: corner.index ? patch.op('Add', [corner.index, term.index]) : term.index,
        weight: corner.weight ? patch.op('Mul', [corner.weight, term.weight]) : term.weight,
      })),
    );
  }

  let sum: string | undefined;
  for (const corner of corners) {
    const values = patch.op('Gather', [rows, corner.index!], { axis: 1 });
    const weight = plan.xType === 'float32' ? corner.weight! : patch.op('Cast', [corner.weight!], { to: elementTypes[plan.xType]! });
    const weighted = patch.op('Mul', [values, weight]);
    sum = sum ? patch.op('Add', [sum, weighted]) : weighted;
  }
  // [C, N, *out] to [N, C, *out]: the same 3-D transpose, or for one batch the same bytes.
  const nc = single ? sum! : patch.op('Transpose', [patch.op('Reshape', [sum!, keepTwo], {}, 'y_cnp')], swap, 'y_ncp');
  patch.opInto('Reshape', [nc, outputShape(patch, plan)], plan.y);
}

/** [N, C, *out]: declared, or read from X and grid. */
function outputShape(patch: GraphPatch, plan: SamplingPlan): string {
  const dims = [plan.batch, plan.xShape[1], ...(plan.gridShape?.slice(1, -1) ?? [])];
  if (dims.length === plan.rank && dims.every((dim) => typeof dim === 'number')) return patch.constant('y_shape', 'int64', [plan.rank], dims as number[]);
  const batchAndChannels = patch.op('Shape', [plan.x], { start: 0, end: 2 });
  return patch.op('Concat', [batchAndChannels, patch.op('Shape', [plan.grid], { start: 1, end: -1 })], { axis: 0 }, 'y_shape');
}

function batchOffsets(patch: GraphPatch, plan: SamplingPlan, volume: Scalar): string | undefined {
  const ones = new Array<number>(plan.rank - 2).fill(1);
  if (plan.batch === 1) return undefined;
  if (plan.batch !== undefined && typeof volume === 'number') {
    return patch.constant('batch_offsets', 'int32', [plan.batch, ...ones], Array.from({ length: plan.batch }, (_, n) => n * volume));
  }
  const batch = plan.batch ?? patch.op('Squeeze', [patch.op('Cast', [patch.op('Shape', [plan.x], { start: 0, end: 1 })], { to: elementTypes.int32! }), patch.constant('batch_axes', 'int64', [1], [0])]);
  const range = patch.op('Range', [patch.scalar(0, 'int32'), patch.scalar(batch, 'int32'), patch.scalar(1, 'int32')]);
  const column = patch.op('Reshape', [range, patch.constant('batch_shape', 'int64', [plan.rank - 1], [-1, ...ones])]);
  return patch.op('Mul', [column, patch.scalar(volume, 'int32')]);
}
