import { UsageError } from './errors.ts';
import type { VideoInfo } from './host.ts';

/** What both hosts learn about a video before decoding it: the same fields, the same rules, the same sentences. */
export interface ProbedVideo {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /** Seconds from the file's start (what `-ss` counts from) to its first video frame. */
  videoStart: number;
  /**
   * The filter that makes a variable-frame-rate video steady at its average rate (frames repeated or dropped by their
   * times, so motion keeps time with the audio); undefined for a steady video, whose frames are read as they are.
   */
  steadyFilter?: string;
  audio?: { streamIndex: number; codec: string };
}

/** The parts of ffprobe's JSON report (`-show_streams -show_format`) that are read. */
export interface FfprobeReport {
  streams?: FfprobeStream[];
  format?: { start_time?: string };
}

interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  nb_read_packets?: string;
  start_time?: string;
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

/**
 * Reads a video's size (as decoded, rotation applied), frame rate, frame count and first audio track from ffprobe's
 * report; `probe` runs ffprobe in the host (a process in Node, ffmpeg.wasm in the page), counting packets when asked.
 * `name` is the file as the user knows it.
 */
export async function probeVideoWith(name: string, probe: (countPackets: boolean) => Promise<FfprobeReport>): Promise<ProbedVideo> {
  let report = await probe(false);
  let video = report.streams?.find((stream) => stream.codec_type === 'video');
  if (!video?.width || !video.height) throw new UsageError(`${name}: has no video stream`);
  const { width, height } = video;
  if (!video.nb_frames) {
    // Containers such as WebM and MKV do not store a frame count: count packets (no decoding, fast).
    report = await probe(true);
    video = report.streams?.find((stream) => stream.codec_type === 'video') ?? video;
  }
  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  if (!fps) throw new UsageError(`${name}: the video has no frame rate`);
  const storedFrames = Number(video.nb_frames ?? video.nb_read_packets ?? 0);
  if (!storedFrames) throw new UsageError(`${name}: the video has no frames`);
  // A video whose frames come at one rate has its base rate equal to its average (within rounding); one that was
  // recorded at a varying rate (phones do) has frames farther apart in places, and is made steady at its average.
  const baseRate = parseRate(video.r_frame_rate);
  const duration = Number(video.duration);
  const variable = baseRate > 0 && Math.abs(baseRate - fps) / fps > 0.005 && duration > 0;
  const frameCount = variable ? Math.max(1, Math.floor(duration * fps)) : storedFrames;
  const rotation = Math.abs(video.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ?? Number(video.tags?.rotate ?? 0));
  // ffmpeg applies the rotation when decoding, so a quarter turn swaps the decoded width and height.
  const turned = rotation % 180 === 90;
  const audio = report.streams?.find((stream) => stream.codec_type === 'audio');
  return {
    width: turned ? height : width,
    height: turned ? width : height,
    fps,
    frameCount,
    videoStart: Math.max(0, (Number(video.start_time) || 0) - (Number(report.format?.start_time) || 0)),
    ...(variable ? { steadyFilter: `fps=${video.avg_frame_rate}` } : {}),
    audio: audio ? { streamIndex: audio.index, codec: audio.codec_name ?? 'unknown' } : undefined,
  };
}

/**
 * What a reader of frames `range.start` to `range.end` (clipped to the video) reports: size, rate, frame count and the
 * audio span those frames cover. `name` is the file as the user knows it, `path` as the host opens it.
 */
export function videoInfoFor(name: string, path: string, probed: ProbedVideo, range: { start: number; end?: number }): VideoInfo {
  if (range.start >= probed.frameCount) throw new UsageError(`${name}: has ${probed.frameCount} frames; frame ${range.start} is past its end`);
  const frameCount = Math.min(range.end ?? probed.frameCount, probed.frameCount) - range.start;
  return {
    path,
    width: probed.width,
    height: probed.height,
    fps: probed.fps,
    frameCount,
    ...(probed.steadyFilter ? { variableRate: true } : {}),
    audio: probed.audio && { path, ...probed.audio, start: range.start / probed.fps, duration: frameCount / probed.fps },
  };
}

/** The sentence for a file ffprobe could not read, from its own reason. */
export function unreadableVideo(name: string, reason: string): UsageError {
  const hint = /moov atom not found|End of file|partial file/i.test(reason) ? '; the file looks truncated' : '';
  return new UsageError(`${name}: not a readable video (${reason}${hint})`);
}

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [numerator, denominator = '1'] = rate.split('/');
  const value = Number(numerator) / Number(denominator);
  return Number.isFinite(value) && value > 0 ? value : 0;
}
