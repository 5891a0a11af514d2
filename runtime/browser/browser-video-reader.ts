import { VivifyError } from '../errors.ts';
import type { VideoInfo, VideoReader } from '../host.ts';
import type { RgbaImage } from '../image.ts';
import type { BrowserFiles } from './browser-files.ts';
import { type FfmpegWasm, lastError } from './ffmpeg-wasm.ts';
import { probeBrowserVideo } from './probe-browser-video.ts';
import { videoInfoFor } from '../video-probe.ts';
import { framesPerChunk, safeFileName } from './video-chunks.ts';

export interface BrowserVideoReaderTuning {
  /** Frames decoded per ffmpeg command; by default as many as fit in 48 MB (at most 60). */
  chunkFrames?: number;
}

interface Chunk {
  first: number;
  count: number;
  bytes: Promise<Uint8Array>;
}

/**
 * Decodes frames `start` to `end` of a video the user gave to RGBA with ffmpeg.wasm, a chunk of frames per command:
 * each chunk seeks accurately to its first frame (ffmpeg decodes from the keyframe before it and drops what precedes),
 * so memory holds two chunks at most (the one being read and the next, decoded ahead) whatever the video's length.
 */
export async function openBrowserVideo(
  files: BrowserFiles,
  ffmpeg: FfmpegWasm,
  path: string,
  range: { start: number; end?: number },
  tuning: BrowserVideoReaderTuning = {},
): Promise<VideoReader> {
  const blob = files.get(path);
  const dir = ffmpeg.uniqueDir('read');
  const mount = `${dir}/input`;
  const input = `${mount}/${safeFileName(path, 'video')}`;
  const output = `${dir}/frames.rgba`;
  const release = () =>
    ffmpeg.run(async (session) => {
      await session.unmount(mount);
      await session.removeDir(dir);
    });

  const probed = await ffmpeg
    .run(async (session) => {
      await session.makeDir(dir);
      await session.mountBlob(mount, safeFileName(path, 'video'), blob);
      return probeBrowserVideo(session, input, dir, path);
    })
    .catch(async (error: unknown) => {
      await release();
      throw error;
    });
  let info: VideoInfo;
  try {
    info = videoInfoFor(path, path, probed, range);
  } catch (error) {
    await release();
    throw error;
  }
  const { frameCount } = info;
  const end = range.start + frameCount;
  const frameBytes = info.width * info.height * 4;
  const perChunk = framesPerChunk(info.width, info.height, tuning.chunkFrames);

  const decode = (first: number, count: number): Promise<Uint8Array> =>
    ffmpeg.run(async (session) => {
      // Half a frame early: the seek keeps frames from that time on, so rounding cannot lose the first one.
      const seek = first > 0 ? ['-ss', (probed.videoStart + (first - 0.5) / probed.fps).toFixed(6)] : [];
      const result = await session.exec([
        '-v', 'error', '-hide_banner', ...seek, '-i', input,
        '-map', '0:v:0', ...(probed.steadyFilter ? ['-vf', probed.steadyFilter] : []), '-frames:v', String(count), '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba', output,
      ]);
      try {
        if (result.code !== 0) throw new VivifyError(`${path}: decoding failed at frame ${first} (${lastError(result)})`);
        return await session.readFile(output);
      } finally {
        await session.remove(output);
      }
    });

  let requested = range.start;
  const request = (): Chunk | undefined => {
    if (requested >= end) return undefined;
    const chunk: Chunk = { first: requested, count: Math.min(perChunk, end - requested), bytes: Promise.resolve(new Uint8Array()) };
    chunk.bytes = decode(chunk.first, chunk.count);
    // Read ahead may fail while nobody waits on it yet; the failure surfaces when its frames are asked for.
    chunk.bytes.catch(() => undefined);
    requested += chunk.count;
    return chunk;
  };

  let ahead: Chunk | undefined;
  let current: { bytes: Uint8Array; frames: number; short: boolean } | undefined;
  let used = 0;
  let delivered = 0;
  let closed = false;

  return {
    info,
    async next(): Promise<RgbaImage | undefined> {
      if (closed || delivered >= frameCount) return undefined;
      if (current && used >= current.frames && current.short) {
        throw new VivifyError(`${path}: ends early: decoded ${delivered} of ${frameCount} frames (the file looks truncated or damaged)`);
      }
      if (!current || used >= current.frames) {
        const chunk = ahead ?? request()!;
        current = undefined;
        const bytes = await chunk.bytes;
        const frames = Math.min(chunk.count, Math.floor(bytes.length / frameBytes));
        current = { bytes, frames, short: frames < chunk.count };
        used = 0;
        // Nothing lies past a short chunk: decoding ahead would only fail again.
        ahead = current.short ? undefined : request();
        if (frames === 0) {
          throw new VivifyError(`${path}: ends early: decoded ${delivered} of ${frameCount} frames (the file looks truncated or damaged)`);
        }
      }
      // A copy per frame, as the Node host gives: a consumer may keep or transfer it without pinning the whole chunk.
      const data = current.bytes.slice(used * frameBytes, (used + 1) * frameBytes);
      used++;
      delivered++;
      return { width: info.width, height: info.height, data };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      current = undefined;
      await ahead?.bytes.catch(() => undefined);
      ahead = undefined;
      await release();
    },
  };
}
