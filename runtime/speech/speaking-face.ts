import type { FaceLandmarks } from '../face.ts';
import { multiply3, turnAboutUpright } from '../geometry/rotation.ts';
import { browLandmarks, eyeContours } from '../face-topology.ts';
import type { SecondaryFrame } from './secondary-motion.ts';
import type { SpeechFrame } from './speech-analysis.ts';

/*
 * A driver face made from speech: the neutral face the mouth shapes are built on (the painting's own landmarks, so
 * that the Face2Face transfer maps them one to one), moved per frame by jaw, lips, lids, brows and head. The result has
 * the face-landmarks node's form: 478 points in pixels and a pose matrix.
 */

// MediaPipe's lip rings, outer to inner, without the corners.
const lowerLip = [146, 91, 181, 84, 17, 314, 405, 321, 375, 77, 90, 180, 85, 16, 315, 404, 320, 307, 96, 89, 179, 86, 15, 316, 403, 319, 325, 95, 88, 178, 87, 14, 317, 402, 318, 324];
const upperLip = [185, 40, 39, 37, 0, 267, 269, 270, 409, 184, 74, 73, 72, 11, 302, 303, 304, 408, 183, 42, 41, 38, 12, 268, 271, 272, 407, 191, 80, 81, 82, 13, 312, 311, 310, 415];
const lipCorners = [61, 291, 76, 306, 62, 292, 78, 308];

/** How far the jaw drops at full opening, over the face's height (a wide-open mouth in speech, as measured on d20). */
const jawDrop = 0.14;

/** What is computed once from the neutral face: its axes, and how much each landmark follows each motion. */
export interface SpeakingFaceRig {
  base: FaceLandmarks;
  centre: [number, number];
  right: [number, number];
  down: [number, number];
  height: number;
  /** Per landmark: share of the jaw's drop, of the upper lip's lift, of rounding and spreading (lips only). */
  jaw: Float32Array;
  lift: Float32Array;
  lips: Float32Array;
  /** Lid points with how far each comes down (pixels) when shut. */
  lids: { index: number; down: number }[];
  pivot: [number, number, number];
}

export function speakingFaceRig(base: FaceLandmarks): SpeakingFaceRig {
  const p = base.points;
  const xy = (i: number): [number, number] => [p[i * 3]!, p[i * 3 + 1]!];
  const [tx, ty] = xy(10);
  const [cx, cy] = xy(152);
  const height = Math.hypot(cx - tx, cy - ty);
  const down: [number, number] = [(cx - tx) / height, (cy - ty) / height];
  const right: [number, number] = [down[1], -down[0]];
  const centre: [number, number] = [(p[13 * 3]! + p[14 * 3]!) / 2, (p[13 * 3 + 1]! + p[14 * 3 + 1]!) / 2];
  const count = p.length / 3;
  const jaw = new Float32Array(count);
  const lift = new Float32Array(count);
  const lips = new Float32Array(count);
  const lower = new Set(lowerLip);
  const upper = new Set(upperLip);
  const corners = new Set(lipCorners);
  for (let i = 0; i < count; i++) {
    const dx = p[i * 3]! - centre[0];
    const dy = p[i * 3 + 1]! - centre[1];
    const u = (dx * right[0] + dy * right[1]) / height;
    const v = (dx * down[0] + dy * down[1]) / height;
    if (lower.has(i)) jaw[i] = 1;
    else if (corners.has(i)) jaw[i] = 0.45;
    else if (!upper.has(i) && v > 0.02 && i < 468) {
      // The jaw carries the chin fully and the cheeks less towards the ears; the skin just below the lips stretches.
      jaw[i] = (0.35 + 0.65 * Math.exp(-((u / 0.22) ** 2))) * Math.min(1, v / 0.08);
    }
    if (upper.has(i)) lift[i] = 1;
    if (lower.has(i) || upper.has(i) || corners.has(i)) lips[i] = 1;
    else if (i < 468) lips[i] = 0.5 * Math.exp(-((u / 0.25) ** 2 + (v / 0.12) ** 2));
  }
  const lids: SpeakingFaceRig['lids'] = [];
  for (const eye of eyeContours) {
    const gap = Math.hypot(p[eye.gap[0] * 3]! - p[eye.gap[1] * 3]!, p[eye.gap[0] * 3 + 1]! - p[eye.gap[1] * 3 + 1]!);
    eye.upper.forEach((index, k) => lids.push({ index, down: gap * Math.sin((Math.PI * k) / (eye.upper.length - 1)) }));
  }
  let sx = 0;
  let sy = 0;
  let sz = 0;
  for (let i = 0; i < 468; i++) (sx += p[i * 3]!), (sy += p[i * 3 + 1]!), (sz += p[i * 3 + 2]!);
  // The head turns about the top of the neck, below and behind the face's middle.
  const pivot: [number, number, number] = [sx / 468 + down[0] * 0.35 * height, sy / 468 + down[1] * 0.35 * height, sz / 468 + 0.3 * height];
  return { base, centre, right, down, height, jaw, lift, lips, lids, pivot };
}

