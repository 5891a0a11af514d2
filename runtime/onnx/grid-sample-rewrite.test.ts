import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/support/seeded-random.ts';
import { rewriteGridSample, rewriteGridSampleBytes } from './grid-sample-rewrite.ts';
import { type ModelProto, decodeModel, encodeModel, makeModel, makeNode, makeTensor, valueInfo } from './onnx-graph.ts';
import { fromFloat16Bits, toFloat16Bits } from './tensor-precision.ts';

interface Case {
  opset: number;
  x: number[];
  grid: number[];
  alignCorners: 0 | 1;
  mode?: string;
  /** Leave the shapes out of the file (only the types are declared). */
  undeclared?: boolean;
}

function gridSampleModel(test: Case): ModelProto {
  const mode = test.mode ?? (test.opset >= 20 ? 'linear' : 'bilinear');
  const shape = (dims: number[]) => (test.undeclared ? undefined : dims);
  const info = (name: string, dims: number[] | undefined) => {
    const value = valueInfo(name, 'float32', dims ?? []);
    if (!dims) delete value.type!.tensorType!.shape;
    return value;
  };
  return makeModel({
    opset: test.opset,
    nodes: [makeNode('GridSample', ['X', 'grid'], ['Y'], { mode, padding_mode: 'zeros', align_corners: test.alignCorners }, 'sample')],
    inputs: [info('X', shape(test.x)), info('grid', shape(test.grid))],
    outputs: [info('Y', undefined)],
  });
}

function uniform(count: number, seed: number, extent = 1.1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => (random() * 2 - 1) * extent);
}

async function run(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<{ y: Float32Array; ms: number }> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const started = performance.now();
  const { Y } = await session.run(feeds);
  const ms = performance.now() - started;
  await session.release();
  return { y: Y!.data as Float32Array, ms };
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}

/** Runs the node as it is and rewritten on ORT's CPU provider; returns the largest difference. */
async function compare(test: Case, ranks?: number[]): Promise<number> {
  const model = gridSampleModel(test);
  const original = encodeModel(model);
  const rewrite = rewriteGridSample(model, ranks ? { ranks } : {});
  expect(rewrite).toEqual({ replaced: ['sample'], leftAlone: [] });
  expect(model.graph!.node!.some((node) => node.opType === 'GridSample')).toBe(false);
  const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
  const feeds = {
    X: new ort.Tensor('float32', uniform(count(test.x), 1), test.x),
    grid: new ort.Tensor('float32', uniform(count(test.grid), 2), test.grid),
  };
  const reference = await run(original, feeds);
  const rewritten = await run(encodeModel(model), feeds);
  const difference = maxDifference(reference.y, rewritten.y);
  console.log(
    `GridSample X[${test.x}] opset ${test.opset} align ${test.alignCorners}: ORT CPU op ${reference.ms.toFixed(0)} ms, rewritten ${rewritten.ms.toFixed(0)} ms, max diff ${difference.toExponential(1)}`,
  );
  return difference;
}

// The shapes of LivePortrait's warping module: 22 keypoint motions on 4 channels, then the 32-channel feature volume.
const motions = { x: [22, 4, 16, 64, 64], grid: [22, 16, 64, 64, 3] };
const features = { x: [1, 32, 16, 64, 64], grid: [1, 16, 64, 64, 3] };

