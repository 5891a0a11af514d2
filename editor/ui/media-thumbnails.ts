import type { MediaPicture } from '../graph/node-media.ts';
import { mediaKind } from '../state/dropped-files.ts';

/** Thumbnails are made at twice the height they are drawn, to stay sharp on high-density screens and when zoomed in. */
const thumbnailHeight = 240;

interface Entry {
  blob: Blob;
  picture?: MediaPicture;
}

/**
 * Small pictures of the files the user gave, for their nodes: a picture scaled down, a video's first frame (the
 * browser's own decoder; a video it cannot play gets no picture, only its name). Each is made once per file, in the
 * background; `ready` is called when one is, so the canvas draws it.
 */
export function createThumbnails(options: { blob(name: string): Blob | undefined; ready(): void }) {
  const made = new Map<string, Entry>();

  async function make(name: string, entry: Entry): Promise<void> {
    try {
      const kind = mediaKind({ name, type: entry.blob.type });
      const picture = kind === 'image' ? await pictureOf(entry.blob) : kind === 'video' ? await firstFrameOf(entry.blob) : undefined;
      // A file replaced meanwhile under the same name has its own entry.
      if (made.get(name) !== entry || !picture) return;
      entry.picture = picture;
      options.ready();
    } catch {
      // Not decodable here: the node shows the file's name alone.
    }
  }

  return {
    /** The picture of the file named `name`, once made; asking starts making it. */
    get(name: string): MediaPicture | undefined {
      if (!name) return undefined;
      const blob = options.blob(name);
      if (!blob) return undefined;
      let entry = made.get(name);
      if (!entry || entry.blob !== blob) {
        entry = { blob };
        made.set(name, entry);
        void make(name, entry);
      }
      return entry.picture;
    },
  };
}

async function pictureOf(blob: Blob): Promise<MediaPicture> {
  // Only the height given: the width follows the picture's own shape (and its EXIF orientation).
  const bitmap = await createImageBitmap(blob, { resizeHeight: thumbnailHeight, resizeQuality: 'medium' });
  return { source: bitmap, width: bitmap.width, height: bitmap.height };
}

async function firstFrameOf(blob: Blob): Promise<MediaPicture> {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.src = URL.createObjectURL(blob);
  try {
    await new Promise<void>((resolve, reject) => {
      video.addEventListener('loadeddata', () => resolve(), { once: true });
      video.addEventListener('error', () => reject(new Error(video.error?.message ?? 'cannot play')), { once: true });
    });
    const height = Math.min(thumbnailHeight, video.videoHeight);
    const width = Math.max(1, Math.round((video.videoWidth * height) / video.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')!.drawImage(video, 0, 0, width, height);
    return { source: canvas, width, height };
  } finally {
    URL.revokeObjectURL(video.src);
    video.removeAttribute('src');
    video.load();
  }
}
