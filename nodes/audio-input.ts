import { UsageError } from '../runtime/errors.ts';
import type { AudioTrack } from '../runtime/audio.ts';
import { defineNode, output } from '../runtime/node-definition.ts';
import { file, number } from '../runtime/params.ts';

interface State {
  track: AudioTrack;
  frameCount: number;
  fps: number;
}

/** Loudest sample below which a recording counts as silent (-50 dBFS): nothing there to speak. */
const silentPeak = 0.003;

export const audioInput = defineNode({
  type: 'audio-input',
  version: 1,
  title: 'Audio input',
  category: 'source',
  description:
    "A voice recording (WAV, MP3, M4A/AAC, OGG/Opus, or the sound of a video): its length sets the run's frame count at the chosen frame rate, and the output carries it.",
  inputs: {},
  outputs: { audio: output('audio', 'the recording, for a speech-motion node to read and the output to carry') },
  params: {
    path: file({ accept: 'any', role: 'input', help: 'WAV, MP3, M4A/AAC, OGG/Opus file, or a video whose sound is used' }),
    fps: number(25, { min: 1, max: 120, help: 'frames per second of the video made from it' }),
  },
  async prepare(ctx): Promise<State> {
    if (!ctx.host.readAudio) throw new UsageError(`the ${ctx.host.name} host cannot decode audio files`);
    const { fps } = ctx.params;
    // Read at a low rate: enough to find its length and whether anything is in it.
    const whole = await ctx.host.readAudio(ctx.params.path, { sampleRate: 8000 });
    const name = ctx.params.path.split(/[\\/]/).pop();
    const total = Math.floor(whole.track.duration * fps + 1e-6);
    if (total < 1) throw new UsageError(`${name}: the recording is too short to make a frame (${whole.track.duration.toFixed(3)} s at ${fps} fps)`);
    let peak = 0;
    for (const sample of whole.samples) peak = Math.max(peak, Math.abs(sample));
    if (peak < silentPeak) throw new UsageError(`${name}: the recording is silent (its loudest sample is ${(20 * Math.log10(peak + 1e-9)).toFixed(0)} dBFS), so there is no voice to speak`);
    const start = Math.min(ctx.settings.frames.start, total);
    const end = Math.min(ctx.settings.frames.end ?? total, total);
    const frameCount = Math.max(0, end - start);
    return { track: { ...whole.track, start: whole.track.start + start / fps, duration: frameCount / fps }, frameCount, fps };
  },
  timeline: (state) => ({ frameCount: state.frameCount, fps: state.fps }),
  async run(_ctx, _inputs, state) {
    return { audio: state.track };
  },
});
