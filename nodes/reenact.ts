import { UsageError } from '../runtime/errors.ts';
import type { FaceLandmarks } from '../runtime/face.ts';
import type { Mask, RgbaImage } from '../runtime/image.ts';
import { OneEuroFilter } from '../runtime/landmarks/one-euro-filter.ts';
import { defineNode, input, optionalInput, output } from '../runtime/node-definition.ts';
import type { FloatTensor, ModelSession } from '../runtime/onnx/model-session.ts';
import { boolean, choice, number, text } from '../runtime/params.ts';
import { cropTensor, type FaceCrop, faceCrop } from '../runtime/reenact/face-crop.ts';
import {
  absoluteKeypoints,
  applyMultiplier,
  applyStitching,
  expressionFriendly,
  eyeRetargetingInput,
  lipRetargetingInput,
  type MotionInfo,
  motionInfo,
  motionMultiplier,
  relativeKeypoints,
  rotationMatrix,
  stitchingInput,
  transformKeypoints,
} from '../runtime/reenact/kinematics.ts';
import { pasteBack } from '../runtime/reenact/paste-back.ts';
import { eyeRatios, lipRatio } from '../runtime/reenact/retarget-ratios.ts';

/** The modules of a LivePortrait-class model, by the file names of its catalog entry. */
export const modules = {
  appearance: 'appearance_feature_extractor.onnx',
  motion: 'motion_extractor.onnx',
  warp: 'warping_spade.onnx',
  stitching: 'stitching.onnx',
  eyes: 'stitching_eye.onnx',
  lips: 'stitching_lip.onnx',
} as const;
export type Sessions = Record<keyof typeof modules, ModelSession>;

/** The models see a 256x256 crop and draw a 512x512 one. */
const inputSize = 256;
const outputSize = 512;

export interface SourceFace {
  crop: FaceCrop;
  features: FloatTensor;
  motion: MotionInfo;
  keypoints: Float32Array;
  eyes: [number, number];
  lip: number;
}

/** The driver's first face: relative motion is measured from it. */
export interface FirstFace {
  motion: MotionInfo;
  keypoints?: Float32Array;
  multiplier: number;
}

interface State {
  sessions: Sessions;
  source?: SourceFace;
  /** The driver's first frame with a face: relative motion is measured from it. */
  first?: FirstFace;
  smoother?: OneEuroFilter;
  empty?: Mask;
}

