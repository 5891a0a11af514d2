import { drawFaceOverlay } from '../runtime/draw/landmark-overlay.ts';
import { defineNode, input, optionalInput, output } from '../runtime/node-definition.ts';
import { number } from '../runtime/params.ts';

export const landmarkOverlay = defineNode({
  type: 'landmark-overlay',
  version: 1,
  title: 'Landmark overlay',
  category: 'utility',
  description:
    'Draws the face mesh, contours and irises over the frames, to check detection; frames where the face was held rather than found are drawn in orange.',
  inputs: {
    frames: input('frame', 'the frames to draw on'),
    face: optionalInput('face', 'the landmarks to draw; frames without a face pass unchanged'),
  },
  outputs: { frames: output('frame', 'the frames with the overlay') },
  params: {
    lineScale: number(1, { min: 0.25, max: 4, help: 'thickness of the lines relative to the default' }),
  },
  async run(ctx, inputs) {
    return { frames: inputs.face ? drawFaceOverlay(inputs.frames, inputs.face, { lineScale: ctx.params.lineScale }) : inputs.frames };
  },
});
