import { VivifyError } from '../runtime/errors.ts';
import type { VideoWriter } from '../runtime/host.ts';
import { fitWithin, resizeRgba } from '../runtime/image-resize.ts';
import { defineNode, input, optionalInput } from '../runtime/node-definition.ts';
import { boolean, choice, file, integer } from '../runtime/params.ts';

const x264Presets = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;

export const videoOutput = defineNode({
  type: 'video-output',
  version: 1,
  title: 'Video output',
  category: 'output',
  description:
    "Encodes the frames to an H.264 MP4 at the driving video's frame rate with its audio, embeds the graph in the file's metadata and writes it beside the video as <file>.vivify.json.",
  inputs: {
    frames: input('frame', 'the frames to encode'),
    audio: optionalInput('audio', 'the audio track to carry into the video'),
  },
  outputs: {},
  params: {
    path: file({ accept: 'video', role: 'output', help: 'the MP4 file to write; an existing file is replaced only with --force' }),
    crf: integer(18, { min: 0, max: 51, help: 'x264 quality: 0 lossless, 18 visually lossless, 23 smaller files, 51 worst' }),
    preset: choice(x264Presets, 'medium', { help: 'x264 speed against file size: slower presets give smaller files at the same quality' }),
    audio: boolean(true, { help: 'carry the audio input into the video' }),
    maxSize: integer(0, { min: 0, max: 8192, help: "largest side of the video in pixels; 0 keeps the frames' own size (the painting's)" }),
  },
  async prepare(ctx): Promise<{ writer?: VideoWriter }> {
    // Check before any frame is computed, so a bad output path fails in a moment rather than after the render.
    await ctx.host.checkOutputPath(ctx.params.path, ctx.settings.overwrite);
    return {};
  },
  async run(ctx, inputs, state) {
    // A queue's chunk renders a few frames before its range only to settle smoothing; they belong to the chunk before.
    const part = ctx.settings.part;
    if (part && (ctx.frame?.index ?? 0) < part.warmUp) return {};
    const size = fitWithin(inputs.frames.width, inputs.frames.height, ctx.params.maxSize);
    const frame = resizeRgba(inputs.frames, size.width, size.height);
    // Frames always come from a stream source upstream, which sets the timeline; its rate is the output's.
    if (!ctx.timeline) throw new VivifyError('no stream source sets the frame rate: connect the frames to a driving video');
    state.writer ??= await ctx.host.createVideoWriter({
      path: ctx.params.path,
      width: frame.width,
      height: frame.height,
      fps: ctx.timeline.fps,
      crf: ctx.params.crf,
      preset: ctx.params.preset,
      // A chunk's audio would be cut at its ends: the join muxes the driver's audio once over the whole video.
      audio: ctx.params.audio && !part ? inputs.audio : undefined,
      overwrite: ctx.settings.overwrite,
      graphJson: JSON.stringify(ctx.graph),
    });
    await state.writer.write(frame);
    return {};
  },
  async finish(_ctx, state) {
    if (!state.writer) throw new VivifyError('no frames reached the output, so no video was written');
    await state.writer.finish();
  },
  async close(state, outcome) {
    if (outcome !== 'done') await state.writer?.abort();
  },
});
