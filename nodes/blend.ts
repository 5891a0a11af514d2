import { blendWithMask } from '../runtime/compose/alpha-blend.ts';
import { matchColors } from '../runtime/compose/color-transfer.ts';
import { featherMask } from '../runtime/compose/mask-ops.ts';
import { PoissonWarmStart, poissonBlend } from '../runtime/compose/poisson-blend.ts';
import type { Mask } from '../runtime/image.ts';
import { defineNode, input, optionalInput, output } from '../runtime/node-definition.ts';
import { boolean, choice, integer } from '../runtime/params.ts';

export const blend = defineNode({
  type: 'blend',
  version: 1,
  title: 'Blend',
  category: 'compose',
  description:
    'Composites a face layer onto the background with a feathered mask (eroded, then blurred), optionally matching its colours to the background first, or seamlessly (Poisson) so the layer takes the background’s light at its edge.',
  inputs: {
    background: input('image', 'what the layer goes onto: the painting, or the driving frames'),
    layer: input('frame', 'the face layer, the size of the background'),
    mask: optionalInput('mask', 'where the layer shows; without one, the whole layer'),
  },
  outputs: { frame: output('frame', 'the composite') },
  params: {
    mode: choice(['feather', 'seamless'], 'feather', { help: 'feather: soft-edged mask; seamless: Poisson blending inside the mask' }),
    erode: integer(2, { min: 0, max: 64, help: 'pixels the mask shrinks by before it is blurred' }),
    blur: integer(12, { min: 0, max: 128, help: 'radius in pixels of the soft edge' }),
    colorTransfer: boolean(false, { help: "match the layer's colours inside the mask to the background's there" }),
  },
  async prepare(): Promise<{ warmStart: PoissonWarmStart; softened?: { mask: Mask; soft: Mask } }> {
    // Seamless mode solves each frame starting from the last frame's solution, so the seam does not flicker.
    return { warmStart: new PoissonWarmStart() };
  },
  async run(ctx, inputs, state) {
    const { background, mask } = inputs;
    const full: Mask = mask ?? { width: background.width, height: background.height, data: new Uint8Array(background.width * background.height).fill(255) };
    const seamless = ctx.params.mode === 'seamless';
    // The soft mask blends in feather mode and weighs the colour match in either mode. A method whose mask is the same
    // object frame after frame (one that never moves) has it softened once.
    const soften = () => {
      if (state.softened?.mask !== full) state.softened = { mask: full, soft: featherMask(full, ctx.params.erode, ctx.params.blur) };
      return state.softened.soft;
    };
    const soft = !seamless || ctx.params.colorTransfer ? soften() : undefined;
    const layer = soft && ctx.params.colorTransfer ? matchColors(inputs.layer, soft, background, soft) : inputs.layer;
    if (seamless) return { frame: poissonBlend(background, layer, featherMask(full, ctx.params.erode, 0), { warmStart: state.warmStart }) };
    return { frame: blendWithMask(background, layer, soft!) };
  },
});
