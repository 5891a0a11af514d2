import { describe, expect, it } from 'vitest';
import { ovalLandmarks } from '../face-topology.ts';
import type { RgbaImage } from '../image.ts';
import { cropRgba, faceRegion, pasteRegion } from './face-region.ts';

/** 478 points, the oval's on a circle of `radius` around (cx, cy), the rest at its centre. */
function faceAt(cx: number, cy: number, radius: number): Float32Array {
  const points = new Float32Array(478 * 3);
  for (let i = 0; i < 478; i++) points.set([cx, cy, 0], i * 3);
  ovalLandmarks.forEach((index, i) => {
    const angle = (2 * Math.PI * i) / ovalLandmarks.length;
    points.set([cx + radius * Math.cos(angle), cy + radius * Math.sin(angle), 0], index * 3);
  });
  return points;
}

describe('faceRegion', () => {
  it("is the oval's box grown by the margin, feathered to 0 at its edges and 1 over the face", () => {
    const region = faceRegion(faceAt(200, 150, 40), 400, 300, 0.25)!;
    // The box is 80 across; the margin is 20 on each side.
    expect(region.crop).toEqual({ left: 140, top: 90, width: 120, height: 120 });
    expect(region.columns[0]).toBeLessThan(0.01);
    expect(region.columns[119]).toBeLessThan(0.01);
    expect(region.columns[10]).toBeCloseTo(0.5, 1);
    for (let x = 20; x < 100; x++) expect(region.columns[x]).toBe(1);
  });

  it('is not feathered where it meets the frame border', () => {
    const region = faceAt(30, 150, 40);
    const box = faceRegion(region, 400, 300, 0.25)!;
    expect(box.crop.left).toBe(0);
    expect(box.columns[0]).toBe(1);
    expect(box.columns[box.crop.width - 1]).toBeLessThan(0.01);
  });

  it('is undefined without a usable oval', () => {
    expect(faceRegion(new Float32Array(478 * 3).fill(Number.NaN), 400, 300, 0.25)).toBeUndefined();
  });
});

describe('pasteRegion', () => {
  it('mixes the layer in by the weights and leaves the rest of the frame as it was', () => {
    const frame: RgbaImage = { width: 400, height: 300, data: new Uint8Array(400 * 300 * 4).fill(10) };
    const region = faceRegion(faceAt(200, 150, 40), 400, 300, 0.25)!;
    const layer = cropRgba(frame, region.crop);
    layer.data.fill(250);
    const pasted = pasteRegion(frame, layer, region);
    const at = (x: number, y: number) => pasted.data[(y * 400 + x) * 4]!;
    expect(at(200, 150)).toBe(250);
    expect(at(10, 10)).toBe(10);
    expect(at(141, 150)).toBeLessThan(20);
    expect(frame.data[(150 * 400 + 200) * 4]).toBe(10);
  });
});
