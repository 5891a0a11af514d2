import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { paintMouthCavity } from './mouth-cavity.ts';
import { fillPolygonMask } from './polygon-mask.ts';

type Rgb = [number, number, number];
const skin: Rgb = [222, 178, 148];
const lip: Rgb = [178, 92, 88];
const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;

const WIDTH = 200;
const HEIGHT = 120;
const CENTRE_X = 100;
const CENTRE_Y = 60;

/** x,y pairs around an ellipse, clockwise on screen starting at the right corner. */
function ellipse(radiusX: number, radiusY: number, points = 48): number[] {
  const out: number[] = [];
  for (let i = 0; i < points; i++) {
    const angle = (i / points) * 2 * Math.PI;
    out.push(CENTRE_X + radiusX * Math.cos(angle), CENTRE_Y + radiusY * Math.sin(angle));
  }
  return out;
}

/** The upper half of the same ellipse, left corner to right corner. */
function upperArc(radiusX: number, radiusY: number, points = 24): number[] {
  const out: number[] = [];
  for (let i = 0; i <= points; i++) {
    const angle = Math.PI + (i / points) * Math.PI;
    out.push(CENTRE_X + radiusX * Math.cos(angle), CENTRE_Y + radiusY * Math.sin(angle));
  }
  return out;
}

/** Skin with a lip-coloured mouth: what a warped painting shows between parting lips. */
function face(skinColor: Rgb = skin, lipColor: Rgb = lip): RgbaImage {
  const data = new Uint8Array(WIDTH * HEIGHT * 4);
  const lips = fillPolygonMask(WIDTH, HEIGHT, ellipse(44, 24));
  for (let pixel = 0; pixel < WIDTH * HEIGHT; pixel++) {
    const share = lips.data[pixel]! / 255;
    for (let c = 0; c < 3; c++) data[pixel * 4 + c] = Math.round(skinColor[c]! * (1 - share) + lipColor[c]! * share);
    data[pixel * 4 + 3] = 255;
  }
  return { width: WIDTH, height: HEIGHT, data };
}

function paint(openness: number, radiusY = 15, skinColor: Rgb = skin, lipColor: Rgb = lip): RgbaImage {
  const image = face(skinColor, lipColor);
  paintMouthCavity(image, ellipse(30, radiusY), { upperLip: upperArc(30, radiusY), lipColor, skinColor, openness });
  return image;
}

/** Mean luminance of each row's pixels that are fully inside the polygon. */
function rowLuminance(image: RgbaImage, radiusY: number): Map<number, number> {
  const inside = fillPolygonMask(WIDTH, HEIGHT, ellipse(30, radiusY));
  const rows = new Map<number, number>();
  for (let y = 0; y < HEIGHT; y++) {
    let total = 0;
    let count = 0;
    for (let x = 0; x < WIDTH; x++) {
      if (inside.data[y * WIDTH + x] !== 255) continue;
      const at = (y * WIDTH + x) * 4;
      total += luma(image.data[at]!, image.data[at + 1]!, image.data[at + 2]!);
      count++;
    }
    if (count > 0) rows.set(y, total / count);
  }
  return rows;
}

