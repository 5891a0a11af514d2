import { describe, expect, it } from 'vitest';
import { fillPolygonMask } from '../compose/polygon-mask.ts';
import { faceMeshConnections } from '../draw/face-mesh-connections.ts';
import { eyeContours, innerLipLower, innerLipUpper } from '../face-topology.ts';
import { ovalLandmarks } from '../face-topology.ts';
import type { RgbaImage } from '../image.ts';
import { warpMesh } from '../warp/mesh-warp.ts';
import { type FrameDamage, frameDamage, prepareDamageReference, summariseDamage, unwarpFrame } from './picture-damage.ts';

const eyeLoops = eyeContours.map(({ upper, lower }) => [...upper, ...lower]);
const innerLip = [...innerLipUpper, ...innerLipLower];
const holes = [...eyeLoops, innerLip];
const triangles = Uint32Array.from(
  faceMeshConnections.tessellation.filter((_, i) => i % 3 === 0).flatMap((_, t) => [0, 1, 2].map((k) => faceMeshConnections.tessellation[3 * t + k]!.start)),
);

/**
 * A face mesh laid flat without folds (a Tutte embedding): the oval on an ellipse `faceHeight` tall round (cx, cy),
 * every other mesh point repeatedly moved to the mean of its neighbours. Features come out small and central, but
 * the eyes and inner mouth stay open holes. Irises sit at their eye's middle.
 */
function flatFace(cx: number, cy: number, faceHeight: number): Float32Array {
  const neighbours = Array.from({ length: 468 }, () => new Set<number>());
  for (const { start, end } of faceMeshConnections.tessellation) {
    neighbours[start]!.add(end);
    neighbours[end]!.add(start);
  }
  const x = new Float64Array(468).fill(cx);
  const y = new Float64Array(468).fill(cy);
  ovalLandmarks.forEach((point, i) => {
    const angle = (i / ovalLandmarks.length) * 2 * Math.PI;
    x[point] = cx + 0.4 * faceHeight * Math.sin(angle);
    y[point] = cy - 0.5 * faceHeight * Math.cos(angle);
  });
  const fixed = new Set(ovalLandmarks);
  for (let sweep = 0; sweep < 800; sweep++) {
    for (let point = 0; point < 468; point++) {
      if (fixed.has(point)) continue;
      let sx = 0;
      let sy = 0;
      for (const other of neighbours[point]!) {
        sx += x[other]!;
        sy += y[other]!;
      }
      x[point] = sx / neighbours[point]!.size;
      y[point] = sy / neighbours[point]!.size;
    }
  }
  const points = new Float32Array(478 * 3);
  for (let point = 0; point < 468; point++) points.set([x[point]!, y[point]!, 0], point * 3);
  // The right eye's iris is 468..472, the left's 473..477.
  const middle = (loop: readonly number[]) => [0, 1].map((axis) => loop.reduce((sum, point) => sum + points[3 * point + axis]!, 0) / loop.length);
  for (let i = 0; i < 5; i++) {
    points.set([...middle(eyeLoops[0]!), 0], (468 + i) * 3);
    points.set([...middle(eyeLoops[1]!), 0], (473 + i) * 3);
  }
  return points;
}

/** A painting-like picture: smooth colour with brush-sized ripples, so a misplaced pixel shows. */
function painting(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = 150 + 50 * Math.sin(x / 9) + 20 * Math.sin(y / 23);
      data[i + 1] = 110 + 35 * Math.cos(y / 7) + 15 * Math.cos(x / 17);
      data[i + 2] = 90 + 30 * Math.sin((x + y) / 11);
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

const face = flatFace(150, 160, 190);
const picture = painting(300, 320);

function xyPairs(points: Float32Array): Float32Array {
  return Float32Array.from({ length: 478 * 2 }, (_, i) => points[3 * (i >> 1) + (i & 1)]!);
}

function polygonOf(points: Float32Array, loop: readonly number[]): Float32Array {
  return Float32Array.from(loop.flatMap((point) => [points[3 * point]!, points[3 * point + 1]!]));
}

/** `image` with `colour` painted wherever `polygon` covers a pixel's centre. */
function paintPolygon(image: RgbaImage, polygon: Float32Array, colour: [number, number, number]): RgbaImage {
  const mask = fillPolygonMask(image.width, image.height, polygon);
  const data = image.data.slice();
  mask.data.forEach((coverage, p) => coverage >= 128 && data.set(colour, p * 4));
  return { ...image, data };
}

/** `image` moved by whole pixels, its edge pixels repeated into the gap. */
function shifted(image: RgbaImage, dx: number, dy: number): RgbaImage {
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (Math.min(Math.max(y - dy, 0), image.height - 1) * image.width + Math.min(Math.max(x - dx, 0), image.width - 1)) * 4;
      data.set(image.data.subarray(from, from + 4), (y * image.width + x) * 4);
    }
  }
  return { ...image, data };
}

