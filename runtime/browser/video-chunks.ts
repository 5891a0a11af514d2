/**
 * ffmpeg.wasm cannot stream frames out of a running command, so the browser host decodes and encodes a run of frames
 * per command. A chunk is held whole in memory (frames x width x height x 4 bytes), so its size is set by bytes; each
 * decoding command also decodes again from the keyframe before its first frame, which longer chunks pay less often.
 */
const chunkBytes = 48 * 1024 * 1024;
/** A cap for small frames, where 48 MB would hold hundreds: memory matters more than the little longer runs save. */
const mostFrames = 60;

/** Frames per ffmpeg command for frames of `width` x `height`: `requested` where given, else what fits in 48 MB. */
export function framesPerChunk(width: number, height: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  return Math.max(1, Math.min(mostFrames, Math.floor(chunkBytes / (width * height * 4))));
}

/** A name safe inside ffmpeg.wasm's file system and on its command line, keeping the extension ffmpeg may need. */
export function safeFileName(name: string, stem: string): string {
  const extension = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
  return `${stem}${extension.toLowerCase()}`;
}
