import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UsageError, VivifyError } from '../errors.ts';
import { graphSidecarPath, type VideoWriter, type VideoWriterOptions } from '../host.ts';
import type { RgbaImage } from '../image.ts';
import { graphMetadata, muxArguments } from '../video-mux.ts';
import { ffmpegBinaries } from './ffmpeg-binaries.ts';
import { cleanUpAtExit } from './exit-cleanup.ts';
import { PendingFile, checkOutputPath } from './output-file.ts';
import { displayPath } from './paths.ts';
import { watchProcess } from './process-output.ts';

/**
 * Encodes RGBA frames to H.264 (yuv420p) in MP4 through an ffmpeg process, muxes the audio track in from its file,
 * embeds the graph in the MP4's comment tag and writes it beside the video as `<path>.vivify.json`.
 */
export async function createVideoFileWriter(options: VideoWriterOptions): Promise<VideoWriter> {
  if (!['.mp4', '.m4v', '.mov'].includes(extname(options.path).toLowerCase())) {
    throw new UsageError(`${displayPath(options.path)}: Vivify writes MP4 video; name the output .mp4`);
  }
  await checkOutputPath(options.path, options.overwrite);
  const video = new PendingFile(options.path);
  const sidecar = new PendingFile(graphSidecarPath(options.path));
  const metadata = new PendingFile(`${options.path}.ffmetadata`);
  await writeFile(metadata.temporaryPath, graphMetadata(options.graphJson));

  const audio = options.audio;
  // H.264 in yuv420p needs even dimensions: drop the odd last row or column rather than stretch the picture.
  const even = options.width % 2 !== 0 || options.height % 2 !== 0 ? ['-vf', 'crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0'] : [];
  const args = [
    '-v', 'error', '-nostdin', '-y',
    ...muxArguments({
      videoInput: ['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${options.width}x${options.height}`, '-framerate', String(options.fps), '-i', 'pipe:0'],
      ...(audio ? { audio: { file: audio.path, start: audio.start, duration: audio.duration, streamIndex: audio.streamIndex } } : {}),
      metadataFile: metadata.temporaryPath,
      videoCodec: [...even, '-c:v', 'libx264', '-preset', options.preset, '-crf', String(options.crf), '-pix_fmt', 'yuv420p'],
      output: video.temporaryPath,
    }),
  ];
  const child = spawn(ffmpegBinaries().ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const watched = watchProcess(child);
  // An encoder left running would finish its file after the temporary files are removed at exit.
  const releaseChild = cleanUpAtExit(() => child.kill('SIGKILL'));
  void watched.exited.finally(releaseChild).catch(() => undefined);
  let pipeError: Error | undefined;
  child.stdin.on('error', (error) => {
    pipeError = error;
  });
  const frameBytes = options.width * options.height * 4;
  const failure = (what: string) =>
    new VivifyError(`${displayPath(options.path)}: ${what} (${watched.lastError() || pipeError?.message || 'ffmpeg stopped'})`);
  const cleanUp = async () => {
    await Promise.all([video.discard(), sidecar.discard(), metadata.discard()]);
  };

  return {
    async write(frame: RgbaImage): Promise<void> {
      if (frame.width !== options.width || frame.height !== options.height || frame.data.length !== frameBytes) {
        throw new VivifyError(
          `frame is ${frame.width}x${frame.height} but the video was started at ${options.width}x${options.height}`,
        );
      }
      if (pipeError || child.exitCode !== null) throw failure('the encoder stopped');
      if (!child.stdin.write(frame.data)) {
        await Promise.race([once(child.stdin, 'drain'), watched.exited]);
        if (pipeError || child.exitCode !== null) throw failure('the encoder stopped');
      }
    },
    async finish(): Promise<void> {
      child.stdin.end();
      const code = await watched.exited;
      if (code !== 0) {
        await cleanUp();
        throw failure('encoding failed');
      }
      await writeFile(sidecar.temporaryPath, `${options.graphJson}\n`);
      await metadata.discard();
      await video.commit();
      await sidecar.commit();
    },
    async abort(): Promise<void> {
      child.stdin.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await watched.exited.catch(() => undefined);
      await cleanUp();
    },
  };
}
