import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type FfprobeReport, type ProbedVideo, probeVideoWith, unreadableVideo } from '../video-probe.ts';
import { ffmpegBinaries } from './ffmpeg-binaries.ts';
import { checkInputFile } from './input-file.ts';
import { displayPath } from './paths.ts';
import { summarizeFfmpegError } from './process-output.ts';

const run = promisify(execFile);

export type { ProbedVideo };

/** Reads a video file's size, frame rate, frame count and first audio track with the ffprobe process. */
export async function probeVideo(path: string): Promise<ProbedVideo> {
  await checkInputFile(path);
  return probeVideoWith(displayPath(path), (countPackets) => ffprobeReport(path, countPackets));
}

async function ffprobeReport(path: string, countPackets: boolean): Promise<FfprobeReport> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', ...(countPackets ? ['-count_packets'] : []), path];
  try {
    const { stdout } = await run(ffmpegBinaries().ffprobe, args, { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as FfprobeReport;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const reason = (summarizeFfmpegError(stderr) || (error instanceof Error ? error.message : String(error))).replace(`${path}: `, '');
    throw unreadableVideo(displayPath(path), reason);
  }
}
