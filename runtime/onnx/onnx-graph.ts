import onnxProto from 'onnx-proto';
import type { ModelSignature, TensorElementType, TensorSpec } from './model-session.ts';

/**
 * ONNX files as data: decode, edit, encode (onnx-proto's protobufjs classes) and the small builders that graph rewrites
 * and tests use. Host-agnostic: the browser edits a model before handing it to onnxruntime-web, Node before -node.
 */
export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

const DataType = onnx.TensorProto.DataType;

/** ONNX's element type numbers, by onnxruntime's names. */
export const elementTypes: Record<string, number> = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  float64: DataType.DOUBLE,
  int64: DataType.INT64,
  int32: DataType.INT32,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
  bool: DataType.BOOL,
};

export function elementTypeName(code: number | null | undefined): TensorElementType {
  const name = Object.entries(elementTypes).find(([, value]) => value === code)?.[0];
  return name ?? `type ${code ?? 'unknown'}`;
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** The opset of the default ONNX domain the model imports. */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((item) => !item.domain);
  return entry ? Number(entry.version) : 0;
}

/** A tensor's declared element type and shape (a dimension without a value gives its name, or "?"). */
export function tensorSpec(value: ValueInfoProto): TensorSpec {
  const tensor = value.type?.tensorType;
  const shape = (tensor?.shape?.dim ?? []).map((dim) => (dim.dimValue !== null && dim.dimValue !== undefined && String(dim.dimValue) !== '0' ? Number(dim.dimValue) : dim.dimParam || '?'));
  return { name: value.name ?? '', type: elementTypeName(tensor?.elemType), shape };
}

/** The graph's declared inputs (initializers excluded: old exports list them as inputs too) and outputs. */
export function modelSignature(model: ModelProto): ModelSignature {
  const graph = model.graph;
  const initializers = new Set((graph?.initializer ?? []).map((item) => item.name));
  return {
    inputs: (graph?.input ?? []).filter((value) => !initializers.has(value.name)).map(tensorSpec),
    outputs: (graph?.output ?? []).map(tensorSpec),
  };
}

/** The declared shape of any value in the graph (input, output or value_info), where the file records one. */
export function declaredShape(model: ModelProto, name: string): (number | string)[] | undefined {
  const graph = model.graph;
  const all = [...(graph?.input ?? []), ...(graph?.output ?? []), ...(graph?.valueInfo ?? [])];
  const value = all.find((item) => item.name === name);
  if (value?.type?.tensorType?.shape) return tensorSpec(value).shape;
  const initializer = graph?.initializer?.find((item) => item.name === name);
  return initializer ? (initializer.dims ?? []).map(Number) : undefined;
}

// Builders.

export function valueInfo(name: string, type: TensorElementType, shape: readonly (number | string)[]): ValueInfoProto {
  const code = elementTypes[type];
  if (code === undefined) throw new Error(`unknown element type ${type}`);
  return {
    name,
    type: { tensorType: { elemType: code, shape: { dim: shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) } } },
  };
}

type AttributeValue = number | string | number[] | TensorProto;

/** A node; integer attributes are written as ints, others as floats (pass `{ float: x }` semantics via non-integers). */
export function makeNode(opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttributeValue> = {}, name = outputs[0]): NodeProto {
  const AttributeType = onnx.AttributeProto.AttributeType;
  const attribute = Object.entries(attributes).map(([key, value]): AttributeProto => {
    if (typeof value === 'string') return { name: key, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
    if (typeof value === 'number') return Number.isInteger(value) ? { name: key, type: AttributeType.INT, i: value } : { name: key, type: AttributeType.FLOAT, f: value };
    if (Array.isArray(value)) return { name: key, type: AttributeType.INTS, ints: value };
    return { name: key, type: AttributeType.TENSOR, t: value };
  });
  return { opType, input: inputs, output: outputs, name, attribute };
}

/** A constant tensor (an initializer or a Constant's value). */
export function makeTensor(name: string, type: 'float32' | 'int64' | 'int32', dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`tensor ${name}: ${values.length} values for shape [${dims.join(',')}]`);
  const bytes =
    type === 'float32' ? new Uint8Array(Float32Array.from(values).buffer) : type === 'int32' ? new Uint8Array(Int32Array.from(values).buffer) : new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
  return { name, dataType: elementTypes[type], dims: [...dims], rawData: bytes };
}

export function makeModel(options: {
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  initializers?: TensorProto[];
  opset?: number;
  name?: string;
}): ModelProto {
  return onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'vivify',
    opsetImport: [{ domain: '', version: options.opset ?? 17 }],
    graph: { name: options.name ?? 'graph', node: options.nodes, input: options.inputs, output: options.outputs, initializer: options.initializers ?? [] },
  });
}

/** The string value of a node's attribute, or `fallback`. */
export function stringAttribute(node: NodeProto, name: string, fallback: string): string {
  const attribute = node.attribute?.find((item) => item.name === name);
  return attribute?.s ? new TextDecoder().decode(attribute.s) : fallback;
}

/** The integer value of a node's attribute, or `fallback`. */
export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = node.attribute?.find((item) => item.name === name);
  return attribute?.i !== undefined && attribute.i !== null ? Number(attribute.i) : fallback;
}

/** The integer list value of a node's attribute, or undefined where it has none. */
export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  return node.attribute?.find((item) => item.name === name)?.ints?.map(Number);
}

/**
 * Names for new nodes and tensors that collide with nothing in the model's graph (nodes, their inputs and outputs, the
 * graph's inputs, outputs, value infos and initializers): `base`, else `base_1`, `base_2`... Each one given is taken.
 */
export function freshNames(model: ModelProto): (base: string) => string {
  const graph = model.graph;
  const taken = new Set<string>();
  for (const node of graph?.node ?? []) {
    if (node.name) taken.add(node.name);
    for (const name of [...(node.input ?? []), ...(node.output ?? [])]) taken.add(name);
  }
  for (const value of [...(graph?.input ?? []), ...(graph?.output ?? []), ...(graph?.valueInfo ?? []), ...(graph?.initializer ?? [])]) {
    if (value.name) taken.add(value.name);
  }
  return (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}