export interface SpeakingGains {
  mouth: number;
}

/** The driver face for one frame. */
export function speakingFace(rig: SpeakingFaceRig, speech: SpeechFrame, extra: SecondaryFrame, gains: SpeakingGains): FaceLandmarks {
  const { base, centre, right, down, height } = rig;
  const points = Float32Array.from(base.points);
  const count = points.length / 3;
  const drop = jawDrop * height * speech.jaw * gains.mouth;
  const round = Math.min(1, speech.round * gains.mouth);
  const spread = Math.min(1, speech.spread * gains.mouth);
  for (let i = 0; i < count; i++) {
    let x = points[i * 3]!;
    let y = points[i * 3 + 1]!;
    const along = (x - centre[0]) * right[0] + (y - centre[1]) * right[1];
    // Rounding draws the lips in and forward, spreading pulls the corners out; the jaw drops, the upper lip lifts a little.
    const widen = rig.lips[i]! * (-0.22 * round + 0.08 * spread) * along;
    const lower = rig.jaw[i]! * drop - rig.lift[i]! * 0.12 * drop;
    x += right[0] * widen + down[0] * lower;
    y += right[1] * widen + down[1] * lower;
    points[i * 3] = x;
    points[i * 3 + 1] = y;
    points[i * 3 + 2] = points[i * 3 + 2]! - rig.lips[i]! * 0.04 * height * round;
  }
  for (const lid of rig.lids) {
    points[lid.index * 3] = points[lid.index * 3]! + down[0] * lid.down * extra.blink * 0.95;
    points[lid.index * 3 + 1] = points[lid.index * 3 + 1]! + down[1] * lid.down * extra.blink * 0.95;
  }
  const browLift = 0.03 * height * extra.brows;
  for (const i of browLandmarks) {
    points[i * 3] = points[i * 3]! - down[0] * browLift;
    points[i * 3 + 1] = points[i * 3 + 1]! - down[1] * browLift;
  }
  const turn = imageRotation(extra.yaw, extra.pitch, extra.roll);
  const [px, py, pz] = rig.pivot;
  for (let i = 0; i < count; i++) {
    const x = points[i * 3]! - px;
    const y = points[i * 3 + 1]! - py;
    const z = points[i * 3 + 2]! - pz;
    points[i * 3] = px + turn[0]! * x + turn[1]! * y + turn[2]! * z;
    points[i * 3 + 1] = py + turn[3]! * x + turn[4]! * y + turn[5]! * z;
    points[i * 3 + 2] = pz + turn[6]! * x + turn[7]! * y + turn[8]! * z;
  }
  return { points, transform: turnedPose(base.transform, turn), confidence: 1, found: true };
}

/** Row-major rotation in image space (x right, y down, z into the picture): yaw about y, pitch about x, roll about z. */
function imageRotation(yawDegrees: number, pitchDegrees: number, rollDegrees: number): Float64Array {
  const [a, b, c] = [yawDegrees, pitchDegrees, rollDegrees].map((d) => (d * Math.PI) / 180) as [number, number, number];
  const pitch = [1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)];
  const roll = [Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c), 0, 0, 0, 1];
  return multiply3(roll, multiply3(turnAboutUpright(a), pitch));
}

/**
 * The pose matrix turned by the image-space rotation `turn`: MediaPipe's matrix lives in camera space (y up, z towards
 * the viewer), so the turn enters as F·turn·F (F = diag(1, -1, -1)), the inverse of what the Face2Face transfer reads.
 */
function turnedPose(transform: Float32Array, turn: Float64Array): Float32Array {
  const flip = [1, -1, -1];
  const out = Float32Array.from(transform);
  for (let row = 0; row < 3; row++) {
    for (let column = 0; column < 3; column++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += flip[row]! * turn[row * 3 + k]! * flip[k]! * transform[column * 4 + k]!;
      out[column * 4 + row] = sum;
    }
  }
  return out;
}
