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
