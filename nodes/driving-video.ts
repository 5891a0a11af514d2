import type { VideoReader } from '../runtime/host.ts';
import { defineNode, maybeOutput, output } from '../runtime/node-definition.ts';
import { file } from '../runtime/params.ts';

export const drivingVideo = defineNode({
  type: 'driving-video',
  version: 1,
  title: 'Driving video',
  category: 'source',
  description:
    "A video of someone talking: its frames drive the animation, its frame rate sets the output's, and its audio goes into the output.",
  inputs: {},
  outputs: {
    frames: output('frame', 'the video decoded frame by frame'),
    audio: maybeOutput('audio', "the video's audio track, where it has one"),
  },
  params: {
    path: file({ accept: 'video', role: 'input', help: 'MP4, MOV, WebM or MKV file of the person whose motion drives the face' }),
  },
  async prepare(ctx): Promise<VideoReader> {
    const reader = await ctx.host.openVideo(ctx.params.path, ctx.settings.frames);
    if (reader.info.variableRate) {
      const name = ctx.params.path.split(/[\\/]/).pop();
      ctx.warn(`${name} has a variable frame rate; it is read at a steady ${reader.info.fps.toFixed(2)} fps (its average), frames repeated or dropped by their times, so the motion keeps time with the audio`);
    }
    return reader;
  },
  timeline: (reader) => ({ frameCount: reader.info.frameCount, fps: reader.info.fps }),
  async run(_ctx, _inputs, reader) {
    const frame = await reader.next();
    // The reader itself fails with the file's name where the video ends before its stated length.
    if (!frame) throw new Error('the video has no more frames');
    return { frames: frame, audio: reader.info.audio };
  },
  close: (reader) => reader.close(),
});
