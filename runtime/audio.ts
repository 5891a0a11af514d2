/**
 * An audio track travels by reference: the file it lives in and the span the run uses. Hosts mux it into the output
 * from the file itself, so audio never passes through the frame pipeline.
 */
export interface AudioTrack {
  /** The media file holding the track, as the host can open it. */
  path: string;
  /** Index of the stream inside that file. */
  streamIndex: number;
  codec: string;
  /** Seconds into the file where the run's first frame lies. */
  start: number;
  /** Seconds of audio that belong to the run's frames. */
  duration: number;
  /** Sound still being captured (a microphone): read as it comes; the file holds it once capture stops. */
  live?: LiveAudio;
}

/** Sound as it is captured, for nodes that follow it live. */
export interface LiveAudio {
  /** Samples per second of what `after` gives (mono). */
  readonly sampleRate: number;
  /**
   * The samples captured after the first `from` (counted from the start), waiting until there is at least one;
   * undefined once capture has stopped. Each reader keeps its own count, so several can follow the same sound.
   */
  after(from: number): Promise<Float32Array | undefined>;
}

/** A 16-bit PCM WAV file of mono `samples`: how a captured voice is kept for an output to carry. */
export function wavFile(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string) => [...value].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), true);
  return bytes;
}

/** What ffprobe says of a file's streams, as far as reading its audio needs. */
export interface AudioStreamReport {
  streams?: { index: number; codec_type?: string; codec_name?: string; duration?: string }[];
  format?: { duration?: string };
}

/**
 * Mono samples decoded from `stream` of a file, with the track they came from: the span is the one asked for, or what
 * is left of the file from `start` (no longer than what was decoded). Both hosts decode with ffmpeg and share this.
 */
export function decodedAudio(
  path: string,
  bytes: Uint8Array,
  sampleRate: number,
  stream: NonNullable<AudioStreamReport['streams']>[number],
  report: AudioStreamReport,
  span: { start?: number; duration?: number },
): { samples: Float32Array; sampleRate: number; track: AudioTrack } {
  const samples = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.byteLength & ~3)));
  const start = span.start ?? 0;
  const decoded = samples.length / sampleRate;
  const fileDuration = Number(stream.duration ?? report.format?.duration);
  const duration = span.duration ?? (Number.isFinite(fileDuration) ? Math.min(fileDuration - start, decoded) : decoded);
  return { samples, sampleRate, track: { path, streamIndex: stream.index, codec: stream.codec_name ?? 'unknown', start, duration: Math.max(0, duration) } };
}
