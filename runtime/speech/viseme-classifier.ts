import * as headAudioParams from '@met4citizen/headaudio/modules/parameters.mjs';
import { Processor } from '@met4citizen/headaudio/modules/processor.mjs';
import { Training } from '@met4citizen/headaudio/modules/training.mjs';

/** HeadAudio's visemes (the Oculus set), in the order its classifier numbers them. */
export const visemeNames = ['aa', 'E', 'I', 'O', 'U', 'PP', 'SS', 'TH', 'DD', 'FF', 'kk', 'nn', 'RR', 'CH', 'sil'] as const;
export type VisemeName = (typeof visemeNames)[number];
export const silence = visemeNames.indexOf('sil');

/** The sample rate HeadAudio analyses at; samples are given at this rate. */
export const visemeSampleRate: number = headAudioParams.AUDIO_SAMPLE_RATE;

/** One classified stretch of speech: the viseme heard around `time` seconds. */
export interface VisemeEvent {
  time: number;
  viseme: number;
}

/**
 * HeadAudio's MFCC front end and Gaussian-prototype classifier, fed samples as they come (a recording's at once, or a
 * microphone's block by block): its audio-worklet processor is driven directly, and its messages are collected
 * instead of posted. Event times count from the first sample pushed. Silence (its voice-activity gate) gives no events.
 */
export function visemeClassifier(modelBytes: ArrayBuffer): { push(samples: Float32Array): VisemeEvent[] } {
  let events: VisemeEvent[] = [];
  const processor = new Processor(
    { sampleRate: visemeSampleRate },
    {
      port: {
        onmessage: null,
        postMessage: (message) => {
          if (message.event === 'viseme' && message.viseme !== undefined && message.t !== undefined) events.push({ time: message.t, viseme: message.viseme });
        },
      },
    },
  );
  processor._onmessage({ data: { event: 'model', model: decodeModel(modelBytes) } });
  return {
    /** The events the new samples complete. */
    push(samples) {
      events = [];
      // The worklet sees 128-sample quanta; the processor keeps its state between calls, so the block size is free.
      for (let at = 0; at < samples.length; at += 4096) processor.process(samples.subarray(at, at + 4096));
      return events;
    },
  };
}

/** The viseme events of a whole recording, offline. */
export function classifyVisemes(samples: Float32Array, modelBytes: ArrayBuffer): VisemeEvent[] {
  return visemeClassifier(modelBytes).push(samples);
}

function decodeModel(bytes: ArrayBuffer): unknown[] {
  const training = new Training({});
  const model: unknown[] = [];
  for (let at = 0; at + headAudioParams.RECORD_OFFSET <= bytes.byteLength; at += headAudioParams.RECORD_OFFSET) {
    model.push(training.decodeBinaryRecord(new Float32Array(bytes, at, headAudioParams.RECORD_LEN)));
  }
  if (model.length === 0) throw new Error('the viseme model is empty');
  return model;
}