describe('frameDamage', () => {
  const reference = prepareDamageReference(picture, face);

  it('is tested on a synthetic face laid flat without folds', () => {
    const area = (a: number, b: number, c: number) =>
      (face[3 * b]! - face[3 * a]!) * (face[3 * c + 1]! - face[3 * a + 1]!) - (face[3 * b + 1]! - face[3 * a + 1]!) * (face[3 * c]! - face[3 * a]!);
    const signs = new Set<number>();
    for (let t = 0; t < triangles.length; t += 3) signs.add(Math.sign(area(triangles[t]!, triangles[t + 1]!, triangles[t + 2]!)));
    expect([...signs]).toHaveLength(1);
  });

  it('scores the painting itself as undamaged', () => {
    const damage = frameDamage(reference, picture, face)!;
    expect(damage.coverage).toBeGreaterThan(0.99);
    expect(damage.meanDeltaE).toBeLessThan(0.1);
    expect(damage.p95DeltaE).toBeLessThan(0.1);
  });

  it('scores a blotch on the cheek as damage', () => {
    // A disc between the right eye and the mouth corner, a tenth of the face across: a flat, wrong colour.
    const [cx, cy] = [(face[3 * 33]! + face[3 * 61]!) / 2, (face[3 * 33 + 1]! + face[3 * 61 + 1]!) / 2];
    const disc = Float32Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? cx + 22 * Math.cos(Math.PI * (i >> 1) / 16) : cy + 22 * Math.sin(Math.PI * (i >> 1) / 16)));
    const damage = frameDamage(reference, paintPolygon(picture, disc, [230, 200, 190]), face)!;
    expect(damage.p95DeltaE).toBeGreaterThan(20);
    expect(damage.meanDeltaE).toBeGreaterThan(1);
  });

  it('ignores what changes inside the eyes and the open mouth', () => {
    let frame = picture;
    for (const loop of holes) frame = paintPolygon(frame, polygonOf(face, loop), [10, 10, 10]);
    const damage = frameDamage(reference, frame, face)!;
    expect(damage.p95DeltaE).toBeLessThan(0.1);
  });

  it('undoes a move of the whole picture the landmarks follow', () => {
    const [dx, dy] = [9, -6];
    const moved = Float32Array.from(face, (value, i) => value + (i % 3 === 0 ? dx : i % 3 === 1 ? dy : 0));
    const damage = frameDamage(reference, shifted(picture, dx, dy), moved)!;
    expect(damage.p95DeltaE).toBeLessThan(0.1);
  });

  it('tolerates landmarks a pixel off the picture, not a picture several pixels off its landmarks', () => {
    const offBy = (dx: number) => frameDamage(reference, shifted(picture, dx, 0), face)!.p95DeltaE;
    expect(offBy(1)).toBeLessThan(2);
    expect(offBy(6)).toBeGreaterThan(8);
  });

  it('undoes a dropped jaw the landmarks follow', () => {
    // The frame is the painting warped so everything below the nose moves down, as a mouth opening would.
    const opened = Float32Array.from(face);
    const noseY = face[3 * 1 + 1]!;
    for (let point = 0; point < 478; point++) {
      const y = face[3 * point + 1]!;
      if (y > noseY) opened[3 * point + 1] = y + 0.25 * (y - noseY);
    }
    const frame = warpMesh(picture, xyPairs(face).subarray(0, 936), xyPairs(opened).subarray(0, 936), triangles);
    const damage = frameDamage(reference, frame, opened)!;
    // Two resamplings soften the ripples a little; far below a visible change.
    expect(damage.p95DeltaE).toBeLessThan(2);
    expect(damage.coverage).toBeGreaterThan(0.95);
  });

  it('works the same on a picture larger than the working scale, shrinking the frame first', () => {
    const big = painting(900, 960);
    const bigFace = flatFace(450, 480, 570);
    const bigReference = prepareDamageReference(big, bigFace);
    expect(bigReference.scale).toBeLessThan(0.75);
    expect(frameDamage(bigReference, big, bigFace)!.p95DeltaE).toBeLessThan(0.5);
    const warped = unwarpFrame(bigReference, big, bigFace);
    expect([warped.width, warped.height]).toEqual([bigReference.width, bigReference.height]);
  });

  it('does not score a face turned so far that most of it faces away', () => {
    // Every landmark mirrored left to right: all triangles flip, none faces the viewer.
    const mirrored = Float32Array.from(face, (value, i) => (i % 3 === 0 ? 300 - value : value));
    expect(frameDamage(reference, picture, mirrored)).toBeUndefined();
  });
});

describe('summariseDamage', () => {
  it('averages the scored frames and names the worst, keeping frame numbers', () => {
    const frame = (meanDeltaE: number, p95DeltaE: number): FrameDamage => ({ meanDeltaE, p95DeltaE, coverage: 1 });
    expect(summariseDamage([undefined, frame(1, 3), frame(2, 7.004), undefined, frame(3, 5)])).toEqual({
      meanDeltaE: 2,
      p95DeltaE: 5,
      worstP95DeltaE: 7,
      worstFrame: 2,
      frames: 3,
      perFrameP95: [null, 3, 7, null, 5],
    });
    expect(summariseDamage([undefined])).toBeUndefined();
  });
});
