import type { Builder } from 'flatbuffers';
import { FlatTable } from './flat-table.ts';
import { landmarkCount, meshPointCount, refinedLandmarks, irisDepthFrom } from './landmark-refinement.ts';
import { intVector, type ModelEdit, type NewOperator, type NewTensor, TensorType } from './tflite-edit.ts';

// BuiltinOperator codes and BuiltinOptions union members, from TensorFlow Lite's schema.fbs.
const op = { concatenation: 2, reshape: 22, gather: 36, mean: 40 };
const options = { concatenation: 10, reshape: 17, gather: 23, reducer: 27 };

/** The model's outputs in its order, after the mesh: each refines these landmarks. */
const refinementOutputs = ['lips', 'leftEye', 'rightEye', 'leftIris', 'rightIris'] as const;

/**
 * Extends the attention landmark model (seven outputs: mesh, lips, two eyes, two irises, face flag) with the
 * refinement MediaPipe does after it, so the model itself outputs what the FaceLandmarker task reads: the 478
 * landmarks as `[1, 1434]` (x, y, z each) and the face flag. Only RESHAPE, GATHER, CONCATENATION and MEAN are added.
 */
export function refineLandmarksEdit(model: Uint8Array): NonNullable<ModelEdit['subgraph']> {
  const subgraph = FlatTable.root(model).tables(2)[0]!;
  const existing = subgraph.vectorLength(0);
  const outputs = subgraph.int32s(2);
  if (outputs.length !== 7) throw new Error(`the attention landmark model should have 7 outputs, it has ${outputs.length}`);
  const [meshOut, ...rest] = outputs;
  const faceFlag = rest.pop()!;

  const tensors: NewTensor[] = [];
  const operators: NewOperator[] = [];
  const tensor = (name: string, shape: number[], data?: Int32Array) => {
    tensors.push({ name: `vivify/${name}`, type: data ? TensorType.int32 : TensorType.float32, shape, data });
    return existing + tensors.length - 1;
  };
  const constant = (name: string, values: readonly number[]) => tensor(name, [values.length], Int32Array.from(values));
  const reshape = (name: string, input: number, shape: number[]) => {
    const output = tensor(name, shape);
    operators.push({
      builtinCode: op.reshape,
      inputs: [input, constant(`${name}_shape`, shape)],
      outputs: [output],
      options: { type: options.reshape, write: (b) => table(b, [[0, 'offset', intVector(b, shape)]]) },
    });
    return output;
  };
  const gather = (name: string, input: number, indices: readonly number[], axis: number, shape: number[]) => {
    const output = tensor(name, shape);
    operators.push({
      builtinCode: op.gather,
      inputs: [input, constant(`${name}_indices`, indices)],
      outputs: [output],
      options: { type: options.gather, write: (b) => table(b, [[0, 'int32', axis]]) },
    });
    return output;
  };
  const concatenate = (name: string, inputs: number[], axis: number, shape: number[]) => {
    const output = tensor(name, shape);
    operators.push({
      builtinCode: op.concatenation,
      inputs,
      outputs: [output],
      options: { type: options.concatenation, write: (b) => table(b, [[0, 'int32', axis]]) },
    });
    return output;
  };
  const meanOfRows = (name: string, input: number) => {
    const output = tensor(name, [1, 1]);
    operators.push({
      builtinCode: op.mean,
      inputs: [input, constant(`${name}_axes`, [0])],
      outputs: [output],
      options: { type: options.reducer, write: (b) => table(b, [[0, 'bool', 1]]) },
    });
    return output;
  };

  const mesh = reshape('mesh', meshOut!, [meshPointCount, 3]);
  const meshXy = gather('mesh_xy', mesh, [0, 1], 1, [meshPointCount, 2]);
  const meshZ = gather('mesh_z', mesh, [2], 1, [meshPointCount, 1]);

  // All x,y rows stacked (mesh first, then each refinement); each landmark then gathers the last row that wrote it.
  const xyParts = [meshXy];
  const sourceRow = Array.from({ length: landmarkCount }, (_, landmark) => landmark);
  let rows = meshPointCount;
  refinementOutputs.forEach((name, index) => {
    const landmarks = refinedLandmarks[name];
    xyParts.push(reshape(name, rest[index]!, [landmarks.length, 2]));
    landmarks.forEach((landmark, row) => (sourceRow[landmark] = rows + row));
    rows += landmarks.length;
  });
  const allXy = concatenate('all_xy', xyParts, 0, [rows, 2]);
  const xy = gather('xy', allXy, sourceRow, 0, [landmarkCount, 2]);

  // z: the mesh's for its own points; each iris point the mean z of its eye contour.
  const leftIrisZ = meanOfRows('left_iris_z', gather('left_eye_z', meshZ, irisDepthFrom.leftIris, 0, [irisDepthFrom.leftIris.length, 1]));
  const rightIrisZ = meanOfRows('right_iris_z', gather('right_eye_z', meshZ, irisDepthFrom.rightIris, 0, [irisDepthFrom.rightIris.length, 1]));
  const allZ = concatenate('all_z', [meshZ, leftIrisZ, rightIrisZ], 0, [meshPointCount + 2, 1]);
  const zRow = sourceRow.map((_, landmark) => landmark);
  for (const landmark of refinedLandmarks.leftIris) zRow[landmark] = meshPointCount;
  for (const landmark of refinedLandmarks.rightIris) zRow[landmark] = meshPointCount + 1;
  const z = gather('z', allZ, zRow, 0, [landmarkCount, 1]);
  const xyz = concatenate('xyz', [xy, z], 1, [landmarkCount, 3]);
  const landmarks = reshape('landmarks', xyz, [1, landmarkCount * 3]);
  return { tensors, operators, outputs: [landmarks, faceFlag] };
}

type Field = [slot: number, kind: 'int32' | 'bool' | 'offset', value: number];

/** A small options table (all fields scalars or offsets written before it). */
function table(builder: Builder, fields: Field[]): number {
  builder.startObject(Math.max(...fields.map(([slot]) => slot)) + 1);
  for (const [slot, kind, value] of fields) {
    if (kind === 'offset') builder.addFieldOffset(slot, value, 0);
    else if (kind === 'bool') builder.addFieldInt8(slot, value, 0);
    else builder.addFieldInt32(slot, value, 0);
  }
  return builder.endObject();
}
