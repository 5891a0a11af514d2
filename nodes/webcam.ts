import { UsageError } from '../runtime/errors.ts';
import type { VideoReader } from '../runtime/host.ts';
import { defineNode, output } from '../runtime/node-definition.ts';
import { integer } from '../runtime/params.ts';

export const webcam = defineNode({
  type: 'webcam',
  version: 1,
  title: 'Webcam',
  category: 'source',
  description: 'A live camera in the editor: its frames drive the graph as a driving video does, for as many frames as asked.',
  inputs: {},
  outputs: {
    frames: output('frame', 'the camera, frame by frame'),
  },
  params: {
    frames: integer(300, { min: 1, max: 1_000_000, help: 'how many frames a run takes from the camera' }),
    width: integer(640, { min: 64, max: 3840, help: 'the width asked of the camera' }),
    height: integer(480, { min: 64, max: 2160, help: 'the height asked of the camera' }),
  },
  async prepare(ctx): Promise<VideoReader> {
    if (!ctx.host.openCamera) {
      throw new UsageError(`node "${ctx.nodeId}": the webcam node runs in the editor, where the browser has a camera; here, use a driving video`);
    }
    const { start, end } = ctx.settings.frames;
    const frames = Math.max(0, Math.min(end ?? ctx.params.frames, ctx.params.frames) - start);
    return ctx.host.openCamera({ width: ctx.params.width, height: ctx.params.height, frames });
  },
  timeline: (reader) => ({ frameCount: reader.info.frameCount, fps: reader.info.fps }),
  async run(_ctx, _inputs, reader) {
    const frame = await reader.next();
    if (!frame) throw new Error('the camera stopped');
    return { frames: frame };
  },
  close: (reader) => reader.close(),
});
