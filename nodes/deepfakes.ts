import { alignFace, faceMaskInCrop, warpToCrop } from '../runtime/align/face-align.ts';
import { type Affine, composeAffine, invertAffine } from '../runtime/geometry/affine.ts';
import type { Mask, RgbaImage } from '../runtime/image.ts';
import { defineNode, input, optionalInput, output } from '../runtime/node-definition.ts';
import type { ModelSession } from '../runtime/onnx/model-session.ts';
import { choice, text } from '../runtime/params.ts';
import { pasteBack } from '../runtime/reenact/paste-back.ts';
import { rgbaToPlanar } from '../runtime/style/planar-rgb.ts';

/** The two directions a trained DeepFakes model is exported in, by file. */
const directions = {
  'a-to-b': 'deepfakes_a2b.onnx',
  'b-to-a': 'deepfakes_b2a.onnx',
} as const;

interface State {
  session: ModelSession;
  /** The crop side the model was trained at, from its input's declared shape. */
  size: number;
  input: string;
  empty?: Mask;
}

export const deepfakes = defineNode({
  type: 'deepfakes',
  version: 1,
  title: 'DeepFakes face swap',
  category: 'method',
  description:
    "Swaps the face in each frame with a DeepFakes model you trained (`vivify train deepfakes`): the frame's face is aligned onto the mean face exactly as `vivify extract` aligned the training crops, encoded by the shared encoder and decoded by the other person's decoder, which draws the face and its mask; both go back into the frame for `blend` to composite (with colour transfer and feathered edges).",
  inputs: {
    frame: input('frame', 'the video whose face is swapped'),
    face: optionalInput('face', "the frame's landmarks; frames without a face pass through unchanged"),
  },
  outputs: {
    frame: output('frame', 'the frame with the decoded face drawn over the aligned crop'),
    mask: output('mask', 'where the swapped face is: the decoded mask, the landmarks hull, or both'),
  },
  params: {
    model: text('deepfakes', {
      help: 'the model store id of the trained model (`vivify train deepfakes` prints it; `vivify models list`); left at "deepfakes", the DeepFakes model trained here most recently',
    }),
    direction: choice(['a-to-b', 'b-to-a'] as const, 'a-to-b', { help: "a-to-b draws person B on person A's face (A's expression and pose); b-to-a the other way" }),
    mask: choice(['learned', 'landmarks', 'both'] as const, 'both', {
      help: "learned: the mask the decoder predicts; landmarks: the face's hull from its landmarks; both: where the two agree (steadiest)",
    }),
  },
  models: (params) => [params.model],
  modelTask: 'faceswap',
  async prepare(ctx): Promise<State> {
    const session = await ctx.host.openModel({ model: ctx.params.model, file: directions[ctx.params.direction] });
    const shape = session.signature.inputs[0]?.shape ?? [];
    const size = Number(shape[3]);
    if (!Number.isInteger(size) || size < 16 || shape[2] !== shape[3]) {
      await session.release();
      throw new Error(`${session.label}: its input is [${shape.join(',')}]; a DeepFakes export takes [1,3,S,S]`);
    }
    return { session, size, input: session.signature.inputs[0]!.name };
  },
  async run(ctx, inputs, state) {
    const { frame, face } = inputs;
    if (!face) return unchanged(frame, state);
    const { size, session } = state;
    const alignment = alignFace(face.points, size);
    const crop = warpToCrop(frame, alignment.toImage, size);
    // Exports name the input "crop" (ONNX forbids an input named like the "face" output): take whatever it declares.
    const decoded = await session.run({ [state.input]: { data: rgbaToPlanar(crop), dims: [1, 3, size, size] } });
    const drawn = decoded.face?.data;
    if (!drawn) throw new Error(`${session.label} gave no "face" output`);
    const plane = faceMaskPlane(ctx.params.mask, decoded.mask?.data, face.points, alignment.toCrop, size);
    // Paste-back works in unit crop coordinates; the alignment is in crop pixels.
    const toUnit = composeAffine([1 / size, 0, 0, 0, 1 / size, 0], alignment.toCrop);
    return pasteBack(frame, drawn, size, toUnit, invertAffine(toUnit), { mask: plane });
  },
  async close(state) {
    await state?.session.release();
  },
});

/** The swap's mask in crop space, 0..1, as chosen. */
function faceMaskPlane(choice: 'learned' | 'landmarks' | 'both', learned: Float32Array | undefined, points: Float32Array, toCrop: Affine, size: number): Float32Array {
  if (choice !== 'landmarks' && !learned) throw new Error('the model gave no "mask" output; choose mask "landmarks"');
  const hull = choice === 'learned' ? undefined : faceMaskInCrop(points, toCrop, size);
  const plane = new Float32Array(size * size);
  for (let i = 0; i < plane.length; i++) {
    const fromHull = hull ? hull.data[i]! / 255 : 1;
    plane[i] = choice === 'landmarks' ? fromHull : Math.min(learned![i]!, fromHull);
  }
  return plane;
}

function unchanged(frame: RgbaImage, state: State) {
  state.empty ??= { width: frame.width, height: frame.height, data: new Uint8Array(frame.width * frame.height) };
  return { frame, mask: state.empty };
}
