import { Builder } from 'flatbuffers';
import { FlatTable } from './flat-table.ts';

/**
 * Edits a TFLite model (flatbuffer, schema "TFL3") without decoding all of it: the original bytes are copied whole to
 * the end of a new buffer, and new tables written before them (Model, the edited SubGraph, new tensors, operators,
 * buffers, metadata) point forward into the untouched originals. Only the fields named below are read or written.
 */

// Field slots, from TensorFlow Lite's schema.fbs (a union takes two slots: its type, then its value).
const Model = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 };
const SubGraph = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 };
const Tensor = { shape: 0, type: 1, buffer: 2, name: 3, hasRank: 8 };
const OperatorCode = { deprecatedBuiltinCode: 0, version: 2, builtinCode: 3 };
const Operator = { opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4 };
const Metadata = { name: 0, buffer: 1 };
const BufferTable = { data: 0 };

export const TensorType = { float32: 0, int32: 2 } as const;

export interface NewTensor {
  name: string;
  type: (typeof TensorType)[keyof typeof TensorType];
  shape: number[];
  /** Constant contents; a tensor without data is computed by an operator. */
  data?: Int32Array | Float32Array;
}

export interface NewOperator {
  /** A BuiltinOperator code (RESHAPE 22, GATHER 36, CONCATENATION 2, MEAN 40...). */
  builtinCode: number;
  inputs: number[];
  outputs: number[];
  /** The BuiltinOptions union member and a function writing its table. */
  options?: { type: number; write: (builder: Builder) => number };
}

export interface ModelEdit {
  /** Metadata entries to add or replace by name (TFLITE_METADATA holds the model's ModelMetadata flatbuffer). */
  metadata?: Record<string, Uint8Array>;
  /** Changes to subgraph 0: tensors and operators appended (tensor indices continue after the existing ones). */
  subgraph?: {
    tensors: NewTensor[];
    operators: NewOperator[];
    /** The subgraph's new output tensor indices. */
    outputs: number[];
  };
}

export function editTfliteModel(original: Uint8Array, edit: ModelEdit): Uint8Array {
  const model = FlatTable.root(original);
  const builder = new Builder(original.length + 64 * 1024);
  // Tensor data is 16-byte aligned in TFLite (force_align); keep the originals aligned where they land.
  builder.prep(16, original.length);
  const blob = builder.createByteVector(original);
  /** Where an object of the original sits, as the builder counts (from the end of the new buffer). */
  const old = (position: number) => blob - 4 - position;

  const buffers = model.tables(Model.buffers).map((table) => old(table.position));
  const addBuffer = (bytes: Uint8Array) => {
    builder.prep(16, bytes.length);
    const data = builder.createByteVector(bytes);
    builder.startObject(3);
    builder.addFieldOffset(BufferTable.data, data, 0);
    buffers.push(builder.endObject());
    return buffers.length - 1;
  };

  const metadata = model
    .tables(Model.metadata)
    .filter((entry) => !(entry.string(Metadata.name)! in (edit.metadata ?? {})))
    .map((entry) => old(entry.position));
  for (const [name, bytes] of Object.entries(edit.metadata ?? {})) {
    const bufferIndex = addBuffer(bytes);
    const nameOffset = builder.createString(name);
    builder.startObject(2);
    builder.addFieldOffset(Metadata.name, nameOffset, 0);
    builder.addFieldInt32(Metadata.buffer, bufferIndex, 0);
    metadata.push(builder.endObject());
  }

  const operatorCodes = model.tables(Model.operatorCodes).map((table) => old(table.position));
  const subgraphs = model.tables(Model.subgraphs).map((table) => old(table.position));
  if (edit.subgraph) {
    const codeIndex = new Map<number, number>();
    model.tables(Model.operatorCodes).forEach((code, index) => {
      const builtin = Math.max(code.int8(OperatorCode.deprecatedBuiltinCode), code.int32(OperatorCode.builtinCode));
      if (code.int32(OperatorCode.version, 1) === 1 && !codeIndex.has(builtin)) codeIndex.set(builtin, index);
    });
    for (const { builtinCode } of edit.subgraph.operators) {
      if (codeIndex.has(builtinCode)) continue;
      builder.startObject(4);
      // Old readers use the int8 field; codes from 127 on live only in the int32 one.
      builder.addFieldInt8(OperatorCode.deprecatedBuiltinCode, Math.min(builtinCode, 127), 0);
      builder.addFieldInt32(OperatorCode.version, 1, 1);
      builder.addFieldInt32(OperatorCode.builtinCode, builtinCode, 0);
      operatorCodes.push(builder.endObject());
      codeIndex.set(builtinCode, operatorCodes.length - 1);
    }
    subgraphs[0] = writeSubGraph(builder, model.tables(Model.subgraphs)[0]!, edit.subgraph, old, codeIndex, addBuffer);
  }

  const operatorCodesVector = offsetVector(builder, operatorCodes);
  const subgraphsVector = offsetVector(builder, subgraphs);
  const buffersVector = offsetVector(builder, buffers);
  const metadataVector = offsetVector(builder, metadata);

  builder.startObject(8);
  builder.addFieldInt32(Model.version, model.uint32(Model.version), 0);
  builder.addFieldOffset(Model.operatorCodes, operatorCodesVector, 0);
  builder.addFieldOffset(Model.subgraphs, subgraphsVector, 0);
  for (const slot of [Model.description, Model.metadataBuffer]) {
    if (model.has(slot)) builder.addFieldOffset(slot, old(model.target(slot)), 0);
  }
  builder.addFieldOffset(Model.buffers, buffersVector, 0);
  builder.addFieldOffset(Model.metadata, metadataVector, 0);
  // Signature defs name subgraph outputs; they would be stale after an edit, and MediaPipe does not use them.
  if (model.has(Model.signatureDefs) && !edit.subgraph) builder.addFieldOffset(Model.signatureDefs, old(model.target(Model.signatureDefs)), 0);
  builder.finish(builder.endObject(), 'TFL3');
  return builder.asUint8Array().slice();
}

