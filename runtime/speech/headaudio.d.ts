// Types for the parts of @met4citizen/headaudio (plain JavaScript modules) that the speech analysis drives directly.
declare module '@met4citizen/headaudio/modules/processor.mjs' {
  export interface HeadAudioMessage {
    event: string;
    viseme?: number;
    t?: number;
  }
  export class Processor {
    constructor(
      options: { sampleRate: number; processorOptions?: Record<string, unknown>; parameterData?: Record<string, number> },
      worklet: { port: { onmessage: null; postMessage(message: HeadAudioMessage): void } },
    );
    _onmessage(message: { data: { event: string; model?: unknown } }): void;
    process(samples: Float32Array): void;
  }
}

declare module '@met4citizen/headaudio/modules/training.mjs' {
  export class Training {
    constructor(options: Record<string, unknown>);
    decodeBinaryRecord(record: Float32Array): unknown;
  }
}

declare module '@met4citizen/headaudio/modules/parameters.mjs' {
  export const AUDIO_SAMPLE_RATE: number;
  export const RECORD_LEN: number;
  export const RECORD_OFFSET: number;
  export const MODEL_VISEME_SIL: number;
}
