import { BrowserFiles } from '../../../runtime/browser/browser-files.ts';
import { graphSidecarPath } from '../../../runtime/host.ts';
import { createBrowserVideo } from '../../../runtime/browser/browser-video.ts';
import { openBrowserVideo } from '../../../runtime/browser/browser-video-reader.ts';
import { createBrowserVideoWriter } from '../../../runtime/browser/browser-video-writer.ts';
import { type FfmpegWasm, type FfmpegWasmAssets, createFfmpegLoader } from '../../../runtime/browser/ffmpeg-wasm.ts';
import type { VideoInfo, VideoWriterOptions } from '../../../runtime/host.ts';

/*
 * Drives the browser host's video reader and writer on real ffmpeg.wasm for test/browser/video-io.test.ts. Media
 * arrives as the editor gets it, as Files under their names; results go back as numbers, text or base64.
 */

const files = new BrowserFiles();
let ffmpeg: FfmpegWasm | undefined;

function loaded(): FfmpegWasm {
  if (!ffmpeg) throw new Error('call setUp first');
  return ffmpeg;
}

/** Creates the shared ffmpeg.wasm, registers the media (fetched from `url`, named `name`); returns the load time. */
async function setUp(assets: FfmpegWasmAssets, media: { name: string; url: string }[]): Promise<number> {
  ffmpeg = createFfmpegLoader(assets);
  for (const { name, url } of media) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    files.add(new File([await response.blob()], name));
  }
  const started = performance.now();
  await ffmpeg.run(async () => undefined);
  return performance.now() - started;
}

interface FrameMatch {
  /** Mean absolute difference per channel value against the reference frame of the same index. */
  meanDiff: number;
  psnr: number;
  maxDiff: number;
  /** Channel values more than 8 apart: colour conversion rounds differently between builds, moving pictures differ more. */
  farApart: number;
  /** The same against the reference frames before and after (the fewest): a frame off by one shows up there. */
  farApartFromNeighbours: number;
}

/** Decodes `range` of `name` and compares every frame with the raw RGBA reference frames at `referenceUrl`. */
async function decodeAndCompare(
  name: string,
  range: { start: number; end: number },
  referenceUrl: string,
  chunkFrames?: number,
): Promise<{ info: VideoInfo; matches: FrameMatch[] }> {
  const reference = new Uint8Array(await (await fetch(referenceUrl)).arrayBuffer());
  const reader = await openBrowserVideo(files, loaded(), name, range, chunkFrames === undefined ? {} : { chunkFrames });
  const frameBytes = reader.info.width * reader.info.height * 4;
  const referenceFrame = (index: number) => reference.subarray(index * frameBytes, (index + 1) * frameBytes);
  const matches: FrameMatch[] = [];
  for (let frame = await reader.next(); frame; frame = await reader.next()) {
    const index = matches.length;
    const same = difference(frame.data, referenceFrame(index));
    const neighbours = [index - 1, index + 1].filter((other) => other >= 0 && other < reference.length / frameBytes);
    matches.push({
      meanDiff: same.mean,
      psnr: same.psnr,
      maxDiff: same.max,
      farApart: same.farApart,
      farApartFromNeighbours: Math.min(...neighbours.map((other) => difference(frame.data, referenceFrame(other)).farApart)),
    });
  }
  await reader.close();
  return { info: reader.info, matches };
}

/** Compares RGB only: alpha is 255 in both. */
function difference(a: Uint8Array, b: Uint8Array): { mean: number; psnr: number; max: number; farApart: number } {
  let absolute = 0;
  let max = 0;
  let squared = 0;
  let farApart = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    const d = Math.abs(a[i]! - b[i]!);
    absolute += d;
    squared += d * d;
    if (d > max) max = d;
    if (d > 8) farApart++;
  }
  const values = (a.length / 4) * 3;
  const mse = squared / values;
  return { mean: absolute / values, psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse), max, farApart };
}

/** Re-encodes `range` of `name`, with its audio span, to `output` through the host's video; returns the files made. */
async function reencode(
  name: string,
  range: { start: number; end: number },
  output: string,
  settings: { crf: number; preset: string; graphJson: string; chunkFrames: number },
): Promise<{ video: string; sidecar: string; frames: number }> {
  const video = createBrowserVideo(files, loaded(), { chunkFrames: settings.chunkFrames });
  const reader = await video.openVideo(name, range);
  const writer = await video.createVideoWriter({ ...writerOptions(reader.info, output, settings), audio: reader.info.audio });
  let frames = 0;
  for (let frame = await reader.next(); frame; frame = await reader.next()) {
    await writer.write(frame);
    frames++;
  }
  await reader.close();
  await writer.finish();
  return {
    video: toBase64(new Uint8Array(await files.get(output).arrayBuffer())),
    sidecar: await files.get(graphSidecarPath(output)).text(),
    frames,
  };
}

/** Decode and encode speed at default chunk sizes, each alone: every frame of `name`, then those frames encoded. */
/** Aborts a writer part-way and tries to write over an existing output; reports what was left and the refusals. */
async function abortAndRefuse(name: string): Promise<{ leftVideo: boolean; leftSidecar: boolean; refusal: string; unreadable: string; missing: string }> {
  const reader = await openBrowserVideo(files, loaded(), name, { start: 0, end: 20 });
  const writer = await createBrowserVideoWriter(files, loaded(), {
    ...writerOptions(reader.info, 'aborted.mp4', { crf: 23, preset: 'ultrafast', graphJson: '{}' }),
    audio: reader.info.audio,
  }, { chunkFrames: 8 });
  for (let frame = await reader.next(); frame; frame = await reader.next()) await writer.write(frame);
  await reader.close();
  await writer.abort();

  files.put('taken.mp4', new Blob(['made earlier'], { type: 'video/mp4' }));
  const refusal = await createBrowserVideoWriter(files, loaded(), writerOptions(reader.info, 'taken.mp4', { crf: 23, preset: 'ultrafast', graphJson: '{}' })).then(
    () => 'no error',
    (error: unknown) => String(error),
  );
  files.put('notes.mp4', new Blob(['not a video at all']));
  const unreadable = await openBrowserVideo(files, loaded(), 'notes.mp4', { start: 0 }).then(() => 'no error', (error: unknown) => String(error));
  const missing = await openBrowserVideo(files, loaded(), 'never-given.mp4', { start: 0 }).then(() => 'no error', (error: unknown) => String(error));
  return { leftVideo: files.has('aborted.mp4'), leftSidecar: files.has(graphSidecarPath('aborted.mp4')), refusal, unreadable, missing };
}

/** What readers and writers left in ffmpeg.wasm's file system: nothing, once all are closed, finished or aborted. */
async function workingFiles(): Promise<string[]> {
  return loaded().run(async (session) => (await session.list('/')).filter((entry) => entry.startsWith('vivify-')));
}

function writerOptions(info: VideoInfo, path: string, settings: { crf: number; preset: string; graphJson: string }): VideoWriterOptions {
  return { path, width: info.width, height: info.height, fps: info.fps, crf: settings.crf, preset: settings.preset, overwrite: false, graphJson: settings.graphJson };
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

const api = { setUp, decodeAndCompare, reencode, abortAndRefuse, workingFiles };
export type VideoIoPage = typeof api;
(window as unknown as { videoIo: VideoIoPage }).videoIo = api;
document.title = 'ready';