describe('paintMouthCavity', () => {
  it.each([0.4, 0.9])('paints a cavity much darker than the lips below the teeth (openness %d)', (openness) => {
    const rows = rowLuminance(paint(openness), 15);
    // The polygon spans rows 45-74; the teeth hang at most 10 pixels (a sixth of the 60 px width) from the top.
    const cavity = [...rows].filter(([y]) => y >= 57);
    const mean = cavity.reduce((sum, [, value]) => sum + value, 0) / cavity.length;
    expect(mean).toBeLessThan(0.5 * luma(...lip));
  });

  it('puts the brightest band, the teeth, in the upper part of the opening, lighter than the lips but not white', () => {
    for (const openness of [0.4, 0.9]) {
      const image = paint(openness);
      const rows = [...rowLuminance(image, 15)];
      const [brightestRow, brightest] = rows.reduce((best, row) => (row[1] > best[1] ? row : best));
      expect(brightestRow).toBeGreaterThan(45);
      expect(brightestRow).toBeLessThan(56);
      expect(brightest).toBeGreaterThan(luma(...lip) + 40);
      // Not pure white: an ivory tinted by the warm skin (more red than blue).
      const at = (brightestRow * WIDTH + CENTRE_X + 3) * 4;
      expect(Math.max(image.data[at]!, image.data[at + 1]!, image.data[at + 2]!)).toBeLessThan(245);
      expect(image.data[at]!).toBeGreaterThan(image.data[at + 2]! + 15);
    }
  });

  it('leaves every pixel outside the polygon as it was', () => {
    const before = face();
    const after = paint(0.9);
    const inside = fillPolygonMask(WIDTH, HEIGHT, ellipse(30, 15));
    let changed = 0;
    for (let pixel = 0; pixel < WIDTH * HEIGHT; pixel++) {
      const same = [0, 1, 2, 3].every((c) => after.data[pixel * 4 + c] === before.data[pixel * 4 + c]);
      if (inside.data[pixel] === 0) expect(same).toBe(true);
      else if (!same) changed++;
    }
    expect(changed).toBeGreaterThan(1000);
  });

  it('changes nothing when closed or given unusable input', () => {
    const untouched = face().data;
    // Buffer comparison: toEqual walks 96,000 bytes one by one, slowly.
    const same = (data: Uint8Array) => Buffer.from(data).equals(Buffer.from(untouched));
    expect(same(paint(0).data)).toBe(true);
    expect(same(paint(-0.5).data)).toBe(true);
    expect(same(paint(Number.NaN).data)).toBe(true);
    const image = face();
    paintMouthCavity(image, [1, 2, Number.NaN, 4, 5, 6], { upperLip: [], lipColor: lip, skinColor: skin, openness: 1 });
    paintMouthCavity(image, [10, 10, 20, 10], { upperLip: [], lipColor: lip, skinColor: skin, openness: 1 });
    paintMouthCavity(image, [-50, -50, -10, -50, -10, -10], { upperLip: [], lipColor: lip, skinColor: skin, openness: 1 });
    expect(same(image.data)).toBe(true);
  });

  it('fades in over the first small openings instead of popping on', () => {
    const before = face();
    const difference = (image: RgbaImage) => image.data.reduce((sum, value, i) => sum + Math.abs(value - before.data[i]!), 0);
    const faint = difference(paint(0.03));
    const full = difference(paint(0.3));
    expect(faint).toBeGreaterThan(0);
    expect(faint).toBeLessThan(full * 0.3);
  });

  it('shows a hint of tongue low in a wide-open mouth only', () => {
    const lowerRedness = (image: RgbaImage) => {
      let total = 0;
      for (let y = 66; y < 72; y++) for (let x = 90; x < 110; x++) total += image.data[(y * WIDTH + x) * 4]!;
      return total / 120;
    };
    expect(lowerRedness(paint(0.9))).toBeGreaterThan(lowerRedness(paint(0.35)) + 15);
  });

  it('takes its tones from the painting: darker skin gives darker teeth', () => {
    const brightest = (image: RgbaImage) => Math.max(...rowLuminance(image, 15).values());
    const pale = brightest(paint(0.6));
    const dark = brightest(paint(0.6, 15, [150, 105, 72], [128, 62, 50]));
    expect(dark).toBeLessThan(pale - 30);
  });

  it('paints a mouth partly outside the image without throwing', () => {
    const image = face();
    const shifted = ellipse(30, 15).map((value, i) => (i % 2 === 0 ? value + 90 : value));
    const upper = upperArc(30, 15).map((value, i) => (i % 2 === 0 ? value + 90 : value));
    paintMouthCavity(image, shifted, { upperLip: upper, lipColor: lip, skinColor: skin, openness: 0.8 });
    expect(image.data[(60 * WIDTH + 195) * 4]!).toBeLessThan(100);
  });
});
