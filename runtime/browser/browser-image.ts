import type { RgbaImage } from '../image.ts';

/** Decodes a picture the user gave to RGBA, with its EXIF orientation applied (as sharp does in Node). */
export async function decodeImageBlob(name: string, blob: Blob): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${name}: not a picture the browser can read (JPEG, PNG or WebP)`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: pixels.width, height: pixels.height, data: new Uint8Array(pixels.data.buffer) };
}
