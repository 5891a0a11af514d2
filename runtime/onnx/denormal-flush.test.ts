import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { rewriteForCpu } from './cpu-graph.ts';
import { flushExpDenormals } from './denormal-flush.ts';
import { encodeModel, makeModel, makeNode, valueInfo } from './onnx-graph.ts';

/** Y = Exp(X) + 0 (the Add reads the Exp's output, as LivePortrait's heatmaps are read on). */
function expModel(opset: number) {
  return makeModel({
    opset,
    nodes: [makeNode('Exp', ['X'], ['E'], {}, 'exp'), makeNode('Add', ['E', 'X0'], ['Y'])],
    inputs: [valueInfo('X', 'float32', [6]), valueInfo('X0', 'float32', [6])],
    outputs: [valueInfo('Y', 'float32', [6])],
  });
}

async function run(bytes: Uint8Array, x: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const { Y } = await session.run({ X: new ort.Tensor('float32', Float32Array.from(x), [6]), X0: new ort.Tensor('float32', new Float32Array(6), [6]) });
  await session.release();
  return Y!.data as Float32Array;
}

describe("flushing Exp's subnormal results", () => {
  // exp(-88) = 6e-39 and exp(-100) = 3.7e-44 are subnormal in float32; exp(-87) = 1.6e-38 is not.
  const x = [0, -1, -87, -88, -100, -200];

  it('sets only the subnormal results to zero', async () => {
    const model = expModel(16);
    const original = await run(encodeModel(model), x);
    expect(original[3]).toBeGreaterThan(0);
    expect(original[4]).toBeGreaterThan(0);
    expect(flushExpDenormals(model).flushed).toEqual(['exp']);
    const flushed = await run(encodeModel(model), x);
    expect(Array.from(flushed)).toEqual([original[0], original[1], original[2], 0, 0, 0]);
  });

  it('leaves a graph without Exp, or older than opset 15, as it is', () => {
    const bytes = encodeModel(makeModel({ opset: 16, nodes: [makeNode('Relu', ['X'], ['Y'])], inputs: [valueInfo('X', 'float32', [6])], outputs: [valueInfo('Y', 'float32', [6])] }));
    expect(rewriteForCpu(bytes)).toEqual({ changed: [], leftAlone: [], bytes });
    expect(flushExpDenormals(expModel(14)).flushed).toEqual([]);
  });
});
