import { describe, expect, it } from 'vitest';
import { runOnCpu } from '../../test/support/onnx-cpu-run.ts';
import { rewriteDepthPools, rewriteDepthPoolsBytes } from './depth-pool-rewrite.ts';
import { encodeModel, makeModel, makeNode, valueInfo } from './onnx-graph.ts';

const x = [2, 3, 4, 9, 10];

function poolModel(op: 'AveragePool' | 'MaxPool', attributes: Parameters<typeof makeNode>[3]) {
  const y = valueInfo('Y', 'float32', []);
  delete y.type!.tensorType!.shape;
  return makeModel({ opset: 16, nodes: [makeNode(op, ['X'], ['Y'], attributes, 'pool')], inputs: [valueInfo('X', 'float32', x)], outputs: [y] });
}

describe('rewriteDepthPools', () => {
  it.each<['AveragePool' | 'MaxPool', Record<string, number | number[]>]>([
    ['AveragePool', { kernel_shape: [1, 2, 2] }],
    ['AveragePool', { kernel_shape: [1, 3, 3], strides: [1, 2, 2], pads: [0, 1, 1, 0, 1, 1], count_include_pad: 0, ceil_mode: 1 }],
    ['MaxPool', { kernel_shape: [1, 3, 2], strides: [1, 2, 1], pads: [0, 1, 0, 0, 1, 1] }],
  ])('turns a 3-D %s that leaves depth alone into the same 2-D one (%o)', async (op, attributes) => {
    const model = poolModel(op, attributes);
    const original = encodeModel(model);
    expect(rewriteDepthPools(model)).toEqual({ replaced: ['pool'], leftAlone: [] });
    expect(model.graph!.node!.filter((node) => node.opType === op).map((node) => node.attribute!.find((item) => item.name === 'kernel_shape')!.ints!.length)).toEqual([2]);
    const [before, after] = [await runOnCpu(original, x), await runOnCpu(encodeModel(model), x)];
    expect(after.dims).toEqual(before.dims);
    expect(Array.from(after.data)).toEqual(Array.from(before.data));
  });

  it('keeps pools across depth, and the bytes where nothing changes', () => {
    const across = poolModel('AveragePool', { kernel_shape: [2, 2, 2] });
    expect(rewriteDepthPools(across)).toEqual({ replaced: [], leftAlone: [{ node: 'pool', why: 'kernel 2x2x2: pools across depth' }] });
    const bytes = encodeModel(poolModel('AveragePool', { kernel_shape: [1, 2, 2], strides: [2, 2, 2] }));
    expect(rewriteDepthPoolsBytes(bytes)).toMatchObject({ bytes, leftAlone: [{ node: 'pool', why: 'stride along depth' }] });
  });
});
