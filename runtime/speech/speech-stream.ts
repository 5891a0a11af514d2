import {
  analysisRate,
  fillVoiceTracks,
  frameCentre,
  hopReach,
  hopSeconds,
  hopsIn,
  loudnessScale,
  medianVoicedPitch,
  mouthTracks,
  type SpeechFrame,
  speechFrameAt,
  visemesPerHop,
} from './speech-analysis.ts';
import { type VisemeEvent, visemeClassifier } from './viseme-classifier.ts';

export interface SpeechStreamOptions {
  fps: number;
  /** Moves the mouth against the sound: positive makes it move later. */
  offsetMs: number;
  /** HeadAudio's viseme prototypes. */
  visemeModel: ArrayBuffer;
}

/**
 * Sound heard past a frame's own span before the frame is made: the stop closures look 100 ms both ways, and
 * HeadAudio reports a viseme once its 16 ms vector is complete. This is most of a live voice's latency.
 */
export const lookaheadSeconds = 0.13;
/** Hops before a frame that the mouth is worked out over: enough for the smoothing and for pauses to be bridged. */
const contextHops = 100;
/** Hops of the voice's level the loudness scale is taken from (the last 30 s). */
const scaleHops = 3000;
/** A live voice has heard little at first: noise alone does not read as speech before speech is heard. */
const liveScale = { floorMargin: 10, minRange: 20 };

/**
 * The speech analysis of speech-analysis.ts, as the sound comes (a microphone): `push` the samples (mono, at
 * `analysisRate`) block by block; once `ready(k)`, `frame(k)` is frame k's mouth and voice. The per-hop voice tracks
 * are those the whole recording would give; the mouth is worked out over the last second before the newest sound,
 * and loudness is scaled by what has been heard so far, so it settles as the speaker is heard.
 */
export function speechStream(options: SpeechStreamOptions) {
  const classifier = visemeClassifier(options.visemeModel);
  let samples = new Float32Array(analysisRate * 10);
  let length = 0;
  let voice = { voiceDb: new Float64Array(hopsIn(samples.length)), pitchHz: new Float64Array(hopsIn(samples.length)) };
  let hopsDone = 0;
  const events: VisemeEvent[] = [];
  const hop = analysisRate * hopSeconds;

  function grow(needed: number): void {
    if (needed <= samples.length) return;
    const more = new Float32Array(Math.max(needed, samples.length * 2));
    more.set(samples.subarray(0, length));
    samples = more;
    const hops = hopsIn(more.length);
    const grown = { voiceDb: new Float64Array(hops), pitchHz: new Float64Array(hops) };
    grown.voiceDb.set(voice.voiceDb.subarray(0, hopsDone));
    grown.pitchHz.set(voice.pitchHz.subarray(0, hopsDone));
    voice = grown;
  }

  /** The hops whose sound has all come (the first needs a whole pitch window). */
  const completeHops = () => (length < 2 * hopReach ? 0 : Math.floor((length - hopReach) / hop) + 1);
  /** The last hop frame `k` pools, plus the lookahead. */
  const hopsNeeded = (k: number) => Math.ceil((frameCentre(k, options) + 0.5 / options.fps + lookaheadSeconds) / hopSeconds);

  return {
    /** Seconds of sound pushed so far. */
    heard: () => length / analysisRate,
    push(block: Float32Array): void {
      grow(length + block.length);
      samples.set(block, length);
      length += block.length;
      for (const event of classifier.push(block)) events.push(event);
      const complete = completeHops();
      if (complete > hopsDone) fillVoiceTracks(samples.subarray(0, length), voice, hopsDone, complete);
      hopsDone = Math.max(hopsDone, complete);
    },
    /** Whether enough sound has come for frame `k`. */
    ready: (k: number) => hopsDone >= hopsNeeded(k),
    frame(k: number): SpeechFrame {
      const end = Math.min(hopsDone, Math.max(1, hopsNeeded(k)));
      const first = Math.max(0, end - contextHops - Math.ceil(lookaheadSeconds / hopSeconds));
      const voiceDb = voice.voiceDb.subarray(first, end);
      const pitchHz = voice.pitchHz.subarray(first, end);
      const scale = loudnessScale(voice.voiceDb.subarray(Math.max(0, end - scaleHops), end), liveScale);
      const visemes = visemesPerHop(events, first, end - first);
      const mouth = mouthTracks(voiceDb, visemes, scale);
      return speechFrameAt({ ...mouth, pitchHz, firstHop: first }, frameCentre(k, options), 1 / options.fps, medianVoicedPitch(pitchHz, mouth.speaking));
    },
  };
}

export type SpeechStream = ReturnType<typeof speechStream>;
