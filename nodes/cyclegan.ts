import { UsageError } from '../runtime/errors.ts';
import type { RgbaImage } from '../runtime/image.ts';
import { defineNode, input, optionalInput, output } from '../runtime/node-definition.ts';
import type { ModelSession } from '../runtime/onnx/model-session.ts';
import { choice, integer, number, text } from '../runtime/params.ts';
import { cropRgba, faceRegion, pasteRegion } from '../runtime/style/face-region.ts';
import { planarToRgba, rgbaToPlanar } from '../runtime/style/planar-rgb.ts';
import { FlickerGuard } from '../runtime/style/temporal.ts';
import { runTiled } from '../runtime/style/tiles.ts';
import { workingSize } from '../runtime/style/working-size.ts';

/** The generator's file in the model store, as `vivify models import cyclegan` writes it. */
export const generatorFile = 'generator.onnx';

/** Around the face, the context given to the generator and feathered over: this times the face oval's larger side. */
const faceMargin = 0.25;

interface State {
  session: ModelSession;
  /** The generator's input and output tensors, by the names its file declares. */
  inputName: string;
  outputName: string;
  guard: FlickerGuard;
}

export const cyclegan = defineNode({
  type: 'cyclegan',
  version: 1,
  title: 'CycleGAN painting style',
  category: 'method',
  description:
    "Repaints each frame in a painter's style with a CycleGAN generator (`vivify models pull cyclegan-vangogh`, or any generator checkpoint through `vivify models import cyclegan`): the whole frame, or a feathered box around the face, scaled so that its shorter side is `resolution` pixels, run in overlapping tiles where it is larger than `tile` (blended with raised-cosine ramps, so no seams show), scaled back, mixed with the input by `strength`, and held steady where the input stands still by `temporal`.",
  inputs: {
    frame: input('frame', 'the frames to restyle'),
    face: optionalInput('face', "the frame's landmarks, for region face; frames without a face pass through unchanged"),
  },
  outputs: { frame: output('frame', 'the restyled frame') },
  params: {
    model: text('cyclegan-vangogh', { help: 'the model store id of the CycleGAN generator (`vivify models list`; cyclegan-monet, cyclegan-cezanne, cyclegan-ukiyoe, or your own from `vivify models import cyclegan <checkpoint.pth> --name <id>`)' }),
    region: choice(['whole', 'face'] as const, 'whole', {
      help: "whole: the whole frame; face: a box around the face oval with a margin of a quarter of the face, feathered back into the frame (needs the face input)",
    }),
    resolution: integer(512, {
      min: 64,
      max: 2048,
      step: 4,
      help: 'the shorter side, in pixels, of the frame (or face box) as the generator sees it; the longer side follows the aspect ratio, both rounded to multiples of 4. Smaller is faster, with broader strokes; CycleGAN trains at 256',
    }),
    tile: integer(1024, { min: 64, max: 2048, step: 4, help: "the largest side, in pixels, the generator sees at once (rounded down to a multiple of 4): a larger working picture runs in overlapping tiles of this size. Instance norm sees each tile's own statistics, so tiles can differ in tone: keep it at least the working picture's longer side where memory allows" }),
    overlap: integer(64, { min: 0, max: 512, step: 4, help: 'pixels by which neighbouring tiles overlap (at most half the tile is used): the middle half of the overlap blends one tile into the next, the outer quarters give each tile context at its edge' }),
    strength: number(1, { min: 0, max: 1, help: 'how much of the restyled frame shows: 0 is the input exactly, 1 the generator alone' }),
    temporal: number(0.5, {
      min: 0,
      max: 1,
      help: "against flicker: where the input barely changed since the last frame, this much of the last result is kept (per pixel; 0 off, 1 holds still parts entirely)",
    }),
  },
  models: (params) => [params.model],
  modelTask: 'style',
  async prepare(ctx): Promise<State> {
    if (ctx.params.region === 'face' && !ctx.graph.edges.some((edge) => edge.to[0] === ctx.nodeId && edge.to[1] === 'face')) {
      throw new UsageError(`node "${ctx.nodeId}": region is "face", but nothing is connected to its face input: connect a face-landmarks node, or choose region "whole"`);
    }
    const session = await ctx.host.openModel({ model: ctx.params.model, file: generatorFile });
    const [image] = session.signature.inputs;
    const [styled] = session.signature.outputs;
    if (!image || !styled || session.signature.inputs.length !== 1 || image.shape.length !== 4 || styled.shape.length !== 4) {
      const shapes = (specs: typeof session.signature.inputs) => specs.map((spec) => `${spec.name} [${spec.shape.join(',')}]`).join(', ');
      await session.release();
      throw new UsageError(`${session.label} takes ${shapes(session.signature.inputs)} and gives ${shapes(session.signature.outputs)}; a CycleGAN generator takes one [1,3,H,W] picture and gives one`);
    }
    return { session, inputName: image.name, outputName: styled.name, guard: new FlickerGuard() };
  },
  async run(ctx, inputs, state) {
    const { frame, face } = inputs;
    const { region, strength, temporal } = ctx.params;
    // Nothing of the generator would show.
    if (strength <= 0) return { frame };
    let styled: RgbaImage;
    if (region === 'whole') {
      styled = await restyle(frame, ctx.params, state);
    } else {
      const box = face ? faceRegion(face.points, frame.width, frame.height, faceMargin) : undefined;
      if (!box) return { frame };
      styled = pasteRegion(frame, await restyle(cropRgba(frame, box.crop), ctx.params, state), box);
    }
    if (temporal > 0) return { frame: mixed(frame, state.guard.apply(frame, styled, temporal), 3, strength) };
    return { frame: mixed(frame, styled.data, 4, strength) };
  },
  async close(state) {
    await state?.session.release();
  },
});

/** The picture through the generator at the working resolution, in tiles where it is larger than one, and back to its size. */
async function restyle(picture: RgbaImage, params: { resolution: number; tile: number; overlap: number }, state: State): Promise<RgbaImage> {
  const size = workingSize(picture.width, picture.height, params.resolution);
  const tile = Math.max(4, Math.floor(params.tile / 4) * 4);
  const planes = rgbaToPlanar(picture, size.width, size.height);
  const result = await runTiled(planes, size.width, size.height, { tile, overlap: params.overlap }, async (data, width, height) => {
    const outputs = await state.session.run({ [state.inputName]: { data, dims: [1, 3, height, width] } });
    const out = outputs[state.outputName];
    if (!out) throw new Error(`${state.session.label} gave no "${state.outputName}" output`);
    if (out.dims.join(',') !== `1,3,${height},${width}`) {
      throw new Error(`${state.session.label} turned a [1,3,${height},${width}] picture into [${out.dims.join(',')}]; a CycleGAN generator keeps the size`);
    }
    return out.data;
  });
  return planarToRgba(result, size.width, size.height, picture.width, picture.height);
}

/** input + strength x (styled - input), per colour channel; `styled` holds `stride` values a pixel (RGB or RGBA). */
function mixed(input: RgbaImage, styled: ArrayLike<number>, stride: 3 | 4, strength: number): { width: number; height: number; data: Uint8Array } {
  const { width, height } = input;
  const data = new Uint8Array(width * height * 4);
  for (let at = 0, from = 0; at < data.length; at += 4, from += stride) {
    for (let c = 0; c < 3; c++) {
      const value = input.data[at + c]!;
      data[at + c] = Math.min(255, Math.max(0, Math.round(value + strength * (styled[from + c]! - value))));
    }
    data[at + 3] = 255;
  }
  return { width, height, data };
}
