import type { Host } from '../host.ts';
import type { BrowserFiles } from './browser-files.ts';
import { type BrowserVideoReaderTuning, openBrowserVideo } from './browser-video-reader.ts';
import { type BrowserVideoWriterTuning, createBrowserVideoWriter } from './browser-video-writer.ts';
import type { FfmpegWasm } from './ffmpeg-wasm.ts';
import { readBrowserAudio } from './browser-audio.ts';

/** The host's video in and out (and audio in) over the user's files and one shared ffmpeg.wasm: what `createBrowserHost` takes as `video`. */
export function createBrowserVideo(
  files: BrowserFiles,
  ffmpeg: FfmpegWasm,
  tuning: BrowserVideoReaderTuning & BrowserVideoWriterTuning = {},
): Pick<Host, 'openVideo' | 'createVideoWriter' | 'readAudio'> {
  return {
    openVideo: (path, range) => openBrowserVideo(files, ffmpeg, path, range, tuning),
    createVideoWriter: (options) => createBrowserVideoWriter(files, ffmpeg, options, tuning),
    readAudio: (path, options) => readBrowserAudio(files, ffmpeg, path, options),
  };
}
