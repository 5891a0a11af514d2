import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { type AudioStreamReport, decodedAudio } from '../audio.ts';
import { UsageError } from '../errors.ts';
import type { AudioReadOptions, DecodedAudio } from '../host.ts';
import { ffmpegBinaries } from './ffmpeg-binaries.ts';
import { checkInputFile } from './input-file.ts';
import { displayPath } from './paths.ts';
import { summarizeFfmpegError } from './process-output.ts';

const run = promisify(execFile);

/**
 * Decodes the first audio track of any file ffmpeg reads (WAV, MP3, M4A/AAC, OGG/Opus, a video's sound) to mono
 * float samples through an ffmpeg process. A voice recording is small (a minute at 16 kHz is 4 MB), so it is read whole.
 */
export async function readAudioFile(path: string, options: AudioReadOptions): Promise<DecodedAudio> {
  await checkInputFile(path);
  const name = displayPath(path);
  const report = await probeAudio(path, name);
  const stream = report.streams?.find((s) => s.codec_type === 'audio');
  if (!stream) throw new UsageError(`${name}: has no audio track to speak from`);
  const start = options.start ?? 0;
  const span = ['-ss', start.toFixed(6), ...(options.duration !== undefined ? ['-t', options.duration.toFixed(6)] : [])];
  let stdout: Buffer;
  try {
    ({ stdout } = await run(
      ffmpegBinaries().ffmpeg,
      ['-v', 'error', '-nostdin', ...span, '-i', path, '-map', `0:${stream.index}`, '-ac', '1', '-ar', String(options.sampleRate), '-f', 'f32le', 'pipe:1'],
      { encoding: 'buffer', maxBuffer: 1 << 30 },
    ));
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new UsageError(`${name}: its audio could not be decoded (${summarizeFfmpegError(stderr) || 'ffmpeg failed'})`);
  }
  return decodedAudio(path, stdout, options.sampleRate, stream, report, options);
}

async function probeAudio(path: string, name: string): Promise<AudioStreamReport> {
  try {
    const { stdout } = await run(ffmpegBinaries().ffprobe, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as AudioStreamReport;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const reason = (summarizeFfmpegError(stderr) || 'ffprobe failed').replace(`${path}: `, '');
    throw new UsageError(`${name}: is not an audio or video file that can be read (${reason})`);
  }
}

const require = createRequire(import.meta.url);

/** The viseme prototypes from the installed @met4citizen/headaudio package: nothing is downloaded. */
export async function readVisemeModel(): Promise<ArrayBuffer> {
  const bytes = await readFile(require.resolve('@met4citizen/headaudio/dist/model-en-mixed.bin'));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
