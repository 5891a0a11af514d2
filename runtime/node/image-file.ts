import { access } from 'node:fs/promises';
import sharp from 'sharp';
import { UsageError } from '../errors.ts';
import type { RgbaImage } from '../image.ts';
import { writeOutputFile } from './output-file.ts';
import { displayPath } from './paths.ts';

/** Decodes JPEG, PNG, WebP, AVIF, TIFF or GIF (first frame) to RGBA, turned upright by its EXIF orientation. */
export async function readImageFile(path: string): Promise<RgbaImage> {
  await access(path).catch(() => {
    throw new UsageError(`${displayPath(path)}: no such file`);
  });
  try {
    const { data, info } = await sharp(path, { failOn: 'error' }).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]!.replace(/^Input file /, '') : String(error);
    throw new UsageError(`${displayPath(path)}: not a readable image (${reason})`);
  }
}

/** Encodes RGBA as PNG and writes it through a temporary file. */
export async function writePngFile(path: string, image: RgbaImage, overwrite: boolean): Promise<void> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
  await writeOutputFile(path, png, overwrite);
}
