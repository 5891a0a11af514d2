import { UsageError } from '../runtime/errors.ts';
import { defineNode, input, output } from '../runtime/node-definition.ts';
import { integer, number } from '../runtime/params.ts';
import { type SecondaryFrame, secondaryMotion } from '../runtime/speech/secondary-motion.ts';
import { analyseSpeech, analysisRate, type SpeechFrame } from '../runtime/speech/speech-analysis.ts';
import { type SpeakingFaceRig, speakingFace, speakingFaceRig } from '../runtime/speech/speaking-face.ts';

interface State {
  speech?: SpeechFrame[];
  secondary?: SecondaryFrame[];
  rig?: SpeakingFaceRig;
}

export const speechMotion = defineNode({
  type: 'speech-motion',
  version: 1,
  title: 'Speech motion',
  category: 'analysis',
  description:
    "Makes a talking driver face from a voice: HeadAudio's viseme classifier and the voice's loudness and pitch give per-frame mouth shapes (blended into their neighbours, the jaw following loudness, the lips shut on p, b, m and in pauses), with blinks, brow raises and head motion that follow the voice, all seeded. Its face has the face-landmarks node's form, built on the painting's own face, so Face2Face takes it as it takes a filmed driver.",
  inputs: {
    audio: input('audio', 'the voice recording'),
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
    if (!state.speech) {
      const host = ctx.host;
      if (!host.readAudio || !host.visemeModel) throw new UsageError(`the ${host.name} host cannot analyse speech`);
      const track = inputs.audio;
      const timeline = ctx.timeline ?? { frameCount: 1, fps: 25 };
      const decoded = await host.readAudio(track.path, { sampleRate: analysisRate, start: track.start, duration: track.duration });
      state.speech = analyseSpeech(decoded.samples, { fps: timeline.fps, frameCount: timeline.frameCount, offsetMs: ctx.params.audioOffsetMs, visemeModel: await host.visemeModel() });
      state.secondary = secondaryMotion(state.speech, { fps: timeline.fps, blinkRate: ctx.params.blinkRate, headMotion: ctx.params.headMotion, seed: ctx.params.seed });
    }
    state.rig ??= speakingFaceRig(inputs.face);
    const index = Math.min(state.speech.length - 1, ctx.frame?.index ?? 0);
    return { face: speakingFace(state.rig, state.speech[index]!, state.secondary![index]!, { mouth: ctx.params.mouth }) };
  },
});
