import { describe, expect, it } from 'vitest';
import type { Mask, RgbaImage } from '../image.ts';
import { blendWithMask } from './alpha-blend.ts';

function solid(width: number, height: number, rgba: readonly number[]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let pixel = 0; pixel < width * height; pixel++) data.set(rgba, pixel * 4);
  return { width, height, data };
}

const pixel = (image: RgbaImage, index: number) => Array.from(image.data.subarray(index * 4, index * 4 + 4));

describe('blendWithMask', () => {
  it('takes the background at 0, the layer at 255 and rounds the mix at 128', () => {
    const background = solid(3, 1, [10, 200, 0, 40]);
    const layer = solid(3, 1, [250, 100, 255, 0]);
    const mask: Mask = { width: 3, height: 1, data: new Uint8Array([0, 128, 255]) };
    const result = blendWithMask(background, layer, mask);
    expect(pixel(result, 0)).toEqual([10, 200, 0, 255]);
    // (250*128 + 10*127) / 255 = 130.47, (100*128 + 200*127) / 255 = 149.80, 255*128/255 = 128.
    expect(pixel(result, 1)).toEqual([130, 150, 128, 255]);
    expect(pixel(result, 2)).toEqual([250, 100, 255, 255]);
  });

  it('matches Math.round for every weight and channel pair it is likely to meet', () => {
    const background = solid(256, 1, [0, 255, 77, 255]);
    const layer = solid(256, 1, [255, 0, 201, 255]);
    const mask: Mask = { width: 256, height: 1, data: Uint8Array.from({ length: 256 }, (_, i) => i) };
    const result = blendWithMask(background, layer, mask);
    for (let m = 0; m < 256; m++) {
      const expected = [0, 1, 2].map((c) => Math.round((layer.data[c]! * m + background.data[c]! * (255 - m)) / 255));
      expect(pixel(result, m).slice(0, 3)).toEqual(expected);
    }
  });

  it('blends in place into the background and rejects mismatched sizes', () => {
    const background = solid(2, 2, [0, 0, 0, 255]);
    const layer = solid(2, 2, [100, 100, 100, 255]);
    const mask: Mask = { width: 2, height: 2, data: new Uint8Array([255, 0, 0, 255]) };
    expect(blendWithMask(background, layer, mask, background)).toBe(background);
    expect(pixel(background, 0)).toEqual([100, 100, 100, 255]);
    expect(pixel(background, 1)).toEqual([0, 0, 0, 255]);
    expect(() => blendWithMask(background, solid(3, 2, [0, 0, 0, 0]), mask)).toThrow();
    expect(() => blendWithMask(background, layer, { width: 1, height: 4, data: new Uint8Array(4) })).toThrow();
  });
});
