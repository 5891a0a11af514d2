import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GraphError, UsageError } from '../errors.ts';
import type { GraphDocument } from '../graph/document.ts';
import { type CheckOptions, loadGraph } from '../graph/load.ts';
import { mapFileParams } from '../graph/overrides.ts';
import type { NodeRegistry } from '../registry.ts';
import { ffmpegBinaries } from './ffmpeg-binaries.ts';
import { checkInputFile } from './input-file.ts';
import { displayPath } from './paths.ts';

const videoExtensions = new Set(['.mp4', '.m4v', '.mov']);

/**
 * Reads a graph from a `.json` file, or from the metadata of a video Vivify rendered (the graph travels inside it).
 * Relative file paths in the graph are taken relative to the graph file's folder, so presets carry their media.
 */
export async function readGraphFile(path: string, registry: NodeRegistry, options: CheckOptions = {}): Promise<GraphDocument> {
  await checkInputFile(path);
  const text = videoExtensions.has(extname(path).toLowerCase()) ? await graphTextFromVideo(path) : await readText(path);
  const { document, problems } = loadGraph(text, registry, options);
  if (!document) throw new GraphError(displayPath(path), problems);
  const folder = dirname(resolve(path));
  return mapFileParams(document, registry, (file) => (isAbsolute(file) ? file : resolve(folder, file)));
}

async function readText(path: string): Promise<string> {
  // checkInputFile has ruled out the usual causes; what is left (permissions) is said as the system says it.
  return readFile(path, 'utf8').catch((error: Error) => {
    throw new UsageError(`${displayPath(path)}: ${error.message}`);
  });
}

async function graphTextFromVideo(path: string): Promise<string> {
  const args = ['-v', 'error', '-show_entries', 'format_tags=comment', '-of', 'default=noprint_wrappers=1:nokey=1', path];
  const comment = await promisify(execFile)(ffmpegBinaries().ffprobe, args, { maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout }) => stdout.trim(),
    () => {
      throw new UsageError(`${displayPath(path)}: not a readable video`);
    },
  );
  if (!comment.includes('"vivify.graph"')) throw new UsageError(`${displayPath(path)}: holds no Vivify graph (it was not rendered by Vivify)`);
  return comment;
}