function writeSubGraph(
  builder: Builder,
  subgraph: FlatTable,
  edit: NonNullable<ModelEdit['subgraph']>,
  old: (position: number) => number,
  codeIndex: Map<number, number>,
  addBuffer: (bytes: Uint8Array) => number,
): number {
  const tensors = subgraph.tables(SubGraph.tensors).map((table) => old(table.position));
  for (const tensor of edit.tensors) {
    const bufferIndex = tensor.data ? addBuffer(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength)) : 0;
    const shape = intVector(builder, tensor.shape);
    const name = builder.createString(tensor.name);
    builder.startObject(9);
    builder.addFieldOffset(Tensor.shape, shape, 0);
    builder.addFieldInt8(Tensor.type, tensor.type, 0);
    builder.addFieldInt32(Tensor.buffer, bufferIndex, 0);
    builder.addFieldOffset(Tensor.name, name, 0);
    builder.addFieldInt8(Tensor.hasRank, 1, 0);
    tensors.push(builder.endObject());
  }
  const operators = subgraph.tables(SubGraph.operators).map((table) => old(table.position));
  for (const operator of edit.operators) {
    const options = operator.options?.write(builder);
    const inputs = intVector(builder, operator.inputs);
    const outputs = intVector(builder, operator.outputs);
    builder.startObject(5);
    builder.addFieldInt32(Operator.opcodeIndex, codeIndex.get(operator.builtinCode)!, 0);
    builder.addFieldOffset(Operator.inputs, inputs, 0);
    builder.addFieldOffset(Operator.outputs, outputs, 0);
    if (operator.options && options !== undefined) {
      builder.addFieldInt8(Operator.builtinOptionsType, operator.options.type, 0);
      builder.addFieldOffset(Operator.builtinOptions, options, 0);
    }
    operators.push(builder.endObject());
  }
  const tensorsVector = offsetVector(builder, tensors);
  const operatorsVector = offsetVector(builder, operators);
  const outputsVector = intVector(builder, edit.outputs);
  builder.startObject(5);
  builder.addFieldOffset(SubGraph.tensors, tensorsVector, 0);
  builder.addFieldOffset(SubGraph.inputs, old(subgraph.target(SubGraph.inputs)), 0);
  builder.addFieldOffset(SubGraph.outputs, outputsVector, 0);
  builder.addFieldOffset(SubGraph.operators, operatorsVector, 0);
  if (subgraph.has(SubGraph.name)) builder.addFieldOffset(SubGraph.name, old(subgraph.target(SubGraph.name)), 0);
  return builder.endObject();
}

/** A vector of offsets to tables (or strings) already written. */
export function offsetVector(builder: Builder, offsets: readonly number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]!);
  return builder.endVector();
}

export function intVector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt32(values[i]!);
  return builder.endVector();
}

export function floatVector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addFloat32(values[i]!);
  return builder.endVector();
}
