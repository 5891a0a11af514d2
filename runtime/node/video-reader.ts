import { spawn } from 'node:child_process';
import { VivifyError } from '../errors.ts';
import type { VideoReader } from '../host.ts';
import type { RgbaImage } from '../image.ts';
import { ffmpegBinaries } from './ffmpeg-binaries.ts';
import { displayPath } from './paths.ts';
import { probeVideo } from './probe-media.ts';
import { videoInfoFor } from '../video-probe.ts';
import { watchProcess } from './process-output.ts';

/**
 * Decodes frames `start` to `end` of a video to RGBA through an ffmpeg process. Frames are read from its pipe only
 * as they are asked for, so the pipe's back-pressure keeps at most a few frames in memory whatever the video's length.
 */
export async function openVideoFile(path: string, range: { start: number; end?: number }): Promise<VideoReader> {
  const probed = await probeVideo(path);
  const info = videoInfoFor(displayPath(path), path, probed, range);
  const { frameCount } = info;
  const end = range.start + frameCount;

  const filters = [
    ...(probed.steadyFilter ? [probed.steadyFilter] : []),
    ...(range.start > 0 || end < probed.frameCount ? [`trim=start_frame=${range.start}:end_frame=${end}`] : []),
  ];
  const trim = filters.length > 0 ? ['-vf', filters.join(',')] : [];
  const child = spawn(
    ffmpegBinaries().ffmpeg,
    ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v:0', ...trim, '-vsync', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const watched = watchProcess(child);
  const frameBytes = info.width * info.height * 4;
  const chunks = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let delivered = 0;
  let closed = false;

  const ended = async (): Promise<undefined> => {
    const code = await watched.exited;
    if (closed) return undefined;
    if (code !== 0) {
      throw new VivifyError(`${displayPath(path)}: decoding failed at frame ${range.start + delivered} (${watched.lastError() || `ffmpeg exited with ${code}`})`);
    }
    if (delivered < frameCount) {
      const detail = watched.lastError();
      throw new VivifyError(
        `${displayPath(path)}: ends early: decoded ${delivered} of ${frameCount} frames (the file looks truncated or damaged${detail ? `: ${detail}` : ''})`,
      );
    }
    return undefined;
  };

  return {
    info,
    async next(): Promise<RgbaImage | undefined> {
      if (delivered >= frameCount) return undefined;
      while (bufferedBytes < frameBytes) {
        const chunk = await chunks.next();
        if (chunk.done) return ended();
        buffered.push(chunk.value);
        bufferedBytes += chunk.value.length;
      }
      const data = new Uint8Array(frameBytes);
      let offset = 0;
      const rest: Buffer[] = [];
      for (const chunk of buffered) {
        const take = Math.min(chunk.length, frameBytes - offset);
        if (take > 0) data.set(chunk.subarray(0, take), offset);
        if (take < chunk.length) rest.push(chunk.subarray(take));
        offset += take;
      }
      buffered = rest;
      bufferedBytes -= frameBytes;
      delivered++;
      return { width: info.width, height: info.height, data };
    },
    async close(): Promise<void> {
      closed = true;
      // Unread frames in a paused pipe would hold back the child's 'close' event for ever.
      child.stdout.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await watched.exited.catch(() => undefined);
    },
  };
}