export const reenact = defineNode({
  type: 'reenact',
  version: 1,
  title: 'Few-shot reenactment (LivePortrait)',
  category: 'method',
  description:
    "Animates the painting with a LivePortrait-class model (ONNX, pulled with `vivify models pull`): the painting's face crop gives appearance features and implicit 3-D keypoints once; each driving frame's crop gives head pose, expression, scale and translation, transferred relative to the driver's first face (or absolutely), with stitching and optional eye and lip retargeting; the warping network and generator draw the new face, which is pasted back into the painting through a soft mask.",
  inputs: {
    source: input('image', 'the painting'),
    sourceFace: input('face', "the painting's landmarks (they place the crop)"),
    driving: input('frame', 'the driving frames (they set the timeline)'),
    drivingFace: optionalInput('face', "the driver's landmarks (they place its crop); frames before its first face show the painting unchanged"),
  },
  outputs: {
    frame: output('frame', 'the painting with the generated face pasted back'),
    mask: output('mask', 'where the generated crop was pasted (soft edges)'),
  },
  params: {
    model: text('liveportrait', { help: 'the model store id of the LivePortrait-class model (see `vivify models list`)' }),
    expression: number(1, { min: 0, max: 2, help: "gain on the driver's expression change" }),
    headPose: number(1, { min: 0, max: 1.5, help: "gain on the driver's head rotation, translation and scale change: 0 keeps the painting's pose" }),
    multiplier: number(1, { min: 0, max: 2, help: "LivePortrait's driving multiplier: scales the final keypoint motion" }),
    motion: choice(['relative', 'absolute'] as const, 'relative', {
      help: "relative: the painting moves as the driver moved since its first face (LivePortrait's default); absolute: the painting takes the driver's pose and expression outright",
    }),
    friendly: choice(['expression', 'pose'] as const, 'expression', {
      help: "expression: LivePortrait's expression-friendly mode (motion scaled by the ratio of the two faces' keypoint volumes, first frame = the painting as it is); pose: keypoints as transferred",
    }),
    stitching: boolean(true, { help: 'run the stitching network, which keeps the pasted crop aligned with the rest of the painting' }),
    eyeRetargeting: number(0, { min: 0, max: 2, help: "gain on the eye-retargeting network's correction towards the driver's eye opening (0 off); as in LivePortrait, with relative motion any retargeting replaces the transferred motion by the networks' corrections to the painting's own keypoints" }),
    lipRetargeting: number(0, { min: 0, max: 2, help: "gain on the lip-retargeting network's correction towards the driver's lip opening (0 off); as in LivePortrait, with relative motion any retargeting replaces the transferred motion by the networks' corrections to the painting's own keypoints" }),
    smoothing: number(0, { min: 0, max: 1, help: "One Euro smoothing of the driver's pose and expression: 0 none, 1 strongest" }),
    cropScale: number(2.3, { min: 1.5, max: 4, help: "size of the painting's face crop, times the face (LivePortrait's 2.3)" }),
    cropOffsetX: number(0, { min: -0.5, max: 0.5, help: 'shift of the crop sideways, times its size' }),
    cropOffsetY: number(-0.125, { min: -0.5, max: 0.5, help: "shift of the crop along the face, times its size (negative is up; LivePortrait's -0.125)" }),
    drivingCropScale: number(2.2, { min: 1.5, max: 4, help: "size of the driver's face crop, times the face (LivePortrait's 2.2)" }),
  },
  models: (params) => [params.model],
  modelTask: 'reenact',
  async prepare(ctx): Promise<State> {
    const opened: Partial<Sessions> = {};
    try {
      for (const [key, file] of Object.entries(modules) as [keyof Sessions, string][]) {
        opened[key] = await ctx.host.openModel({ model: ctx.params.model, file });
      }
    } catch (error) {
      await Promise.all(Object.values(opened).map((session) => session.release()));
      throw error;
    }
    return { sessions: opened as Sessions };
  },
  async run(ctx, inputs, state) {
    const { source, sourceFace, driving, drivingFace } = inputs;
    const { sessions } = state;
    const { params } = ctx;
    state.source ??= await readSource(sessions, source, sourceFace, params);
    if (!drivingFace) return unchanged(source, state);

    const crop = faceCrop(drivingFace.points, { scale: params.drivingCropScale, offsetX: 0, offsetY: -0.1, rotate: false });
    const img = { data: cropTensor(driving, crop, inputSize), dims: [1, 3, inputSize, inputSize] };
    let motion = motionInfo(await sessions.motion.run({ img }));
    if (params.smoothing > 0) {
      state.smoother ??= new OneEuroFilter({ minCutoff: 6 - 5.5 * params.smoothing, beta: 0.3 });
      motion = smoothMotion(motion, state.smoother, ctx.frame?.time ?? 0);
    }
    const own = state.source;
    state.first ??= { motion, multiplier: 1 };
    // LivePortrait feeds one driving eye ratio; both eyes' mean is steadier on MediaPipe's points.
    const [left, right] = eyeRatios(drivingFace.points);
    const driven = await drivenKeypoints(sessions, own, motion, state.first, { eyes: (left + right) / 2, lip: lipRatio(drivingFace.points) }, params);

    const generated = await sessions.warp.run({
      feature_3d: own.features,
      kp_driving: { data: driven, dims: [1, 21, 3] },
      kp_source: { data: own.keypoints, dims: [1, 21, 3] },
    });
    return pasteBack(source, single(generated, sessions.warp).data, outputSize, own.crop.toCrop, own.crop.toImage);
  },
  async close(state) {
    await Promise.all(Object.values(state?.sessions ?? {}).map((session) => session.release()));
  },
});

async function readSource(sessions: Sessions, image: RgbaImage, face: FaceLandmarks, params: { cropScale: number; cropOffsetX: number; cropOffsetY: number }): Promise<SourceFace> {
  const crop = faceCrop(face.points, { scale: params.cropScale, offsetX: params.cropOffsetX, offsetY: params.cropOffsetY, rotate: true });
  if (!(crop.side > 8)) throw new UsageError("the painting's face is too small to crop");
  return sourceFace(sessions, cropTensor(image, crop, inputSize), crop, eyeRatios(face.points), lipRatio(face.points));
}

/** The painting's appearance features, motion and posed keypoints from its 256x256 crop (planar RGB 0..1). */
export async function sourceFace(sessions: Sessions, crop: Float32Array, place: FaceCrop, eyes: [number, number], lip: number): Promise<SourceFace> {
  const img = { data: crop, dims: [1, 3, inputSize, inputSize] };
  const features = single(await sessions.appearance.run({ img }), sessions.appearance);
  const motion = motionInfo(await sessions.motion.run({ img }));
  const keypoints = transformKeypoints(motion.keypoints, motion.rotation, motion.expression, motion.scale, motion.translation);
  return { crop: place, features, motion, keypoints, eyes, lip };
}

