import { describe, expect, it } from 'vitest';
import { eyeContours } from '../face-topology.ts';
import type { RgbaImage } from '../image.ts';
import { moveIrises, paintedIrises } from './gaze.ts';

const skin = [200, 160, 140];
const sclera = [240, 238, 232];
const irisColour = [50, 35, 30];

/** The eye: corners at x 50 and 150 on y 60, lids `half` pixels above and below the middle at most. */
const lid = (x: number, half: number) => half * (1 - ((x - 100) / 50) ** 2);

/** A 200x120 skin-coloured picture with a white almond eye and a dark iris disc of radius 14 at (irisX, 60). */
function picture(irisX = 100): RgbaImage {
  const width = 200;
  const height = 120;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [px, py] = [x + 0.5, y + 0.5];
      const inEye = px > 50 && px < 150 && Math.abs(py - 60) < lid(px, 20);
      const inIris = Math.hypot(px - irisX, py - 60) < 14;
      data.set([...(inEye ? (inIris ? irisColour : sclera) : skin), 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/**
 * Landmarks for the first eye of `eyeContours` (the second is left at 0, too small to move): lids `half` pixels
 * from the middle, the iris landmarks at (irisX, 60) with radius 12, a little small as they often are on paintings.
 */
function landmarks(half = 20, irisX = 100): Float32Array {
  const points = new Float32Array(478 * 3);
  const set = (index: number, x: number, y: number) => points.set([x, y, 0], index * 3);
  const { upper, lower } = eyeContours[0];
  upper.forEach((index, i) => {
    const x = 50 + (100 * i) / (upper.length - 1);
    set(index, x, 60 - lid(x, half));
  });
  lower.forEach((index, i) => {
    const x = 150 - (100 * (i + 1)) / (lower.length + 1);
    set(index, x, 60 + lid(x, half));
  });
  set(468, irisX, 60);
  [
    [12, 0],
    [0, -12],
    [-12, 0],
    [0, 12],
  ].forEach(([dx, dy], i) => set(469 + i, irisX + dx!, 60 + dy!));
  return points;
}

/** Centroid of the iris-dark pixels. */
function darkCentre(image: RgbaImage): { x: number; y: number } {
  let [sx, sy, n] = [0, 0, 0];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[(y * image.width + x) * 4]! < 120) [sx, sy, n] = [sx + x + 0.5, sy + y + 0.5, n + 1];
    }
  }
  return { x: sx / n, y: sy / n };
}


describe('paintedIrises', () => {
  it('finds the painted iris where the landmarks put it off-centre and too small', () => {
    const [iris, other] = paintedIrises(picture(100), landmarks(20, 103));
    expect(iris!.centre.x).toBeCloseTo(100, 0);
    expect(iris!.centre.y).toBeCloseTo(60, 0);
    expect(iris!.radius).toBeGreaterThan(13);
    expect(iris!.radius).toBeLessThan(15.5);
    expect(other).toBeUndefined();
  });

  it('finds the painted lids where the landmarks sit inside them', () => {
    const [onLids] = paintedIrises(picture(), landmarks(20));
    expect(Math.abs(onLids!.lidOffsets[0])).toBeLessThan(1);
    expect(Math.abs(onLids!.lidOffsets[1])).toBeLessThan(1);
    const [inside] = paintedIrises(picture(), landmarks(17));
    expect(inside!.lidOffsets[0]).toBeLessThan(-1);
    expect(inside!.lidOffsets[1]).toBeGreaterThan(1);
  });

  it('paints the iris out of the eyeball with the sclera round it', () => {
    const [iris] = paintedIrises(picture(), landmarks());
    const { crop, eyeball } = iris!;
    const at = ((60 - crop.top) * crop.width + (100 - crop.left)) * 3;
    expect(Array.from(eyeball.subarray(at, at + 3), Math.round)).toEqual(sclera);
  });

  it('gives up on an eye painted nearly shut', () => {
    expect(paintedIrises(picture(), landmarks(4))[0]).toBeUndefined();
  });

  it('leaves an eye that shows no white beside its iris as painted (a slit, a statue)', () => {
    // A dark slit 30 pixels wide and 6 high, as s6's terracotta eyes: nothing to fill an iris's place from.
    const image = picture();
    const narrow = (x: number) => (x - 100) / 0.3 + 100;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const [px, py] = [x + 0.5, y + 0.5];
        const inSlit = px > 85 && px < 115 && Math.abs(py - 60) < lid(narrow(px), 3);
        image.data.set([...(inSlit ? irisColour : skin), 255], (y * image.width + x) * 4);
      }
    }
    const points = landmarks(3);
    for (let i = 0; i < 478; i++) points[i * 3] = 100 + (points[i * 3]! - 100) * 0.3;
    expect(paintedIrises(image, points)[0]).toBeUndefined();
  });
});

