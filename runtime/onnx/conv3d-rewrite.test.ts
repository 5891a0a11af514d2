import { describe, expect, it } from 'vitest';
import { runOnCpu } from '../../test/support/onnx-cpu-run.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { rewriteConv3d, rewriteConv3dBytes } from './conv3d-rewrite.ts';
import { encodeModel, makeModel, makeNode, makeTensor, valueInfo } from './onnx-graph.ts';

const x = [2, 5, 6, 9, 10];

function convModel(kernel: number[], attributes: Parameters<typeof makeNode>[3], bias = true) {
  const random = seededRandom(11);
  const outputs = kernel[0]!;
  const weights = makeTensor('W', 'float32', kernel, Array.from({ length: kernel.reduce((a, b) => a * b) }, () => random() * 2 - 1));
  const initializers = [weights, ...(bias ? [makeTensor('B', 'float32', [outputs], Array.from({ length: outputs }, () => random()))] : [])];
  const y = valueInfo('Y', 'float32', []);
  delete y.type!.tensorType!.shape;
  return makeModel({ opset: 17, nodes: [makeNode('Conv', ['X', 'W', ...(bias ? ['B'] : [])], ['Y'], attributes, 'conv')], inputs: [valueInfo('X', 'float32', x)], outputs: [y], initializers });
}

describe('rewriteConv3d', () => {
  it.each<[number[], Record<string, number | number[]>, boolean]>([
    [[4, 5, 3, 3, 3], { kernel_shape: [3, 3, 3], pads: [1, 1, 1, 1, 1, 1] }, true],
    [[3, 5, 7, 7, 7], { pads: [3, 3, 3, 3, 3, 3] }, true],
    [[4, 5, 1, 1, 1], {}, false],
    [[2, 5, 2, 3, 1], { pads: [1, 0, 0, 0, 2, 0], strides: [1, 2, 1], dilations: [1, 1, 2] }, true],
    [[3, 5, 3, 3, 3], {}, true],
  ])('turns a 3-D Conv with kernel %o (%o) into one 2-D Conv over stacked depth slices, to float32 rounding', async (kernel, attributes, bias) => {
    const model = convModel(kernel, attributes, bias);
    const original = encodeModel(model);
    expect(rewriteConv3d(model)).toEqual({ replaced: ['conv'], leftAlone: [] });
    const convs = model.graph!.node!.filter((node) => node.opType === 'Conv');
    expect(convs.map((node) => model.graph!.initializer!.find((tensor) => tensor.name === node.input![1])!.dims!.length)).toEqual([4]);
    // Every initializer is read: onnxruntime warns on stderr about each one that is not.
    const read = new Set(model.graph!.node!.flatMap((node) => node.input ?? []));
    expect(model.graph!.initializer!.map((tensor) => tensor.name).filter((name) => !read.has(name!))).toEqual([]);
    const [before, after] = [await runOnCpu(original, x), await runOnCpu(encodeModel(model), x)];
    expect(after.dims).toEqual(before.dims);
    const scale = Math.max(...before.data.map(Math.abs));
    for (let i = 0; i < before.data.length; i++) expect(Math.abs(after.data[i]! - before.data[i]!)).toBeLessThan(1e-5 * scale);
  });

  it('keeps what it cannot express, and the bytes where nothing changes', () => {
    expect(rewriteConv3d(convModel([4, 5, 3, 3, 3], { strides: [2, 1, 1] }))).toEqual({ replaced: [], leftAlone: [{ node: 'conv', why: 'stride along depth' }] });
    const bytes = encodeModel(convModel([4, 5, 3, 3, 3], { dilations: [2, 1, 1] }));
    expect(rewriteConv3dBytes(bytes)).toMatchObject({ bytes, leftAlone: [{ node: 'conv', why: 'dilation along depth' }] });
  });
});
