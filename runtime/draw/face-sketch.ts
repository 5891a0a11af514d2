import type { RgbaImage } from '../image.ts';
import type { Rgba } from './blend.ts';
import { CoverageLayer } from './coverage-layer.ts';
import { faceMeshConnections, irisCentres, type MeshConnection } from './face-mesh-connections.ts';

/**
 * The landmark sketch a pix2pix face generator translates (issue 19): the face's contours on black, one colour per
 * feature so the generator can tell a lip line from an eyelid. Training pairs and the pix2pix-face node must draw
 * it with this one function, or the generator sees sketches it never learned.
 */

const { faceOval, lips, leftEye, rightEye, leftEyebrow, rightEyebrow, leftIris, rightIris } = faceMeshConnections;

/** Feature colours, fixed: a trained model depends on them. */
export const faceSketchFeatures: readonly { connections: readonly MeshConnection[]; color: Rgba }[] = [
  { connections: faceOval, color: [255, 255, 255, 255] },
  { connections: [...leftEyebrow, ...rightEyebrow], color: [255, 200, 0, 255] },
  { connections: [...leftEye, ...rightEye], color: [0, 255, 0, 255] },
  { connections: [...leftIris, ...rightIris], color: [0, 160, 255, 255] },
  { connections: lips, color: [255, 0, 80, 255] },
];

/**
 * Draws `points` (x, y, z per landmark, in the sketch's pixels) as a `size`-square sketch. Line widths scale with the
 * sketch, not the face: both sides see aligned crops, so the same size gives the same strokes. Missing or
 * non-finite landmarks are skipped with their lines.
 */
export function drawFaceSketch(points: Float32Array, size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let at = 3; at < data.length; at += 4) data[at] = 255;
  const image: RgbaImage = { width: size, height: size, data };
  const width = Math.max(1, size / 128);
  for (const { connections, color } of faceSketchFeatures) {
    const layer = new CoverageLayer(size, size);
    for (const { start, end } of connections) {
      layer.addLine(coordinate(points, start, 0), coordinate(points, start, 1), coordinate(points, end, 0), coordinate(points, end, 1), width);
    }
    layer.paint(image, color);
  }
  const pupils = new CoverageLayer(size, size);
  for (const centre of [irisCentres.left, irisCentres.right]) {
    pupils.addDot(coordinate(points, centre, 0), coordinate(points, centre, 1), 1.5 * width);
  }
  pupils.paint(image, [0, 160, 255, 255]);
  return image;
}

/** One coordinate of a landmark (0 = x, 1 = y); NaN past the end, so a 468-point mesh draws without irises. */
function coordinate(points: Float32Array, landmark: number, axis: 0 | 1): number {
  return points[landmark * 3 + axis] ?? Number.NaN;
}
