import { type LiveAudio, wavFile } from '../../runtime/audio.ts';
import type { BrowserFiles } from '../../runtime/browser/browser-files.ts';
import type { Host, MicrophoneOptions, MicrophoneRecording } from '../../runtime/host.ts';
import { type MicrophoneCapture, openMicrophoneCapture } from './microphone-capture.ts';
import { pendingCalls } from './pending-calls.ts';
import type { MicrophoneReply, MicrophoneRequest } from './runner-protocol.ts';

/**
 * A worker cannot open the microphone: the page opens it (microphone-capture.ts), and its AudioWorklet sends the sound
 * straight to the worker through a MessagePort the worker made. These are the two ends; the worker's keeps the sound,
 * when each block came (for the latency the viewer shows), and writes the recording as a WAV for the export.
 */

/** The page's end: opens microphones for the worker, answering each request through `reply`. */
export function serveMicrophone(reply: (answer: MicrophoneReply) => void): (request: MicrophoneRequest) => Promise<void> {
  const open = new Map<number, MicrophoneCapture>();
  return async (request) => {
    const { call } = request;
    try {
      if (request.op === 'open') {
        const capture = await openMicrophoneCapture(request.port);
        open.set(call, capture);
        reply({ type: 'microphone-reply', call, microphone: call, sampleRate: capture.sampleRate, inputLatencyMs: capture.inputLatencyMs });
      } else {
        await open.get(request.microphone)?.close();
        open.delete(request.microphone);
        reply({ type: 'microphone-reply', call, closed: true });
      }
    } catch (error) {
      reply({ type: 'microphone-reply', call, error: error instanceof Error ? error.message : String(error) });
    }
  };
}

/** Epoch milliseconds, the one clock the page and its worker share. */
export const sharedClock = () => performance.timeOrigin + performance.now();

/** The sound heard so far, as blocks come: the samples, and when the block that ended at each sample count came. */
class HeardSound implements LiveAudio {
  samples = new Float32Array(16000 * 10);
  length = 0;
  stopped = false;
  private readonly arrivals: { end: number; at: number }[] = [];
  private waiting: (() => void)[] = [];

  constructor(readonly sampleRate: number) {}

  add(block: Float32Array, at: number): void {
    if (this.stopped) return;
    if (this.length + block.length > this.samples.length) {
      const more = new Float32Array(this.samples.length * 2 + block.length);
      more.set(this.samples.subarray(0, this.length));
      this.samples = more;
    }
    this.samples.set(block, this.length);
    this.length += block.length;
    this.arrivals.push({ end: this.length, at });
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  async after(from: number): Promise<Float32Array | undefined> {
    while (this.length <= from && !this.stopped) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.length > from ? this.samples.slice(from, this.length) : undefined;
  }

  /** When sample `index` was heard (shared clock, ms): its block's arrival less the samples after it in the block. */
  heardAt(index: number): number | undefined {
    let low = 0;
    let high = this.arrivals.length - 1;
    if (high < 0 || this.arrivals[high]!.end <= index) return undefined;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.arrivals[mid]!.end > index) high = mid;
      else low = mid + 1;
    }
    const block = this.arrivals[low]!;
    return block.at - ((block.end - 1 - index) / this.sampleRate) * 1000;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * The worker's end: the host's `openMicrophone`, asking the page through `ask`; `receive` takes the page's answers.
 * `heardAt(frame)` is when the sound frame `frame` shows was captured, while a microphone records (else undefined).
 */
export function relayedMicrophone(
  ask: (request: MicrophoneRequest, transfer: Transferable[]) => void,
  files: BrowserFiles,
): { openMicrophone: NonNullable<Host['openMicrophone']>; receive(reply: MicrophoneReply): void; heardAt(frame: number): number | undefined } {
  const { request, receive } = pendingCalls<MicrophoneRequest, MicrophoneReply>(ask);
  let recording: { sound: HeardSound; options: MicrophoneOptions; inputLatencyMs: number } | undefined;

  return {
    async openMicrophone(options): Promise<MicrophoneRecording> {
      const channel = new MessageChannel();
      const opened = await request<{ microphone: number; sampleRate: number; inputLatencyMs: number }>((call) => ({ type: 'microphone', call, op: 'open', port: channel.port2 }), [channel.port2]);
      const sound = new HeardSound(opened.sampleRate);
      channel.port1.onmessage = (event: MessageEvent<Float32Array>) => sound.add(event.data, sharedClock());
      const own = { sound, options, inputLatencyMs: opened.inputLatencyMs };
      recording = own;
      const path = `microphone-${opened.microphone}.wav`;
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        sound.stop();
        channel.port1.close();
        if (recording === own) recording = undefined;
        await request((call) => ({ type: 'microphone', call, op: 'close', microphone: opened.microphone }));
      };
      return {
        track: { path, streamIndex: 0, codec: 'pcm_s16le', start: 0, duration: options.frames / options.fps, live: sound },
        async stop() {
          await release();
          files.put(path, new Blob([wavFile(sound.samples.subarray(0, sound.length), sound.sampleRate)], { type: 'audio/wav' }));
        },
        close: release,
      };
    },
    receive,
    heardAt(frame) {
      if (!recording) return undefined;
      const { sound, options, inputLatencyMs } = recording;
      const heard = sound.heardAt(Math.round((frame / options.fps) * sound.sampleRate));
      return heard === undefined ? undefined : heard - inputLatencyMs;
    },
  };
}
