import sharp from 'sharp';
import { UsageError } from '../errors.ts';
import { type ImageReadOptions, sizeWithin, type StillImage } from '../host.ts';
import type { RgbaImage } from '../image.ts';
import { checkInputFile } from './input-file.ts';
import { writeOutputFile } from './output-file.ts';
import { displayPath } from './paths.ts';

/**
 * Decodes JPEG, PNG, WebP, AVIF, TIFF or GIF (first frame) to RGBA, turned upright by its EXIF orientation. The size
 * is read from the header first: a picture over `maxPixels` is scaled down as it is decoded (a JPEG decodes at a
 * fraction of its size), so a huge scan never fills the memory.
 */
export async function readImageFile(path: string, options: ImageReadOptions = {}): Promise<StillImage> {
  await checkInputFile(path);
  try {
    const header = await sharp(path, { failOn: 'error' }).metadata();
    // Orientations 5 to 8 turn the picture a quarter: its upright width is the stored height.
    const turned = (header.orientation ?? 1) >= 5;
    const width = (turned ? header.height : header.width) ?? 0;
    const height = (turned ? header.width : header.height) ?? 0;
    const fit = sizeWithin(width, height, options.maxPixels);
    let decoder = sharp(path, { failOn: 'error' }).rotate();
    if (fit) decoder = decoder.resize(fit.width, fit.height, { fit: 'fill', kernel: 'lanczos3' });
    const { data, info } = await decoder.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const image: StillImage = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), name: displayPath(path) };
    if (fit) image.scaledFrom = { width, height };
    return image;
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
