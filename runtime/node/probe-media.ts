import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UsageError } from '../errors.ts';
import { ffmpegBinaries } from './ffmpeg-binaries.ts';
import { displayPath } from './paths.ts';
import { summarizeFfmpegError } from './process-output.ts';

const run = promisify(execFile);

export interface ProbedVideo {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  audio?: { streamIndex: number; codec: string };
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
  nb_read_packets?: string;
  duration?: string;
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

/** Reads a video file's size (as decoded, rotation applied), frame rate, frame count and first audio track. */
export async function probeVideo(path: string): Promise<ProbedVideo> {
  let streams = await ffprobeStreams(path, false);
  let video = streams.find((stream) => stream.codec_type === 'video');
  if (!video?.width || !video.height) throw new UsageError(`${displayPath(path)}: has no video stream`);
  const { width, height } = video;
  if (!video.nb_frames) {
    // Containers such as WebM and MKV do not store a frame count: count packets (no decoding, fast).
    streams = await ffprobeStreams(path, true);
    video = streams.find((stream) => stream.codec_type === 'video') ?? video;
  }
  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  if (!fps) throw new UsageError(`${displayPath(path)}: the video has no frame rate`);
  const frameCount = Number(video.nb_frames ?? video.nb_read_packets ?? 0);
  if (!frameCount) throw new UsageError(`${displayPath(path)}: the video has no frames`);
  const rotation = Math.abs(video.side_data_list?.find((data) => data.rotation !== undefined)?.rotation ?? Number(video.tags?.rotate ?? 0));
  // ffmpeg applies the rotation when decoding, so a quarter turn swaps the decoded width and height.
  const turned = rotation % 180 === 90;
  const audio = streams.find((stream) => stream.codec_type === 'audio');
  return {
    width: turned ? height : width,
    height: turned ? width : height,
    fps,
    frameCount,
    audio: audio ? { streamIndex: audio.index, codec: audio.codec_name ?? 'unknown' } : undefined,
  };
}

async function ffprobeStreams(path: string, countPackets: boolean): Promise<FfprobeStream[]> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', ...(countPackets ? ['-count_packets'] : []), path];
  try {
    const { stdout } = await run(ffmpegBinaries().ffprobe, args, { maxBuffer: 16 * 1024 * 1024 });
    return (JSON.parse(stdout) as { streams?: FfprobeStream[] }).streams ?? [];
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const reason = (summarizeFfmpegError(stderr) || (error instanceof Error ? error.message : String(error))).replace(`${path}: `, '');
    const hint = /moov atom not found|End of file|partial file/i.test(reason) ? '; the file looks truncated' : '';
    throw new UsageError(`${displayPath(path)}: not a readable video (${reason}${hint})`);
  }
}

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [numerator, denominator = '1'] = rate.split('/');
  const value = Number(numerator) / Number(denominator);
  return Number.isFinite(value) && value > 0 ? value : 0;
}
