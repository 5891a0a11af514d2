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
