import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/cli.ts';
import { readImageFile } from './image-file.ts';

/** A 3x2 picture with a red top-left pixel and a blue bottom-right one, the rest white. */
async function marked(format: 'jpeg' | 'png' | 'webp', orientation?: number): Promise<Buffer> {
  const pixels = Buffer.alloc(3 * 2 * 3, 255);
  pixels.set([255, 0, 0], 0);
  pixels.set([0, 0, 255], (2 * 3 - 1) * 3);
  let image = sharp(pixels, { raw: { width: 3, height: 2, channels: 3 } });
  if (orientation) image = image.withMetadata({ orientation });
  return image.toFormat(format, format === 'png' ? {} : { quality: 100, lossless: format === 'webp' }).toBuffer();
}

const pixel = (image: { width: number; data: Uint8Array }, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

describe('readImageFile', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => dir.remove());

  it.each(['png', 'webp', 'jpeg'] as const)('reads %s as RGBA', async (format) => {
    const path = join(dir.path, `plain.${format}`);
    await writeFile(path, await marked(format));
    const image = await readImageFile(path);
    expect([image.width, image.height, image.data.length]).toEqual([3, 2, 24]);
    if (format !== 'jpeg') {
      expect(pixel(image, 0, 0)).toEqual([255, 0, 0, 255]);
      expect(pixel(image, 2, 1)).toEqual([0, 0, 255, 255]);
    }
  });

  it('turns a photo upright by its EXIF orientation', async () => {
    // Orientation 6: the stored picture must be turned 90 degrees clockwise to be shown.
    const path = join(dir.path, 'turned.png');
    await writeFile(path, await marked('png', 6));
    const image = await readImageFile(path);
    expect([image.width, image.height]).toEqual([2, 3]);
    expect(pixel(image, 1, 0)).toEqual([255, 0, 0, 255]);
    expect(pixel(image, 0, 2)).toEqual([0, 0, 255, 255]);
  });

  it('names the file where it is missing or not an image', async () => {
    await expect(readImageFile(join(dir.path, 'none.png'))).rejects.toThrow(/none\.png: no such file$/);
    const text = join(dir.path, 'text.png');
    await writeFile(text, 'hello');
    await expect(readImageFile(text)).rejects.toThrow(/text\.png: not a readable image \(.*\)$/);
  });

  it('scales a picture over maxPixels down as it reads it, upright, and says from what size', async () => {
    // 3000x2000 stored, orientation 6: upright it is 2000x3000, 6 megapixels.
    const path = join(dir.path, 'large.jpg');
    const stored = sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 200, g: 120, b: 40 } } }).withMetadata({ orientation: 6 });
    await writeFile(path, await stored.jpeg().toBuffer());
    const image = await readImageFile(path, { maxPixels: 1_500_000 });
    expect(image.scaledFrom).toEqual({ width: 2000, height: 3000 });
    expect([image.width, image.height]).toEqual([1000, 1500]);
    expect(image.data.length).toBe(1000 * 1500 * 4);
    const small = await readImageFile(path, { maxPixels: 6_000_000 });
    expect(small.scaledFrom).toBeUndefined();
    expect([small.width, small.height]).toEqual([2000, 3000]);
  });

  it('refuses a named pipe (which would block the read) and a folder, in one sentence', async () => {
    const fifo = join(dir.path, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    await expect(readImageFile(fifo)).rejects.toThrow(/pipe\.png: is a named pipe \(FIFO\), not a regular file; Vivify reads media and graphs from files$/);
    await expect(readImageFile(dir.path)).rejects.toThrow(/: is a folder, not a file$/);
  });
});
