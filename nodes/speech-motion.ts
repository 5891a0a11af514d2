import type { LiveAudio } from '../runtime/audio.ts';
import { UsageError, VivifyError } from '../runtime/errors.ts';
import { defineNode, input, output } from '../runtime/node-definition.ts';
import { integer, number } from '../runtime/params.ts';
import { type SecondaryFrame, secondaryMotion } from '../runtime/speech/secondary-motion.ts';
import { analyseSpeech, analysisRate, type SpeechFrame } from '../runtime/speech/speech-analysis.ts';
import { type SpeakingFaceRig, speakingFace, speakingFaceRig } from '../runtime/speech/speaking-face.ts';
import { type SpeechStream, speechStream } from '../runtime/speech/speech-stream.ts';

interface State {
  speech?: SpeechFrame[];
  secondary?: SecondaryFrame[];
  rig?: SpeakingFaceRig;
  /** A live voice (a microphone): analysed as it comes, `read` samples so far. */
  live?: { stream: SpeechStream; read: number };
}

export const speechMotion = defineNode({
  type: 'speech-motion',
  version: 1,
  title: 'Speech motion',
  category: 'analysis',
  description:
    "Makes a talking driver face from a voice: HeadAudio's viseme classifier and the voice's loudness and pitch give per-frame mouth shapes (blended into their neighbours, the jaw following loudness, the lips shut on p, b, m and in pauses), with blinks, brow raises and head motion that follow the voice, all seeded. Its face has the face-landmarks node's form, built on the painting's own face, so Face2Face takes it as it takes a filmed driver. A live microphone (the editor's) is followed as its sound comes, each frame made about 0.15 s after its sound is heard.",
  inputs: {
    audio: input('audio', 'the voice: a recording, or a live microphone'),
    face: input('face', "the neutral face the mouth shapes are built on: the painting's landmarks"),
  },
  outputs: { face: output('face', 'the speaking driver face, one per frame') },
  params: {
    mouth: number(1, { min: 0, max: 2, help: 'how far the mouth opens and shapes itself: 1 as a calm speaker' }),
    headMotion: number(1, { min: 0, max: 2, help: 'head motion: 0 keeps the head still, 1 a calm speaker, 2 a lively one' }),
    blinkRate: number(17, { min: 0, max: 60, help: 'blinks per minute (people blink 15-20 times a minute while talking)' }),
    seed: integer(1, { min: 0, max: 2147483647, help: 'draws blinks and head drift: the same seed gives the same motion' }),
    audioOffsetMs: number(0, { min: -500, max: 500, help: 'moves the mouth against the sound: positive makes it move later' }),
  },
  async prepare(): Promise<State> {
    return {};
  },
  async run(ctx, inputs, state) {
    const host = ctx.host;
    if (!host.visemeModel) throw new UsageError(`the ${host.name} host cannot analyse speech`);
    const timeline = ctx.timeline ?? { frameCount: 1, fps: 25 };
    const index = ctx.frame?.index ?? 0;
    const motion = { fps: timeline.fps, blinkRate: ctx.params.blinkRate, headMotion: ctx.params.headMotion, seed: ctx.params.seed };
    state.rig ??= speakingFaceRig(inputs.face);
    const live = inputs.audio.live;
    if (live) {
      // Frames come in order: each waits for its sound (and a little after it), then joins the ones before.
      state.live ??= { stream: speechStream({ fps: timeline.fps, offsetMs: ctx.params.audioOffsetMs, visemeModel: await host.visemeModel() }), read: 0 };
      await heardUntil(live, state.live, index);
      state.speech = [...(state.speech ?? []).slice(0, index), state.live.stream.frame(index)];
      // The secondary motion of frames so far: frame k's is the same however many follow (secondary-motion.ts).
      const secondary = secondaryMotion(state.speech, motion);
      return { face: speakingFace(state.rig, state.speech[index]!, secondary[index]!, { mouth: ctx.params.mouth }) };
    }
    if (!state.speech) {
      if (!host.readAudio) throw new UsageError(`the ${host.name} host cannot analyse speech`);
      const track = inputs.audio;
      const decoded = await host.readAudio(track.path, { sampleRate: analysisRate, start: track.start, duration: track.duration });
      state.speech = analyseSpeech(decoded.samples, { fps: timeline.fps, frameCount: timeline.frameCount, offsetMs: ctx.params.audioOffsetMs, visemeModel: await host.visemeModel() });
      state.secondary = secondaryMotion(state.speech, motion);
    }
    const at = Math.min(state.speech.length - 1, index);
    return { face: speakingFace(state.rig, state.speech[at]!, state.secondary![at]!, { mouth: ctx.params.mouth }) };
  },
});

/** Feeds the live sound to the analysis until frame `index` can be made. */
async function heardUntil(live: LiveAudio, state: { stream: SpeechStream; read: number }, index: number): Promise<void> {
  if (live.sampleRate !== analysisRate) throw new VivifyError(`the live sound comes at ${live.sampleRate} Hz; the speech analysis takes ${analysisRate} Hz`);
  while (!state.stream.ready(index)) {
    const block = await live.after(state.read);
    if (!block) throw new VivifyError('the microphone stopped before the run was over');
    state.read += block.length;
    state.stream.push(block);
  }
}
