/*
 * How a Vivify MP4 is put together, the same in both hosts: the video stream, the driver's audio span, and the graph
 * as the file's comment tag (read back by `vivify validate` and the editor's open). Each host only says where its
 * video comes from and how it is coded; the rest of ffmpeg's arguments are made here.
 */

/** The ffmetadata file that carries the graph as the MP4's comment tag. */
export function graphMetadata(graphJson: string): string {
  return `;FFMETADATA1\ncomment=${escapeMetadata(graphJson)}\n`;
}

/** ffmetadata gives `=`, `;`, `#`, `\` and newlines a meaning; a backslash makes them plain. */
function escapeMetadata(value: string): string {
  return value.replace(/[=;#\\\n]/g, (character) => `\\${character}`);
}

export interface MuxRecipe {
  /** ffmpeg's arguments for the video input (input 0). */
  videoInput: string[];
  /** The driver's audio: the file as ffmpeg can open it, the span in seconds, and which of its streams. */
  audio?: { file: string; start: number; duration: number; streamIndex: number };
  /** The ffmetadata file (graphMetadata's text). */
  metadataFile: string;
  /** ffmpeg's arguments for the video codec (encode, or copy). */
  videoCodec: string[];
  output: string;
}

/** ffmpeg's arguments after its global options: video, audio span and metadata in; one MP4 out, ready to stream. */
export function muxArguments(recipe: MuxRecipe): string[] {
  const { audio } = recipe;
  return [
    ...recipe.videoInput,
    ...(audio ? ['-ss', audio.start.toFixed(6), '-t', audio.duration.toFixed(6), '-i', audio.file] : []),
    '-f', 'ffmetadata', '-i', recipe.metadataFile,
    '-map', '0:v:0',
    ...(audio ? ['-map', `1:${audio.streamIndex}`, '-c:a', 'aac', '-b:a', '192k'] : []),
    '-map_metadata', audio ? '2' : '1',
    ...recipe.videoCodec,
    '-movflags', '+faststart',
    '-f', 'mp4', recipe.output,
  ];
}
