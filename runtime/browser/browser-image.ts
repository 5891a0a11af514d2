import { type ImageReadOptions, sizeWithin, type StillImage } from '../host.ts';
import type { RgbaImage } from '../image.ts';

/**
 * Decodes a picture the user gave to RGBA, with its EXIF orientation applied (as sharp does in Node); one over
 * `maxPixels` is scaled down to fit, as in Node.
 */
export async function decodeImageBlob(name: string, blob: Blob, options: ImageReadOptions = {}): Promise<StillImage> {
  let bitmap: ImageBitmap;
  const decoding = { imageOrientation: 'from-image', colorSpaceConversion: 'none', premultiplyAlpha: 'none' } as const;
  try {
    bitmap = await createImageBitmap(blob, decoding);
  } catch {
    throw new Error(`${name}: not a picture the browser can read (JPEG, PNG or WebP)`);
  }
  const fit = sizeWithin(bitmap.width, bitmap.height, options.maxPixels);
  const scaledFrom = fit && { width: bitmap.width, height: bitmap.height };
  if (fit) {
    const full = bitmap;
    bitmap = await createImageBitmap(full, { ...decoding, resizeWidth: fit.width, resizeHeight: fit.height, resizeQuality: 'high' });
    full.close();
  }
  return { ...bitmapPixels(bitmap), name, ...(scaledFrom ? { scaledFrom } : {}) };
}

/** A bitmap's RGBA pixels (in the page or a worker); the bitmap is closed. */
export function bitmapPixels(bitmap: ImageBitmap): RgbaImage {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: pixels.width, height: pixels.height, data: new Uint8Array(pixels.data.buffer) };
}
