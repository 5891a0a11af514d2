import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import type { Rgba } from './blend.ts';
import { CoverageLayer } from './coverage-layer.ts';
import { drawDot, drawLine } from './raster.ts';

const white: Rgba = [255, 255, 255, 255];

function blank(width: number, height: number, background: Rgba = [0, 0, 0, 255]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let pixel = 0; pixel < width * height; pixel++) data.set(background, pixel * 4);
  return { width, height, data };
}

const pixel = (image: RgbaImage, x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

function distanceToSegment(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const along = Math.min(Math.max(((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0), 1);
  return Math.hypot(px - x0 - along * dx, py - y0 - along * dy);
}

describe('drawLine', () => {
  it('fills the row a horizontal 1-pixel line runs along, and nothing beyond its ends', () => {
    const image = blank(20, 10);
    drawLine(image, 2.5, 4.5, 16.5, 4.5, white);
    for (let x = 2; x <= 16; x++) expect(pixel(image, x, 4)).toEqual([255, 255, 255, 255]);
    for (let x = 0; x < 20; x++) {
      expect(pixel(image, x, 3)).toEqual([0, 0, 0, 255]);
      expect(pixel(image, x, 5)).toEqual([0, 0, 0, 255]);
    }
    expect(pixel(image, 0, 4)).toEqual([0, 0, 0, 255]);
    expect(pixel(image, 19, 4)).toEqual([0, 0, 0, 255]);
  });

  it('splits a line on a pixel boundary between the two rows: anti-aliased, not snapped', () => {
    const image = blank(20, 10);
    drawLine(image, 2.5, 5, 16.5, 5, white);
    expect(pixel(image, 8, 4)).toEqual([128, 128, 128, 255]);
    expect(pixel(image, 8, 5)).toEqual([128, 128, 128, 255]);
  });

  it.each([1, 3])('touches pixels along a diagonal of width %d and none farther than its edge', (width) => {
    const image = blank(64, 48);
    const [x0, y0, x1, y1] = [5.2, 7.9, 58.1, 40.3];
    drawLine(image, x0, y0, x1, y1, white, width);
    for (let step = 0; step <= 100; step++) {
      const x = x0 + ((x1 - x0) * step) / 100;
      const y = y0 + ((y1 - y0) * step) / 100;
      expect(pixel(image, Math.floor(x), Math.floor(y))[0]).toBeGreaterThan(width > 1 ? 250 : 60);
    }
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (pixel(image, x, y)[0]! > 0) expect(distanceToSegment(x + 0.5, y + 0.5, x0, y0, x1, y1)).toBeLessThan(width / 2 + 0.5);
      }
    }
  });

  it('blends by the colour alpha', () => {
    const image = blank(10, 10);
    drawLine(image, 0, 5.5, 10, 5.5, [255, 0, 0, 128]);
    expect(pixel(image, 5, 5)).toEqual([128, 0, 0, 255]);
  });

  it('draws hairlines thinner than a pixel fainter rather than not at all', () => {
    const image = blank(10, 10);
    drawLine(image, 0, 5.5, 10, 5.5, white, 0.5);
    expect(pixel(image, 5, 5)[0]).toBe(128);
  });

  it('draws the part of a line that crosses the image from far outside', () => {
    const image = blank(20, 20);
    drawLine(image, -1e6, 10.5, 1e6, 10.5, white);
    for (let x = 0; x < 20; x++) expect(pixel(image, x, 10)).toEqual([255, 255, 255, 255]);
  });

  it('skips lines with NaN or infinite coordinates or widths, and lines entirely outside', () => {
    const image = blank(20, 20);
    const before = image.data.slice();
    drawLine(image, Number.NaN, 1, 10, 10, white);
    drawLine(image, 1, 1, 10, Number.POSITIVE_INFINITY, white);
    drawLine(image, 1, 1, 10, 10, white, Number.NaN);
    drawLine(image, 1, 1, 10, 10, white, 0);
    drawLine(image, -50, -50, -10, 70, white, 4);
    drawLine(image, 30, 25, 1e9, 1e9, white, 4);
    expect(image.data).toEqual(before);
  });
});

describe('drawDot', () => {
  it('covers its centre fully and nothing beyond its radius', () => {
    const image = blank(30, 30);
    drawDot(image, 15.5, 15.5, 4, white);
    expect(pixel(image, 15, 15)).toEqual([255, 255, 255, 255]);
    expect(pixel(image, 18, 15)).toEqual([255, 255, 255, 255]);
    expect(pixel(image, 21, 15)).toEqual([0, 0, 0, 255]);
    expect(pixel(image, 19, 19)).toEqual([0, 0, 0, 255]);
  });

  it('draws a dot half outside the image and skips NaN', () => {
    const image = blank(10, 10);
    drawDot(image, 0, 0, 3, white);
    expect(pixel(image, 0, 0)).toEqual([255, 255, 255, 255]);
    const before = image.data.slice();
    drawDot(image, Number.NaN, 5, 3, white);
    drawDot(image, 5, 5, Number.NaN, white);
    drawDot(image, -100, 5, 3, white);
    expect(image.data).toEqual(before);
  });

  it('blends onto a transparent image without darkening the colour', () => {
    const image = blank(10, 10, [0, 0, 0, 0]);
    drawDot(image, 5, 5, 3, [255, 128, 0, 128]);
    expect(pixel(image, 5, 5)).toEqual([255, 128, 0, 128]);
  });
});

describe('CoverageLayer', () => {
  it('keeps one even tone where translucent strokes overlap', () => {
    const image = blank(20, 20);
    const layer = new CoverageLayer(20, 20);
    layer.addLine(0, 10.5, 20, 10.5, 1);
    layer.addLine(10.5, 0, 10.5, 20, 1);
    layer.addDot(10.5, 10.5, 1);
    layer.paint(image, [255, 255, 255, 100]);
    expect(pixel(image, 10, 10)).toEqual(pixel(image, 3, 10));
    expect(pixel(image, 3, 10)).toEqual([100, 100, 100, 255]);
  });
});
