/// <reference types="vite/client" />
import { analysisRate } from '../../runtime/speech/speech-analysis.ts';
import workletSource from './microphone-worklet.js?raw';

/** The microphone as the page holds it while its sound flows to the worker. */
export interface MicrophoneCapture {
  /** The capture's rate: the speech analysis's, which the audio context resamples the microphone to. */
  sampleRate: number;
  /** What the device adds before a sample reaches the page, in ms, where the browser says (0 where it does not). */
  inputLatencyMs: number;
  close(): Promise<void>;
}

/**
 * Opens the microphone in the page (a worker has no getUserMedia) and sends its sound, mono at the speech analysis's
 * rate, through an AudioWorklet straight to `port` (the worker's end) in blocks of 256 samples. The browser's own
 * voice processing is off: echo cancellation and noise suppression reshape the spectrum the visemes are read from.
 */
export async function openMicrophoneCapture(port: MessagePort): Promise<MicrophoneCapture> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false });
  } catch (error) {
    throw new Error(`the microphone could not be opened (${error instanceof Error ? error.message : String(error)}); allow microphone access for this page`);
  }
  const context = new AudioContext({ sampleRate: analysisRate, latencyHint: 'interactive' });
  try {
    const moduleUrl = URL.createObjectURL(new Blob([workletSource], { type: 'text/javascript' }));
    await context.audioWorklet.addModule(moduleUrl).finally(() => URL.revokeObjectURL(moduleUrl));
    const source = context.createMediaStreamSource(stream);
    const blocks = new AudioWorkletNode(context, 'vivify-microphone', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
    blocks.port.postMessage({ port }, [port]);
    // A node is processed only while something pulls on it: a silent gain to the speakers does.
    const mute = context.createGain();
    mute.gain.value = 0;
    source.connect(blocks).connect(mute).connect(context.destination);
    // Suspended where the page has not been interacted with yet; the Preview click that got here counts.
    await context.resume();
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    await context.close();
    throw error;
  }
  const settings = stream.getAudioTracks()[0]?.getSettings() as MediaTrackSettings & { latency?: number };
  return {
    sampleRate: context.sampleRate,
    inputLatencyMs: 1000 * (Number.isFinite(settings?.latency) ? settings.latency! : 0),
    async close() {
      for (const track of stream.getTracks()) track.stop();
      await context.close();
    },
  };
}