describe('moveIrises', () => {
  const points = landmarks();
  const irises = paintedIrises(picture(), points);

  it('moves the iris along the eye by the gaze in eye widths, and nothing away from the eye', () => {
    const before = picture();
    const frame = picture();
    moveIrises(frame, irises, points, [{ x: 0.2, y: 0 }]);
    const centre = darkCentre(frame);
    expect(centre.x).toBeCloseTo(120, 0);
    expect(centre.y).toBeCloseTo(60, 0);
    // The moved iris is a whole disc, not smeared: about as many dark pixels as before.
    const dark = (image: RgbaImage) => image.data.filter((value, i) => i % 4 === 0 && value < 120).length;
    expect(dark(frame)).toBeGreaterThan(0.9 * dark(before));
    expect(dark(frame)).toBeLessThan(1.1 * dark(before));
    // Outside the lids the skin stays as painted: exactly, past the pixel-wide feather at the lid line.
    let changed = 0;
    let outside = 0;
    for (let y = 0; y < frame.height; y++) {
      for (let x = 0; x < frame.width; x++) {
        const fromLid = Math.abs(y + 0.5 - 60) - lid(x + 0.5, 20);
        if (fromLid <= 0 && x + 0.5 > 50 && x + 0.5 < 150) continue;
        const at = (y * frame.width + x) * 4;
        const difference = Math.abs(frame.data[at]! - before.data[at]!) + Math.abs(frame.data[at + 1]! - before.data[at + 1]!);
        if (fromLid > 3) expect(difference).toBe(0);
        outside++;
        if (difference > 10) changed++;
      }
    }
    expect(changed / outside).toBeLessThan(0.002);
  });

  it('moves it the other way and down as asked', () => {
    const frame = picture();
    moveIrises(frame, irises, points, [{ x: -0.15, y: 0 }]);
    expect(darkCentre(frame).x).toBeCloseTo(85, 0);
    const lowered = picture();
    moveIrises(lowered, irises, points, [{ x: 0, y: 0.1 }]);
    expect(darkCentre(lowered).y).toBeGreaterThan(65);
    expect(darkCentre(lowered).x).toBeCloseTo(100, 0);
  });

  it('keeps the iris inside the eye however far the gaze goes', () => {
    const frame = picture();
    moveIrises(frame, irises, points, [{ x: 0.6, y: 0 }]);
    // The corner is at 150 and the iris's radius 14.
    expect(darkCentre(frame).x).toBeLessThan(140);
    expect(darkCentre(frame).x).toBeGreaterThan(115);
  });

  it('leaves the eye as it was for no gaze, nearly so for a tiny one, and a closed eye alone', () => {
    const same = (a: RgbaImage, b: RgbaImage) => Buffer.compare(a.data, b.data) === 0;
    const frame = picture();
    moveIrises(frame, irises, points, [{ x: 0, y: 0 }]);
    expect(same(frame, picture())).toBe(true);
    // Redrawn from the layers, the eye comes back as painted bar the anti-aliased rims.
    const redrawn = picture();
    moveIrises(redrawn, irises, points, [{ x: 0.001, y: 0 }]);
    const painted = picture();
    let total = 0;
    for (let i = 0; i < redrawn.data.length; i++) total += Math.abs(redrawn.data[i]! - painted.data[i]!);
    expect(total / (Math.PI * 50 * 20 * 3)).toBeLessThan(1);
    const closed = picture();
    moveIrises(closed, irises, landmarks(1), [{ x: 0.2, y: 0 }]);
    expect(same(closed, picture())).toBe(true);
  });

  it('follows the eye where the face has moved and turned', () => {
    // The same eye rotated 20 degrees about (100, 60) and moved 10 px right, in picture and landmarks alike.
    const angle = (20 * Math.PI) / 180;
    const turn = (x: number, y: number) => ({
      x: 110 + (x - 100) * Math.cos(angle) - (y - 60) * Math.sin(angle),
      y: 60 + (x - 100) * Math.sin(angle) + (y - 60) * Math.cos(angle),
    });
    const flat = picture();
    const turned: RgbaImage = { width: 200, height: 120, data: new Uint8Array(flat.data.length) };
    for (let y = 0; y < 120; y++) {
      for (let x = 0; x < 200; x++) {
        // Inverse rotation, nearest pixel: a sharp picture is all this needs.
        const dx = x + 0.5 - 110;
        const dy = y + 0.5 - 60;
        const sx = Math.floor(100 + dx * Math.cos(angle) + dy * Math.sin(angle));
        const sy = Math.floor(60 - dx * Math.sin(angle) + dy * Math.cos(angle));
        const from = sx >= 0 && sy >= 0 && sx < 200 && sy < 120 ? (sy * 200 + sx) * 4 : 0;
        turned.data.set(flat.data.subarray(from, from + 4), (y * 200 + x) * 4);
      }
    }
    const target = Float32Array.from(points);
    for (let i = 0; i < 478; i++) {
      const p = turn(points[i * 3]!, points[i * 3 + 1]!);
      target.set([p.x, p.y], i * 3);
    }
    moveIrises(turned, irises, target, [{ x: 0.2, y: 0 }]);
    const expected = turn(120, 60);
    const centre = darkCentre(turned);
    expect(Math.hypot(centre.x - expected.x, centre.y - expected.y)).toBeLessThan(1.5);
  });

  it('leaves an eye too small to take apart as painted', () => {
    // The same eye squeezed to 20 pixels wide: no iris is taken out of it, so nothing can vanish.
    const points = landmarks();
    for (let i = 0; i < 478; i++) points[i * 3] = 100 + (points[i * 3]! - 100) * 0.2;
    expect(paintedIrises(picture(), points)[0]).toBeUndefined();
  });
});