type DriveParams = { motion: 'relative' | 'absolute'; friendly: 'expression' | 'pose'; expression: number; headPose: number; stitching: boolean; eyeRetargeting: number; lipRetargeting: number; multiplier: number };

/**
 * The keypoints one driving frame draws the painting with, from the frame's motion and its eye and lip opening:
 * relative or absolute transfer, expression-friendly scaling, retargeting, stitching, the driving multiplier.
 * `first` holds the driver's first face; its keypoints and multiplier are filled in on the first call.
 */
export async function drivenKeypoints(sessions: Sessions, own: SourceFace, motion: MotionInfo, first: FirstFace, driving: { eyes: number; lip: number }, params: DriveParams): Promise<Float32Array> {
  let driven =
    params.motion === 'relative'
      ? relativeKeypoints(own.motion, motion, first.motion, { expression: params.expression, pose: params.headPose })
      : absoluteKeypoints(own.motion, motion);
  if (params.motion === 'relative' && params.friendly === 'expression') {
    if (!first.keypoints) {
      first.keypoints = driven;
      first.multiplier = motionMultiplier(own.keypoints, driven);
    }
    driven = expressionFriendly(own.keypoints, driven, first.keypoints, first.multiplier);
  }
  if (params.eyeRetargeting > 0 || params.lipRetargeting > 0) {
    // As LivePortrait's pipeline: the networks' corrections are measured from the painting's own keypoints, so in
    // relative mode they replace the transferred motion rather than add to it (which counted the eyes' and lips'
    // change twice); in absolute mode they add to the driver's pose.
    driven = await retarget(sessions, own, driving, params.motion === 'relative' ? own.keypoints : driven, params);
  }
  if (params.stitching) {
    const delta = await sessions.stitching.run({ input: { data: stitchingInput(own.keypoints, driven), dims: [1, 126] } });
    driven = applyStitching(driven, single(delta, sessions.stitching).data);
  }
  return applyMultiplier(own.keypoints, driven, params.multiplier);
}

/** Eye and lip retargeting: each network's correction towards the driver's opening, added with its gain. */
async function retarget(sessions: Sessions, own: SourceFace, driving: { eyes: number; lip: number }, driven: Float32Array, params: { eyeRetargeting: number; lipRetargeting: number }) {
  const out = Float32Array.from(driven);
  const add = (delta: Float32Array, gain: number) => {
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + gain * delta[i]!;
  };
  if (params.eyeRetargeting > 0) {
    const input = eyeRetargetingInput(own.keypoints, own.eyes[0], own.eyes[1], driving.eyes);
    add(single(await sessions.eyes.run({ input: { data: input, dims: [1, 66] } }), sessions.eyes).data, params.eyeRetargeting);
  }
  if (params.lipRetargeting > 0) {
    const input = lipRetargetingInput(own.keypoints, own.lip, driving.lip);
    add(single(await sessions.lips.run({ input: { data: input, dims: [1, 65] } }), sessions.lips).data, params.lipRetargeting);
  }
  return out;
}

/** The driver's pose angles, translation, expression and scale through one One Euro filter (the canonical keypoints stay). */
function smoothMotion(motion: MotionInfo, filter: OneEuroFilter, time: number): MotionInfo {
  const values = new Float32Array(3 + 3 + 63 + 1);
  values.set([motion.pitch, motion.yaw, motion.roll]);
  values.set(motion.translation, 3);
  values.set(motion.expression, 6);
  values[69] = motion.scale;
  const smooth = filter.filter(values, time);
  const [pitch, yaw, roll] = [smooth[0]!, smooth[1]!, smooth[2]!];
  return {
    pitch,
    yaw,
    roll,
    rotation: rotationMatrix(pitch, yaw, roll),
    translation: smooth.slice(3, 6),
    expression: smooth.slice(6, 69),
    scale: smooth[69]!,
    keypoints: motion.keypoints,
  };
}

/** The one output of a single-output module. */
function single(outputs: Record<string, FloatTensor>, session: ModelSession): FloatTensor {
  const name = session.signature.outputs[0]?.name;
  const tensor = name ? outputs[name] : undefined;
  if (!tensor) throw new Error(`${session.label} gave no output`);
  return tensor;
}

function unchanged(source: RgbaImage, state: State) {
  state.empty ??= { width: source.width, height: source.height, data: new Uint8Array(source.width * source.height) };
  return { frame: source, mask: state.empty };
}
