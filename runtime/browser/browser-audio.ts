import { type AudioStreamReport, decodedAudio } from '../audio.ts';
import { UsageError } from '../errors.ts';
import type { AudioReadOptions, DecodedAudio } from '../host.ts';
import type { BrowserFiles } from './browser-files.ts';
import { type FfmpegWasm, lastError } from './ffmpeg-wasm.ts';
import { safeFileName } from './video-chunks.ts';


/**
 * The browser host's `readAudio`: the first audio track of a file the user gave (an audio file or a video's sound),
 * decoded to mono float samples by ffmpeg.wasm, as the Node host does with its ffmpeg. It runs in the preview's
 * worker, where Web Audio's decoders are not offered. A voice recording is small, so it is read whole.
 */
export async function readBrowserAudio(files: BrowserFiles, ffmpeg: FfmpegWasm, path: string, options: AudioReadOptions): Promise<DecodedAudio> {
  const blob = files.get(path);
  const dir = ffmpeg.uniqueDir('audio');
  const mount = `${dir}/input`;
  const name = safeFileName(path, 'audio');
  const input = `${mount}/${name}`;
  return ffmpeg.run(async (session) => {
    await session.makeDir(dir);
    await session.mountBlob(mount, name, blob);
    try {
      const probeFile = `${dir}/probe.json`;
      await session.ffprobe(['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', '-o', probeFile, input]);
      const report = parse(await session.readText(probeFile).catch(() => ''));
      if (!report?.streams?.length) throw new UsageError(`${path}: is not an audio or video file that can be read`);
      const stream = report.streams.find((s) => s.codec_type === 'audio');
      if (!stream) throw new UsageError(`${path}: has no audio track to speak from`);
      const start = options.start ?? 0;
      const output = `${dir}/samples.f32`;
      const span = ['-ss', start.toFixed(6), ...(options.duration !== undefined ? ['-t', options.duration.toFixed(6)] : [])];
      const result = await session.exec(['-v', 'error', '-hide_banner', ...span, '-i', input, '-map', `0:${stream.index}`, '-ac', '1', '-ar', String(options.sampleRate), '-f', 'f32le', output]);
      if (result.code !== 0) throw new UsageError(`${path}: its audio could not be decoded (${lastError(result)})`);
      return decodedAudio(path, await session.readFile(output), options.sampleRate, stream, report, options);
    } finally {
      await session.unmount(mount);
      await session.removeDir(dir);
    }
  });
}

function parse(text: string): AudioStreamReport | undefined {
  try {
    return JSON.parse(text) as AudioStreamReport;
  } catch {
    return undefined;
  }
}
