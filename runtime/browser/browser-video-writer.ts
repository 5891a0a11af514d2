import { UsageError, VivifyError } from '../errors.ts';
import { graphSidecarPath, type VideoWriter, type VideoWriterOptions } from '../host.ts';
import type { RgbaImage } from '../image.ts';
import { graphMetadata, muxArguments } from '../video-mux.ts';
import type { BrowserFiles } from './browser-files.ts';
import { checkBrowserOutputPath } from './browser-output-path.ts';
import { type FfmpegSession, type FfmpegWasm, lastError } from './ffmpeg-wasm.ts';
import { framesPerChunk, safeFileName } from './video-chunks.ts';

export interface BrowserVideoWriterTuning {
  /** Frames encoded per ffmpeg command; by default as many as fit in 48 MB (at most 60). */
  chunkFrames?: number;
}

/**
 * Encodes RGBA frames to H.264 (yuv420p) in MP4 with ffmpeg.wasm, as the Node host does: a chunk of frames per command
 * into its own segment, encoded while the next chunk fills, so memory holds two chunks at most. `finish` joins the
 * segments without re-encoding, muxes in the audio span from its file, embeds the graph in the comment tag, and only
 * then puts the video (and the graph beside it, as `<name>.vivify.json`) among the files; `abort` leaves nothing.
 */
export async function createBrowserVideoWriter(
  files: BrowserFiles,
  ffmpeg: FfmpegWasm,
  options: VideoWriterOptions,
  tuning: BrowserVideoWriterTuning = {},
): Promise<VideoWriter> {
  const name = options.path;
  if (!/\.(mp4|m4v|mov)$/i.test(name)) throw new UsageError(`${name}: Vivify writes MP4 video; name the output .mp4`);
  checkBrowserOutputPath(files, name, options.overwrite);
  const dir = ffmpeg.uniqueDir('write');
  await ffmpeg.run((session) => session.makeDir(dir));

  const frameBytes = options.width * options.height * 4;
  const perChunk = framesPerChunk(options.width, options.height, tuning.chunkFrames);
  // H.264 in yuv420p needs even dimensions: drop the odd last row or column rather than stretch the picture.
  const even = options.width % 2 !== 0 || options.height % 2 !== 0 ? ['-vf', 'crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0'] : [];
  const segments: string[] = [];
  let buffer: Uint8Array | undefined;
  let buffered = 0;
  let encoding: Promise<void> = Promise.resolve();
  let failure: unknown;
  let state: 'open' | 'finished' | 'aborted' = 'open';

  const encode = (segment: string, pixels: Uint8Array) =>
    ffmpeg.run(async (session) => {
      const raw = `${dir}/chunk.rgba`;
      await session.writeFile(raw, pixels);
      try {
        const result = await session.exec([
          '-v', 'error', '-hide_banner',
          '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${options.width}x${options.height}`, '-framerate', String(options.fps), '-i', raw,
          ...even,
          // Bare H.264 segments join byte by byte and the final mux stamps frame n at n / fps exactly. A bare stream
          // carries no presentation times, so frames must not be reordered: no B-frames (some 10 % more bits).
          '-c:v', 'libx264', '-preset', options.preset, '-crf', String(options.crf), '-bf', '0', '-pix_fmt', 'yuv420p',
          '-f', 'h264', segment,
        ]);
        if (result.code !== 0) throw new VivifyError(`${name}: encoding failed (${lastError(result)})`);
      } finally {
        await session.remove(raw);
      }
    });

  /** Waits for the segment being encoded; rethrows its failure. */
  const settle = async () => {
    await encoding;
    if (failure) throw failure;
  };

  /** Starts encoding the buffered frames once the previous segment is done (ffmpeg.wasm takes one command at a time). */
  const flush = async () => {
    if (!buffer || buffered === 0) return;
    const pixels = buffer.subarray(0, buffered * frameBytes);
    buffer = undefined;
    buffered = 0;
    await settle();
    const segment = `${dir}/segment-${String(segments.length).padStart(5, '0')}.h264`;
    segments.push(segment);
    encoding = encode(segment, pixels).catch((error: unknown) => {
      failure = error;
    });
  };

  const cleanUp = () =>
    ffmpeg.run(async (session) => {
      await session.unmount(`${dir}/audio`);
      await session.removeDir(dir);
    });

  return {
    async write(frame: RgbaImage): Promise<void> {
      if (state !== 'open') throw new VivifyError(`${name}: the video is already ${state}`);
      if (frame.width !== options.width || frame.height !== options.height || frame.data.length !== frameBytes) {
        throw new VivifyError(`frame is ${frame.width}x${frame.height} but the video was started at ${options.width}x${options.height}`);
      }
      if (failure) throw failure;
      // A fresh buffer per chunk: handing it to ffmpeg.wasm's worker transfers (detaches) it.
      buffer ??= new Uint8Array(perChunk * frameBytes);
      buffer.set(frame.data, buffered * frameBytes);
      buffered++;
      if (buffered === perChunk) await flush();
    },
    async finish(): Promise<void> {
      if (state !== 'open') throw new VivifyError(`${name}: the video is already ${state}`);
      state = 'finished';
      try {
        await flush();
        await settle();
        if (segments.length === 0) throw new VivifyError(`${name}: no frames were written`);
        const video = await ffmpeg.run((session) => joinSegments(session, files, { dir, segments, options }));
        files.put(name, new Blob([video], { type: 'video/mp4' }));
        files.put(graphSidecarPath(name), new Blob([`${options.graphJson}\n`], { type: 'application/json' }));
      } finally {
        await cleanUp();
      }
    },
    async abort(): Promise<void> {
      if (state !== 'open') return;
      state = 'aborted';
      buffer = undefined;
      await encoding;
      await cleanUp();
    },
  };
}

/** Joins the segments without re-encoding, muxes the audio span in and adds the graph as the comment tag. */
async function joinSegments(
  session: FfmpegSession,
  files: BrowserFiles,
  { dir, segments, options }: { dir: string; segments: string[]; options: VideoWriterOptions },
): Promise<Uint8Array<ArrayBuffer>> {
  const metadata = `${dir}/metadata.txt`;
  const output = `${dir}/output.mp4`;
  await session.writeFile(metadata, graphMetadata(options.graphJson));
  const audio = options.audio;
  const audioFile = audio ? await session.mountBlob(`${dir}/audio`, safeFileName(audio.path, 'audio'), files.get(audio.path)) : undefined;
  const result = await session.exec([
    '-v', 'error', '-hide_banner',
    ...muxArguments({
      // Each segment starts with its own parameter sets and a key frame; frame n is stamped n / fps, as in Node.
      videoInput: ['-f', 'h264', '-framerate', String(options.fps), '-i', `concat:${segments.join('|')}`],
      ...(audio && audioFile ? { audio: { file: audioFile, start: audio.start, duration: audio.duration, streamIndex: audio.streamIndex } } : {}),
      metadataFile: metadata,
      videoCodec: ['-c:v', 'copy'],
      output,
    }),
  ]);
  if (result.code !== 0) throw new VivifyError(`${options.path}: encoding failed (${lastError(result)})`);
  const bytes = await session.readFile(output);
  // The worker hands over a buffer of its own, never a shared one: a Blob can take it as it is.
  return bytes as Uint8Array<ArrayBuffer>;
}
