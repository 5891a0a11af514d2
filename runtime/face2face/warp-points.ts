import { ovalLandmarks } from '../face-topology.ts';


/** How far out each ring around the face lies (in face-oval radii) and how much of the head's motion it follows. */
export const rings = [
  { reach: 1.45, follow: 0.75 },
  // The outer ring stays put: beyond it the picture is untouched (and need not be redrawn each frame).
  { reach: 2.2, follow: 0 },
];

/**
 * The points the painting is warped by: the 478 landmarks, two rings around the face (so hair and neck follow the
 * head with a soft falloff) and anchors on a frame around them (so the background stays put). `points` is x, y pairs.
 */
export interface WarpLayout {
  sourcePoints: Float32Array;
  /**
   * Points that never move: the frame's anchors and the ring that follows nothing (beyond it the picture is
   * untouched; the fold guard must not nudge it either, or the whole picture is redrawn).
   */
  pinned: Uint8Array;
  centre: [number, number];
}

export function warpLayout(face: Float32Array, width: number, height: number): WarpLayout {
  const centre = faceCentre(face);
  const count = 478 + rings.length * ovalLandmarks.length + 4 * anchorsPerSide;
  const sourcePoints = new Float32Array(count * 2);
  const pinned = new Uint8Array(count);
  for (let i = 0; i < 478; i++) {
    sourcePoints[i * 2] = face[i * 3]!;
    sourcePoints[i * 2 + 1] = face[i * 3 + 1]!;
  }
  // Rings may reach past the picture's edge (a face that fills a tight crop): they stay where they reach, so that the
  // picture's edge moves with the head there (what comes into view is the edge, stretched), rather than being pinned
  // onto the edge, where a chin that moves towards it would fold the strip between them and hold the head back.
  let at = 478;
  const frame = { left: 0, top: 0, right: width, bottom: height };
  for (const { reach, follow } of rings) {
    for (const landmark of ovalLandmarks) {
      const x = centre[0] + reach * (face[landmark * 3]! - centre[0]);
      const y = centre[1] + reach * (face[landmark * 3 + 1]! - centre[1]);
      sourcePoints[at * 2] = x;
      sourcePoints[at * 2 + 1] = y;
      pinned[at] = follow === 0 ? 1 : 0;
      frame.left = Math.min(frame.left, x - 1);
      frame.top = Math.min(frame.top, y - 1);
      frame.right = Math.max(frame.right, x + 1);
      frame.bottom = Math.max(frame.bottom, y + 1);
      at++;
    }
  }
  sourcePoints.set(frameAnchors(frame), at * 2);
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

const anchorsPerSide = 5;

/**
 * Anchors along each side of the frame, corners included: the picture's border, or past it where a ring reaches
 * beyond (every ring point must lie inside the frame, or the fixed anchors would cut into the moving head).
 */
function frameAnchors({ left, top, right, bottom }: { left: number; top: number; right: number; bottom: number }): Float32Array {
  const points: number[] = [];
  const w = right - left;
  const h = bottom - top;
  for (let i = 0; i < anchorsPerSide; i++) {
    const t = i / (anchorsPerSide - 1);
    points.push(left + t * w, top, right, top + t * h, right - t * w, bottom, left, bottom - t * h);
  }
  return Float32Array.from(points);
}

/** The oval's connections as one ordered loop of landmark indices. */
