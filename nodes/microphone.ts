import { UsageError } from '../runtime/errors.ts';
import type { MicrophoneRecording } from '../runtime/host.ts';
import { defineNode, output } from '../runtime/node-definition.ts';
import { integer, number } from '../runtime/params.ts';

interface State {
  recording: MicrophoneRecording;
  frameCount: number;
  fps: number;
}

export const microphone = defineNode({
  type: 'microphone',
  version: 1,
  title: 'Microphone',
  category: 'source',
  description:
    "A live microphone in the editor: its sound drives the graph as a voice recording does (a speech-motion node follows it as it comes), for as many frames as asked; an export carries what it heard.",
  inputs: {},
  outputs: { audio: output('audio', 'the live sound, for a speech-motion node to follow and the output to carry') },
  params: {
    frames: integer(750, { min: 1, max: 1_000_000, help: 'how many frames a run takes from the microphone (750 is 30 s at 25 fps)' }),
    fps: number(25, { min: 1, max: 120, help: 'frames per second of the video made from it' }),
  },
  async prepare(ctx): Promise<State> {
    if (!ctx.host.openMicrophone) {
      throw new UsageError(`node "${ctx.nodeId}": the microphone node runs in the editor, where the browser has a microphone; here, use an audio input with a recording`);
    }
    const { start, end } = ctx.settings.frames;
    const frameCount = Math.max(0, Math.min(end ?? ctx.params.frames, ctx.params.frames) - start);
    const recording = await ctx.host.openMicrophone({ fps: ctx.params.fps, frames: frameCount });
    return { recording, frameCount, fps: ctx.params.fps };
  },
  timeline: (state) => ({ frameCount: state.frameCount, fps: state.fps }),
  async run(_ctx, _inputs, state) {
    return { audio: state.recording.track };
  },
  // Sources finish first: the recording's file is there before an output muxes it in.
  finish: (_ctx, state) => state.recording.stop(),
  close: (state) => state.recording.close(),
});
