import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image.ts';
import { applyAffine } from '../geometry/affine.ts';
import { cropTensor, faceCrop } from './face-crop.ts';

/**
 * A face whose points all sit on a 100 x 120 box (x 150..250, y 100..220) with the eyes at y 130 and the lips at y
 * 190, centred on x 200: the crop's box, axis and centre can be worked out by hand.
 */
function boxFace(angleDegrees = 0): Float32Array {
  const points = new Float32Array(478 * 3);
  const set = (index: number, x: number, y: number) => {
    points[index * 3] = x;
    points[index * 3 + 1] = y;
  };
  for (let i = 0; i < 478; i++) set(i, 200, 160);
  // Jaw line: ears at (150, 130) and (250, 130), chin at (200, 220); brows at the top, y 100.
  for (const i of [127, 234, 93, 132, 58, 172, 136, 150, 149, 176]) set(i, 150, 130);
  for (const i of [377, 400, 378, 379, 365, 397, 288, 361, 323, 454, 356]) set(i, 250, 130);
  set(148, 200, 220);
  set(152, 200, 220);
  for (const i of [70, 63, 105, 66, 107, 336, 296, 334, 293, 300]) set(i, 200, 100);
  for (const i of [33, 133, 159, 145]) set(i, 175, 130);
  for (const i of [362, 263, 386, 374]) set(i, 225, 130);
  set(13, 200, 188);
  set(14, 200, 192);
  if (angleDegrees) {
    const a = (angleDegrees * Math.PI) / 180;
    for (let i = 0; i < 478; i++) {
      const x = points[i * 3]! - 200;
      const y = points[i * 3 + 1]! - 160;
      set(i, 200 + x * Math.cos(a) - y * Math.sin(a), 160 + x * Math.sin(a) + y * Math.cos(a));
    }
  }
  return points;
}

describe('faceCrop', () => {
  it('squares the face box, scales it and shifts it up along the face', () => {
    // Box 100 wide, 120 high -> side 120 x 2 = 240; centre (200, 160) moved up by 0.125 x 240 = 30.
    const crop = faceCrop(boxFace(), { scale: 2, offsetX: 0, offsetY: -0.125, rotate: true });
    expect(crop.side).toBeCloseTo(240, 4);
    const [cx, cy] = applyAffine(crop.toImage, 0.5, 0.5);
    expect(cx).toBeCloseTo(200, 4);
    expect(cy).toBeCloseTo(130, 4);
    // Upright: the crop's right is the image's right, its down the image's down, no mirror.
    const [x0, y0] = applyAffine(crop.toImage, 0, 0);
    expect(x0).toBeCloseTo(80, 4);
    expect(y0).toBeCloseTo(10, 4);
    const [u, v] = applyAffine(crop.toCrop, 320, 250);
    expect(u).toBeCloseTo(1, 6);
    expect(v).toBeCloseTo(1, 6);
  });

  it('turns with the face when rotating, and stays upright when not', () => {
    const turned = faceCrop(boxFace(30), { scale: 2, offsetX: 0, offsetY: 0, rotate: true });
    const [ax, ay] = applyAffine(turned.toImage, 0, 0.5);
    const [bx, by] = applyAffine(turned.toImage, 1, 0.5);
    expect((Math.atan2(by - ay, bx - ax) * 180) / Math.PI).toBeCloseTo(30, 4);
    expect(turned.side).toBeCloseTo(240, 3);
    const upright = faceCrop(boxFace(30), { scale: 2, offsetX: 0, offsetY: 0, rotate: false });
    const [cx, cy] = applyAffine(upright.toImage, 0, 0.5);
    const [dx, dy] = applyAffine(upright.toImage, 1, 0.5);
    expect(Math.atan2(dy - cy, dx - cx)).toBeCloseTo(0, 6);
  });

  it('offsets move the crop along its own axes, in crop sizes', () => {
    const base = faceCrop(boxFace(90), { scale: 2, offsetX: 0, offsetY: 0, rotate: true });
    const moved = faceCrop(boxFace(90), { scale: 2, offsetX: 0.25, offsetY: 0, rotate: true });
    const [x0, y0] = applyAffine(base.toImage, 0.5, 0.5);
    const [x1, y1] = applyAffine(moved.toImage, 0.5, 0.5);
    // A face turned 90° (its right is the image's down): 0.25 x 240 = 60 pixels down.
    expect(x1 - x0).toBeCloseTo(0, 4);
    expect(y1 - y0).toBeCloseTo(60, 4);
  });
});

describe('cropTensor', () => {
  it('gives planar RGB in 0..1, sampled where the crop lies', () => {
    // Red rises with x, green with y, blue constant.
    const image: RgbaImage = { width: 400, height: 400, data: new Uint8Array(400 * 400 * 4) };
    for (let y = 0; y < 400; y++) {
      for (let x = 0; x < 400; x++) image.data.set([Math.round((x / 399) * 255), Math.round((y / 399) * 255), 51, 255], (y * 400 + x) * 4);
    }
    const crop = faceCrop(boxFace(), { scale: 2, offsetX: 0, offsetY: -0.125, rotate: true });
    const size = 16;
    const tensor = cropTensor(image, crop, size);
    expect(tensor.length).toBe(3 * size * size);
    // Pixel (0, 0) of the tensor averages the crop's corner square of side 240 / 16 = 15 around image (87.5, 17.5).
    expect(tensor[0]!).toBeCloseTo(87 / 399, 2);
    expect(tensor[size * size]!).toBeCloseTo(17 / 399, 2);
    expect(tensor[2 * size * size]!).toBeCloseTo(0.2, 3);
  });
});