describe('rewriteGridSample', () => {
  it('matches ORT CPU on the warping module\'s 5-D shapes', async () => {
    expect(await compare({ opset: 20, ...motions, alignCorners: 0 })).toBeLessThan(1e-4);
    expect(await compare({ opset: 16, ...features, alignCorners: 0 })).toBeLessThan(1e-4);
    expect(await compare({ opset: 20, ...features, alignCorners: 1 })).toBeLessThan(1e-4);
  }, 60_000);

  it('matches it with opset 16 "bilinear" and 20 "linear", both align_corners, on a small volume', async () => {
    const small = { x: [2, 3, 6, 7, 8], grid: [2, 5, 4, 9, 3] };
    for (const opset of [16, 20]) for (const alignCorners of [0, 1] as const) expect(await compare({ opset, ...small, alignCorners })).toBeLessThan(1e-4);
  });

  it('rewrites 4-D when asked to', async () => {
    expect(await compare({ opset: 16, x: [2, 3, 20, 30], grid: [2, 24, 16, 2], alignCorners: 0 }, [4])).toBeLessThan(1e-4);
    expect(await compare({ opset: 20, x: [2, 3, 20, 30], grid: [2, 24, 16, 2], alignCorners: 1 }, [4])).toBeLessThan(1e-4);
  });

  it('reads dimensions from the running tensors where the file declares only their rank', async () => {
    const model = gridSampleModel({ opset: 20, ...motions, alignCorners: 0 });
    // Every dimension free: the rank is known, nothing else.
    for (const value of model.graph!.input!) for (const dim of value.type!.tensorType!.shape!.dim!) Object.assign(dim, { dimValue: null, dimParam: 'free' });
    const original = encodeModel(model);
    expect(rewriteGridSample(model).replaced).toEqual(['sample']);
    expect(model.graph!.node!.map((node) => node.opType)).toContain('Shape');
    const x = [3, 2, 5, 6, 7];
    const grid = [3, 4, 5, 6, 3];
    const feeds = {
      X: new ort.Tensor('float32', uniform(x.reduce((a, b) => a * b), 3), x),
      grid: new ort.Tensor('float32', uniform(grid.reduce((a, b) => a * b), 4), grid),
    };
    expect(maxDifference((await run(original, feeds)).y, (await run(encodeModel(model), feeds)).y)).toBeLessThan(1e-4);
  });

  it('rewrites a float16 model, with the index math in float32', async () => {
    const x = [2, 3, 6, 7, 8];
    const grid = [2, 5, 4, 9, 3];
    const model = (type: 'float16' | 'float32') =>
      makeModel({
        opset: 20,
        nodes: [makeNode('GridSample', ['X', 'grid'], ['Y'], { mode: 'linear', padding_mode: 'zeros', align_corners: 0 }, 'sample')],
        inputs: [valueInfo('X', type, x), valueInfo('grid', type, grid)],
        outputs: [valueInfo('Y', type, [2, 3, 5, 4, 9])],
      });
    const half = model('float16');
    expect(rewriteGridSample(half).replaced).toEqual(['sample']);
    const X = uniform(x.reduce((a, b) => a * b), 5);
    const G = uniform(grid.reduce((a, b) => a * b), 6);
    const reference = await run(encodeModel(model('float32')), { X: new ort.Tensor('float32', X, x), grid: new ort.Tensor('float32', G, grid) });
    const session = await ort.InferenceSession.create(encodeModel(half));
    const { Y } = await session.run({ X: new ort.Tensor('float16', toFloat16Bits(X), x), grid: new ort.Tensor('float16', toFloat16Bits(G), grid) });
    await session.release();
    expect(Y!.type).toBe('float16');
    // Against float32 on the unrounded inputs: float16's own rounding.
    expect(maxDifference(fromFloat16Bits(Y!.data as Uint16Array), reference.y)).toBeLessThan(5e-3);
  });

  it('follows an undeclared grid back to the nodes that compute it, for its element type', async () => {
    const x = [1, 2, 5, 6, 7];
    const grid = [1, 4, 5, 6, 3];
    const model = makeModel({
      opset: 20,
      nodes: [
        makeNode('Add', ['grid_in', 'shift'], ['grid']),
        makeNode('GridSample', ['X', 'grid'], ['Y'], { mode: 'linear', padding_mode: 'zeros', align_corners: 1 }, 'sample'),
      ],
      inputs: [valueInfo('X', 'float32', x), valueInfo('grid_in', 'float32', grid)],
      outputs: [valueInfo('Y', 'float32', [1, 2, 4, 5, 6])],
      initializers: [makeTensor('shift', 'float32', [3], [0.05, -0.1, 0.02])],
    });
    const original = encodeModel(model);
    expect(rewriteGridSample(model).replaced).toEqual(['sample']);
    const feeds = {
      X: new ort.Tensor('float32', uniform(x.reduce((a, b) => a * b), 7), x),
      grid_in: new ort.Tensor('float32', uniform(grid.reduce((a, b) => a * b), 8), grid),
    };
    expect(maxDifference((await run(original, feeds)).y, (await run(encodeModel(model), feeds)).y)).toBeLessThan(1e-4);
  });

  it('reads X and grid shapes from the constant targets of the Reshapes that make them, as PyTorch exports the dense motion network', async () => {
    // PyTorch 1.13 declares no shape for either (LivePortrait's W): Reshape to [22, -1, 16, h, w] and [22, 16, h, w, -1].
    const x = [3, 2, 5, 6, 7];
    const grid = [3, 4, 5, 6, 3];
    const target = (name: string, values: number[]) => makeNode('Constant', [], [name], { value: makeTensor(name, 'int64', [values.length], values) });
    const model = makeModel({
      opset: 16,
      nodes: [
        target('x_target', [3, -1, 5, 6, 7]),
        target('grid_target', [3, 4, 5, 6, -1]),
        makeNode('Reshape', ['x_flat', 'x_target'], ['X']),
        makeNode('Reshape', ['grid_flat', 'grid_target'], ['grid']),
        makeNode('GridSample', ['X', 'grid'], ['Y'], { mode: 'bilinear', padding_mode: 'zeros', align_corners: 0 }, 'sample'),
      ],
      inputs: [valueInfo('x_flat', 'float32', [3, 2 * 5 * 6 * 7]), valueInfo('grid_flat', 'float32', [3, 4 * 5 * 6 * 3])],
      outputs: [valueInfo('Y', 'float32', [3, 2, 4, 5, 6])],
    });
    const original = encodeModel(model);
    expect(rewriteGridSample(model)).toEqual({ replaced: ['sample'], leftAlone: [] });
    const feeds = {
      x_flat: new ort.Tensor('float32', uniform(x.reduce((a, b) => a * b), 5), [3, 2 * 5 * 6 * 7]),
      grid_flat: new ort.Tensor('float32', uniform(grid.reduce((a, b) => a * b), 6), [3, 4 * 5 * 6 * 3]),
    };
    expect(maxDifference((await run(original, feeds)).y, (await run(encodeModel(model), feeds)).y)).toBeLessThan(1e-4);
  });

  it('leaves a node of unknown rank, a 4-D one by default, and nearest sampling alone, saying why', () => {
    const unknown = gridSampleModel({ opset: 20, ...features, alignCorners: 0, undeclared: true });
    expect(rewriteGridSample(unknown)).toEqual({ replaced: [], leftAlone: [{ node: 'sample', why: 'rank unknown: neither X nor grid has a declared shape' }] });
    const fourD = gridSampleModel({ opset: 16, x: [1, 3, 8, 8], grid: [1, 4, 4, 2], alignCorners: 0 });
    expect(rewriteGridSample(fourD).leftAlone).toEqual([{ node: 'sample', why: '4-D: rewriting only ranks 5' }]);
    const nearest = gridSampleModel({ opset: 20, ...features, alignCorners: 0, mode: 'nearest' });
    expect(rewriteGridSample(nearest)).toEqual({ replaced: [], leftAlone: [{ node: 'sample', why: 'mode "nearest": only linear (bilinear) sampling is rewritten' }] });
    expect(nearest.graph!.node!.map((node) => node.opType)).toEqual(['GridSample']);
  });

  it('keeps the bytes where nothing changes, and gives new tensors names that collide with nothing', () => {
    const untouched = encodeModel(gridSampleModel({ opset: 20, ...features, alignCorners: 0, mode: 'nearest' }));
    expect(rewriteGridSampleBytes(untouched).bytes).toBe(untouched);
    const rewritten = rewriteGridSampleBytes(encodeModel(gridSampleModel({ opset: 20, ...features, alignCorners: 0 })));
    const graph = decodeModel(rewritten.bytes).graph!;
    const produced = graph.node!.flatMap((node) => node.output!);
    const names = [...produced, ...graph.initializer!.map((tensor) => tensor.name!), 'X', 'grid'];
    expect(new Set(names).size).toBe(names.length);
    expect(graph.node!.filter((node) => node.output!.includes('Y'))).toHaveLength(1);
    expect(new Set(graph.node!.map((node) => node.name)).size).toBe(graph.node!.length);
  });
});
