import { describe, expect, it } from 'vitest';
import { runOnCpu } from '../../test/support/onnx-cpu-run.ts';
import { rewriteForCpu } from './cpu-graph.ts';
import { encodeModel, makeModel, makeNode, makeTensor, valueInfo } from './onnx-graph.ts';

const x = [1, 3, 4, 5, 6];

describe('rewriteForCpu', () => {
  it("flushes Exp's subnormals and turns 3-D convolutions into 2-D ones in one pass, with the same output", async () => {
    // Y = Conv3d(Exp(-100 |X|)): the heatmap-then-convolution shape of LivePortrait's warping module.
    const weights = makeTensor('W', 'float32', [2, 3, 3, 3, 3], Array.from({ length: 162 }, (_, i) => Math.sin(i)));
    const y = valueInfo('Y', 'float32', []);
    delete y.type!.tensorType!.shape;
    const model = makeModel({
      opset: 17,
      nodes: [makeNode('Abs', ['X'], ['A']), makeNode('Mul', ['A', 'S'], ['XS']), makeNode('Exp', ['XS'], ['E'], {}, 'exp'), makeNode('Conv', ['E', 'W'], ['Y'], { pads: [1, 1, 1, 1, 1, 1] }, 'conv')],
      inputs: [valueInfo('X', 'float32', x)],
      outputs: [y],
      initializers: [weights, makeTensor('S', 'float32', [], [-100])],
    });
    const bytes = encodeModel(model);
    const rewritten = rewriteForCpu(bytes);
    expect(rewritten.changed).toEqual(['exp', 'conv']);
    const [before, after] = [await runOnCpu(bytes, x), await runOnCpu(rewritten.bytes, x)];
    expect(after.dims).toEqual(before.dims);
    // Only values under float32's smallest normal number may differ (flushed), and the sums' rounding.
    expect(before.data.some((value) => value !== 0)).toBe(true);
    for (let i = 0; i < before.data.length; i++) expect(Math.abs(after.data[i]! - before.data[i]!)).toBeLessThan(1e-6);
  });
});
