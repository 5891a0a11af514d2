import { encodeModel, makeModel, makeNode, makeTensor, valueInfo } from '../../runtime/onnx/onnx-graph.ts';
import { seededRandom } from './seeded-random.ts';

/** The fused warping+generator module's inputs and output, as FasterLivePortrait's warping_spade.onnx names them. */
export const warpingStandinSignature = {
  inputs: { feature_3d: [1, 32, 16, 64, 64], kp_driving: [1, 21, 3], kp_source: [1, 21, 3] },
  output: { out: [1, 3, 512, 512] },
} as const;

/**
 * A small stand-in for warping_spade.onnx (opset 20, as FasterLivePortrait exports it) with its signature and its
 * troublesome op: a real 5-D GridSample (linear, zeros, align_corners 0) of the feature volume on a grid moved by the
 * keypoints, then a 1x1 convolution, 8x upsampling and a sigmoid in place of the SPADE generator. The single place
 * these bytes come from, so that a PyTorch-exported stand-in can replace it.
 */
export function warpingStandinModel(): Uint8Array {
  const [, , depth, height, width] = warpingStandinSignature.inputs.feature_3d;
  // The identity grid at voxel centres (align_corners 0), last axis (x, y, z).
  const grid = new Float32Array(depth * height * width * 3);
  const centre = (i: number, size: number) => ((i + 0.5) / size) * 2 - 1;
  for (let z = 0, o = 0; z < depth; z++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++, o += 3) grid.set([centre(x, width), centre(y, height), centre(z, depth)], o);
  const random = seededRandom(20);
  const channels = 32 * depth;
  const weights = Float32Array.from({ length: 3 * channels }, () => (random() * 2 - 1) * Math.sqrt(3 / channels));
  const float = (name: string, shape: readonly number[]) => valueInfo(name, 'float32', shape);
  const model = makeModel({
    opset: 20,
    name: 'warping_spade_standin',
    inputs: Object.entries(warpingStandinSignature.inputs).map(([name, shape]) => float(name, shape)),
    outputs: [float('out', warpingStandinSignature.output.out)],
    initializers: [
      makeTensor('identity_grid', 'float32', [1, depth, height, width, 3], grid),
      makeTensor('keypoint_axis', 'int64', [1], [1]),
      makeTensor('motion_shape', 'int64', [5], [1, 1, 1, 1, 3]),
      makeTensor('volume_as_image', 'int64', [4], [1, channels, height, width]),
      makeTensor('to_rgb', 'float32', [3, channels, 1, 1], weights),
      makeTensor('to_rgb_bias', 'float32', [3], [0.1, -0.1, 0]),
      makeTensor('upscale', 'float32', [4], [1, 1, 8, 8]),
    ],
    nodes: [
      // The mean keypoint motion from driving to source moves the whole grid: where each output voxel reads from.
      makeNode('Sub', ['kp_source', 'kp_driving'], ['kp_motion']),
      makeNode('ReduceMean', ['kp_motion', 'keypoint_axis'], ['mean_motion'], { keepdims: 1 }),
      makeNode('Reshape', ['mean_motion', 'motion_shape'], ['grid_motion']),
      makeNode('Add', ['identity_grid', 'grid_motion'], ['grid']),
      makeNode('GridSample', ['feature_3d', 'grid'], ['warped'], { mode: 'linear', padding_mode: 'zeros', align_corners: 0 }),
      makeNode('Reshape', ['warped', 'volume_as_image'], ['warped_image']),
      makeNode('Conv', ['warped_image', 'to_rgb', 'to_rgb_bias'], ['rgb_small'], { kernel_shape: [1, 1] }),
      makeNode('Resize', ['rgb_small', '', 'upscale'], ['rgb_large'], { mode: 'linear' }),
      makeNode('Sigmoid', ['rgb_large'], ['out']),
    ],
  });
  return encodeModel(model);
}

/** Inputs named with their shapes and how to fill them: the same numbers in Node and in a page. */
export type SeededInputs = Record<string, { dims: readonly number[]; seed: number; extent: number }>;

/** Uniform values in -extent..extent from each input's seed. */
export function seededInputs(spec: SeededInputs): Record<string, { data: Float32Array; dims: readonly number[] }> {
  return Object.fromEntries(
    Object.entries(spec).map(([name, { dims, seed, extent }]) => {
      const random = seededRandom(seed);
      return [name, { data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * extent), dims }];
    }),
  );
}

/** Inputs for the stand-in: features in -1..1, keypoints in -0.3..0.3 (a small motion; some samples leave the volume). */
export const warpingStandinInputs: SeededInputs = {
  feature_3d: { dims: warpingStandinSignature.inputs.feature_3d, seed: 7, extent: 1 },
  kp_driving: { dims: warpingStandinSignature.inputs.kp_driving, seed: 8, extent: 0.3 },
  kp_source: { dims: warpingStandinSignature.inputs.kp_source, seed: 9, extent: 0.3 },
};
