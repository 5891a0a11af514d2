import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { AudioTrack } from '../audio.ts';
import { VivifyError } from '../errors.ts';
import { graphSidecarPath } from '../host.ts';
import { graphMetadata, muxArguments } from '../video-mux.ts';
import { ffmpegBinaries } from './ffmpeg-binaries.ts';
import { PendingFile, checkOutputPath } from './output-file.ts';
import { displayPath } from './paths.ts';
import { watchProcess } from './process-output.ts';

export interface VideoJoin {
  /** MP4 files of one encoder's settings, each starting with an IDR frame, in playing order. */
  chunks: readonly string[];
  path: string;
  /** The driver's audio over the whole joined video, muxed once (chunks carry none, so no gap at a join). */
  audio?: AudioTrack;
  graphJson: string;
  overwrite: boolean;
}

/**
 * Joins video chunks into one MP4 without re-encoding (ffmpeg's concat demuxer, stream copy), muxes the audio and
 * the graph as a render writes them, and writes the graph beside it; nothing is left at the path if it fails.
 */
export async function joinVideoChunks(join: VideoJoin): Promise<void> {
  await checkOutputPath(join.path, join.overwrite);
  const video = new PendingFile(join.path);
  const sidecar = new PendingFile(graphSidecarPath(join.path));
  const list = new PendingFile(`${join.path}.concat.txt`);
  const metadata = new PendingFile(`${join.path}.ffmetadata`);
  try {
    // The concat list's quoting: a quote inside a path closes, escapes and reopens.
    await writeFile(list.temporaryPath, join.chunks.map((chunk) => `file '${chunk.replaceAll("'", "'\\''")}'\n`).join(''));
    await writeFile(metadata.temporaryPath, graphMetadata(join.graphJson));
    const audio = join.audio;
    const args = [
      '-v', 'error', '-nostdin', '-y',
      ...muxArguments({
        videoInput: ['-f', 'concat', '-safe', '0', '-i', list.temporaryPath],
        ...(audio ? { audio: { file: audio.path, start: audio.start, duration: audio.duration, streamIndex: audio.streamIndex } } : {}),
        metadataFile: metadata.temporaryPath,
        videoCodec: ['-c:v', 'copy'],
        output: video.temporaryPath,
      }),
    ];
    const child = spawn(ffmpegBinaries().ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const watched = watchProcess(child);
    const code = await watched.exited;
    if (code !== 0) throw new VivifyError(`${displayPath(join.path)}: joining ${join.chunks.length} chunks failed (${watched.lastError() || 'ffmpeg stopped'})`);
    await writeFile(sidecar.temporaryPath, `${join.graphJson}\n`);
    await video.commit();
    await sidecar.commit();
  } finally {
    await Promise.all([video.discard(), sidecar.discard(), list.discard(), metadata.discard()]);
  }
}
