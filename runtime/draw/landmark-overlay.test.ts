import { describe, expect, it } from 'vitest';
import type { FaceLandmarks } from '../face.ts';
import type { RgbaImage } from '../image.ts';
import { irisCentres } from './face-mesh-connections.ts';
import { defaultFaceOverlayStyle, drawFaceOverlay } from './landmark-overlay.ts';

function grey(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8Array(width * height * 4).fill(60).map((value, at) => (at % 4 === 3 ? 255 : value)) };
}

/**
 * Not a real face: 478 landmarks scattered over a box by a fixed pseudo-random sequence. Enough to
 * check where the overlay draws, since every line joins two landmarks and so stays inside their box.
 */
function scatteredFace(left: number, top: number, size: number, found = true, count = 478): FaceLandmarks {
  const points = new Float32Array(count * 3);
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let landmark = 0; landmark < count; landmark++) {
    points[landmark * 3] = left + next() * size;
    points[landmark * 3 + 1] = top + next() * size;
  }
  // On a pixel centre, so the centre dot covers that pixel fully.
  for (const centre of [irisCentres.left, irisCentres.right]) {
    if (centre >= count) continue;
    points[centre * 3] = Math.floor(points[centre * 3]!) + 0.5;
    points[centre * 3 + 1] = Math.floor(points[centre * 3 + 1]!) + 0.5;
  }
  return { points, transform: new Float32Array(16), confidence: found ? 0.9 : 0, found };
}

const pixel = (image: RgbaImage, x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));
const crop = (image: RgbaImage, left: number, top: number, width: number, height: number): RgbaImage => {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) data.set(image.data.subarray(((top + y) * image.width + left) * 4, ((top + y) * image.width + left + width) * 4), y * width * 4);
  return { width, height, data };
};
const changedPixels = (a: RgbaImage, b: RgbaImage) => {
  let count = 0;
  for (let at = 0; at < a.data.length; at += 4) if (a.data[at] !== b.data[at] || a.data[at + 1] !== b.data[at + 1] || a.data[at + 2] !== b.data[at + 2]) count++;
  return count;
};

describe('drawFaceOverlay', () => {
  it('draws at every landmark, returns a copy, and leaves a far corner untouched', () => {
    const image = grey(640, 480);
    const before = image.data.slice();
    const face = scatteredFace(200, 120, 240);
    const overlay = drawFaceOverlay(image, face);
    expect(changedPixels(image, { ...image, data: before })).toBe(0);
    expect([overlay.width, overlay.height]).toEqual([640, 480]);
    const untouchedLandmarks = [];
    for (let landmark = 0; landmark < 478; landmark++) {
      const x = Math.floor(face.points[landmark * 3]!);
      const y = Math.floor(face.points[landmark * 3 + 1]!);
      if (pixel(overlay, x, y).join() === pixel(image, x, y).join()) untouchedLandmarks.push(landmark);
    }
    expect(untouchedLandmarks).toEqual([]);
    expect(changedPixels(crop(image, 0, 0, 150, 100), crop(overlay, 0, 0, 150, 100))).toBe(0);
  });

  it('marks iris centres in the iris colour, and everything in the warning colour when no face was found', () => {
    const found = scatteredFace(200, 120, 240);
    const held = scatteredFace(200, 120, 240, false);
    const x = Math.floor(found.points[irisCentres.left * 3]!);
    const y = Math.floor(found.points[irisCentres.left * 3 + 1]!);
    expect(pixel(drawFaceOverlay(grey(640, 480), found), x, y)).toEqual([...defaultFaceOverlayStyle.irises.slice(0, 3), 255]);
    expect(pixel(drawFaceOverlay(grey(640, 480), held), x, y)).toEqual([...defaultFaceOverlayStyle.warning, 255]);
    // Magenta over grey never raises green, so any green above the background would be another colour.
    const warned = drawFaceOverlay(grey(640, 480), held, { style: { warning: [255, 0, 255] } });
    expect(warned.data.filter((_, at) => at % 4 === 1).reduce((most, green) => Math.max(most, green))).toBe(60);
    expect(changedPixels(grey(640, 480), warned)).toBeGreaterThan(1000);
  });

  it('draws thicker lines on a larger face, and when asked to', () => {
    // Every landmark on one horizontal line, so the ink's height is the thickest stroke's.
    const flatFace = (size: number): FaceLandmarks => {
      const face = scatteredFace(100, 0, size);
      for (let landmark = 0; landmark < 478; landmark++) face.points[landmark * 3 + 1] = 300.5;
      return face;
    };
    const image = grey(1280, 720);
    const inkRows = (overlay: RgbaImage) => {
      const rows = new Set<number>();
      for (let at = 0; at < overlay.data.length; at += 4) if (overlay.data[at] !== 60) rows.add(Math.floor(at / 4 / overlay.width));
      return rows.size;
    };
    const small = inkRows(drawFaceOverlay(image, flatFace(150)));
    expect(inkRows(drawFaceOverlay(image, flatFace(1000)))).toBeGreaterThan(small + 2);
    expect(inkRows(drawFaceOverlay(image, flatFace(150), { lineScale: 2 }))).toBeGreaterThan(small + 1);
  });

  it('draws a 468-point mesh without irises, and skips NaN landmarks', () => {
    const image = grey(320, 240);
    const face = scatteredFace(40, 40, 150, true, 468);
    face.points[0] = Number.NaN;
    const overlay = drawFaceOverlay(image, face);
    expect(changedPixels(image, overlay)).toBeGreaterThan(1000);
  });
});
