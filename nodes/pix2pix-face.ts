import { alignFace, faceMaskInCrop, landmarksInCrop } from '../runtime/align/face-align.ts';
import { drawFaceSketch } from '../runtime/draw/face-sketch.ts';
import { driverReferenceScan, pickReference, referencePicker, retargetingParams, transferGains } from '../runtime/face2face/driver-reference.ts';
import { type TransferBasis, transferBasis, transferMotion } from '../runtime/face2face/expression-transfer.ts';
import type { ReferencePicker } from '../runtime/face2face/reference-face.ts';
import { composeAffine, invertAffine } from '../runtime/geometry/affine.ts';
import type { Mask, RgbaImage } from '../runtime/image.ts';
import { defineNode, input, optionalInput, output } from '../runtime/node-definition.ts';
import type { ModelSession } from '../runtime/onnx/model-session.ts';
import { text } from '../runtime/params.ts';
import { pasteBack } from '../runtime/reenact/paste-back.ts';
import { rgbaToPlanar } from '../runtime/style/planar-rgb.ts';

/** The generator a pix2pix model is exported as (`vivify train pix2pix`): sketch in, face out, both [1,3,S,S]. */
export const pix2pixGeneratorFile = 'pix2pix.onnx';

interface State {
  session: ModelSession;
  /** The crop side the generator was trained at, from its input's declared shape. */
  size: number;
  input: string;
  output: string;
  /** Picks the driver's reference face, whose expression is the target's own. */
  picker: ReferencePicker;
  basis?: TransferBasis;
  empty?: Mask;
}

export const pix2pixFace = defineNode({
  type: 'pix2pix-face',
  version: 1,
  title: 'pix2pix face (learned Face2Face)',
  category: 'method',
  description:
    "Makes the target say what the driver says with a pix2pix generator trained on the target (`vivify train pix2pix`): the driver's landmarks are retargeted onto the target's face as face2face does (expression offsets from a reference frame, head pose on top), drawn as a landmark sketch in the aligned crop the training pairs used, and translated by the generator into the target's face, mouth interior and teeth included; the crop goes back into the picture for `blend` to composite (colour transfer, feathered edges).",
  inputs: {
    source: input('image', 'a picture of the target, the person the model was trained on'),
    sourceFace: input('face', "the target's landmarks"),
    // Not read: a driver face alone (as speech makes one) sets the timeline as well as a video does.
    driving: optionalInput('frame', 'the driving frames (they set the timeline where the driver face comes from a video)'),
    drivingFace: optionalInput('face', "the driver's landmarks; frames before its first face show the target unchanged"),
  },
  outputs: {
    frame: output('frame', 'the target picture with the generated face pasted over the aligned crop'),
    mask: output('mask', "where the face was drawn: the face's outline, where it is now and where it was, in the crop"),
  },
  params: {
    model: text('pix2pix', {
      help: 'the model store id of the trained generator (`vivify train pix2pix` prints it; `vivify models list`); left at "pix2pix", the pix2pix model trained here most recently',
    }),
    ...retargetingParams('target'),
  },
  models: (params) => [params.model],
  modelTask: 'pix2pix',
  async prepare(ctx): Promise<State> {
    const picker = referencePicker(ctx);
    const session = await ctx.host.openModel({ model: ctx.params.model, file: pix2pixGeneratorFile });
    const shape = session.signature.inputs[0]?.shape ?? [];
    const size = Number(shape[3]);
    if (!Number.isInteger(size) || size < 16 || shape[2] !== shape[3] || shape[1] !== 3 || session.signature.outputs.length === 0) {
      await session.release();
      throw new Error(`${session.label}: its input is [${shape.join(',')}]; a pix2pix export takes a sketch [1,3,S,S] and gives a face`);
    }
    // Exports name them "sketch" and "face"; a generator converted elsewhere may not: take what it declares.
    return { session, size, input: session.signature.inputs[0]!.name, output: session.signature.outputs[0]!.name, picker };
  },
  scan: driverReferenceScan<State>(),
  async run(ctx, inputs, state) {
    const { source, sourceFace, drivingFace } = inputs;
    if (!state.basis) {
      const reference = pickReference(ctx, state.picker, drivingFace);
      if (!reference) return unchanged(source, state);
      state.basis = transferBasis(sourceFace.points, Float32Array.from(reference.points), Float32Array.from(reference.transform), source);
    }
    if (!drivingFace) return unchanged(source, state);
    const { size, session } = state;
    const target = transferMotion(state.basis, drivingFace.points, transferGains(ctx.params), drivingFace.transform).face;
    // Aligned on the retargeted face as `vivify train pix2pix` aligned each training frame on its own: the generator
    // sees the sketch where it learned to, and draws the face where the landmarks put it.
    const alignment = alignFace(target, size);
    const sketch = drawFaceSketch(landmarksInCrop(target, alignment.toCrop), size);
    const generated = await session.run({ [state.input]: { data: rgbaToPlanar(sketch), dims: [1, 3, size, size] } });
    const face = generated[state.output]?.data;
    if (!face) throw new Error(`${session.label} gave no "${state.output}" output`);
    // The face where it is now and where the target's own was: a turned or opened face must also cover the old one.
    const now = faceMaskInCrop(target, alignment.toCrop, size);
    const before = faceMaskInCrop(sourceFace.points, alignment.toCrop, size);
    const plane = new Float32Array(size * size);
    for (let i = 0; i < plane.length; i++) plane[i] = Math.max(now.data[i]!, before.data[i]!) / 255;
    // Paste-back works in unit crop coordinates; the alignment is in crop pixels.
    const toUnit = composeAffine([1 / size, 0, 0, 0, 1 / size, 0], alignment.toCrop);
    return pasteBack(source, face, size, toUnit, invertAffine(toUnit), { mask: plane });
  },
  async close(state) {
    await state?.session.release();
  },
});

/** The target as it is, with an empty mask (made once: frames before the driver's first face can be many). */
function unchanged(source: RgbaImage, state: State) {
  state.empty ??= { width: source.width, height: source.height, data: new Uint8Array(source.width * source.height) };
  return { frame: source, mask: state.empty };
}
