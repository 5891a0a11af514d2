import { ovalLandmarks } from '../face-topology.ts';


/** How far out each ring around the face lies (in face-oval radii) and how much of the head's motion it follows. */
export const rings = [
  { reach: 1.45, follow: 0.75 },
  // The outer ring stays put: beyond it the picture is untouched (and need not be redrawn each frame).
  { reach: 2.2, follow: 0 },
];

/**
 * The points the painting is warped by: the 478 landmarks, two rings around the face (so hair and neck follow the
 * head with a soft falloff) and anchors on the image border (so the background stays put). `points` is x, y pairs.
 */
export interface WarpLayout {
  sourcePoints: Float32Array;
  /**
   * Points that never move: the border anchors, ring points pushed onto the border, and the ring that follows nothing
   * (beyond it the picture is untouched; the fold guard must not nudge it either, or the whole picture is redrawn).
   */
  pinned: Uint8Array;
  centre: [number, number];
}

export function warpLayout(face: Float32Array, width: number, height: number): WarpLayout {
  const centre = faceCentre(face);
  const border = borderAnchors(width, height);
  const count = 478 + rings.length * ovalLandmarks.length + border.length / 2;
  const sourcePoints = new Float32Array(count * 2);
  const pinned = new Uint8Array(count);
  for (let i = 0; i < 478; i++) {
    sourcePoints[i * 2] = face[i * 3]!;
    sourcePoints[i * 2 + 1] = face[i * 3 + 1]!;
  }
  let at = 478;
  for (const { reach, follow } of rings) {
    for (const landmark of ovalLandmarks) {
      const x = centre[0] + reach * (face[landmark * 3]! - centre[0]);
      const y = centre[1] + reach * (face[landmark * 3 + 1]! - centre[1]);
      sourcePoints[at * 2] = Math.min(Math.max(x, 0), width);
      sourcePoints[at * 2 + 1] = Math.min(Math.max(y, 0), height);
      pinned[at] = follow === 0 || x <= 0 || y <= 0 || x >= width || y >= height ? 1 : 0;
      at++;
    }
  }
  sourcePoints.set(border, at * 2);
  pinned.fill(1, at);
  return { sourcePoints, pinned, centre };
}

/**
 * Target positions: the landmarks where the transfer put them; each ring point moved by its share of the head-only
 * motion of its oval landmark (an expression such as a dropping jaw does not drag the neck); border anchors fixed.
 */
export function warpTargets(layout: WarpLayout, target: Float32Array, headOnly: Float32Array, source: Float32Array): Float32Array {
  const points = Float32Array.from(layout.sourcePoints);
  for (let i = 0; i < 478; i++) {
    points[i * 2] = target[i * 3]!;
    points[i * 2 + 1] = target[i * 3 + 1]!;
  }
  let at = 478;
  for (const { follow } of rings) {
    for (const landmark of ovalLandmarks) {
      if (!layout.pinned[at]) {
        points[at * 2] = points[at * 2]! + follow * (headOnly[landmark * 3]! - source[landmark * 3]!);
        points[at * 2 + 1] = points[at * 2 + 1]! + follow * (headOnly[landmark * 3 + 1]! - source[landmark * 3 + 1]!);
      }
      at++;
    }
  }
  return points;
}

/** The outermost ring's points (x, y pairs) in `points`: beyond it nothing moves. */
export function outerRing(points: Float32Array): Float32Array {
  const start = 478 + (rings.length - 1) * ovalLandmarks.length;
  return points.slice(start * 2, (start + ovalLandmarks.length) * 2);
}

function faceCentre(face: Float32Array): [number, number] {
  let x = 0;
  let y = 0;
  for (const landmark of ovalLandmarks) {
    x += face[landmark * 3]! / ovalLandmarks.length;
    y += face[landmark * 3 + 1]! / ovalLandmarks.length;
  }
  return [x, y];
}

/** Five anchors along each side, corners included. */
function borderAnchors(width: number, height: number): Float32Array {
  const points: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = i / 4;
    points.push(t * width, 0, width, t * height, width - t * width, height, 0, height - t * height);
  }
  return Float32Array.from(points);
}

/** The oval's connections as one ordered loop of landmark indices. */
