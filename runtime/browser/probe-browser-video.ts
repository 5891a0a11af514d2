import { type FfprobeReport, type ProbedVideo, probeVideoWith, unreadableVideo } from '../video-probe.ts';
import { type FfmpegSession, lastError } from './ffmpeg-wasm.ts';

/**
 * Reads a video's size, frame rate, frame count and first audio track with ffmpeg.wasm's ffprobe. `input` is the file
 * inside ffmpeg.wasm's file system, `name` the one the user knows, and `workDir` a writable folder for ffprobe's
 * report (the input may sit on a read-only mount).
 */
export function probeBrowserVideo(session: FfmpegSession, input: string, workDir: string, name: string): Promise<ProbedVideo> {
  return probeVideoWith(name, (countPackets) => ffprobe(session, { input, output: `${workDir}/probe.json`, name }, countPackets));
}

async function ffprobe(
  session: FfmpegSession,
  { input, output, name }: { input: string; output: string; name: string },
  countPackets: boolean,
): Promise<FfprobeReport> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', ...(countPackets ? ['-count_packets'] : []), '-o', output, input];
  try {
    const result = await session.ffprobe(args);
    // ffmpeg.wasm's ffprobe may report -1 even where it succeeded: its report is what tells.
    const report = await session.readText(output).catch(() => '');
    const parsed = parseReport(report);
    if (parsed?.streams?.length) return parsed;
    throw unreadableVideo(name, (result.log.length ? lastError(result) : 'no streams found').replace(`${input}: `, ''));
  } finally {
    await session.remove(output);
  }
}

function parseReport(text: string): FfprobeReport | undefined {
  try {
    return JSON.parse(text) as FfprobeReport;
  } catch {
    return undefined;
  }
}
