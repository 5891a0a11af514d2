import { multiply3, rotationBetween, scaleRotation, transpose3, turnAboutUpright } from '../geometry/rotation.ts';
import {
  applyRotation,
  applySimilarity3d,
  fitSimilarity3d,
  invertSimilarity3d,
  relativeRotationInImage,
  type Similarity3d,
} from '../geometry/similarity-3d.ts';
import { browLandmarks, eyeLandmarks, mouthLandmarks, rigidLandmarks } from '../face-topology.ts';

export interface TransferGains {
  /** Overall expression strength (0 none, 1 as driven, 2 exaggerated). */
  expression: number;
  /** Head motion strength (0 keeps the painting's pose). */
  headPose: number;
  mouth: number;
  eyes: number;
  brows: number;
}

export interface TransferBasis {
  /** The reference face's pose matrix: head rotations are read from the matrices, steadier than landmark depth. */
  referencePose?: Float32Array;
  /** The painting's size: where its face sits in the picture decides the angle a camera sees it from. */
  picture?: { width: number; height: number };
  /** The faces with their depth in relief, for how the landmarks move across the picture (side to side). */
  across: ReliefSpace;
  /** The faces with their own depth, for how they move up and down. */
  upright: ReliefSpace;
}

/** The source and reference faces with their depth in relief by `relief`, and what is fitted between them. */
interface ReliefSpace {
  relief: number;
  source: Float32Array;
  reference: Float32Array;
  /** Maps the driver's reference face onto the source face: turns driver motion into the source's frame and size. */
  referenceToSource: Similarity3d;
  sourceCentre: [number, number, number];
  /**
   * The painting's face axis, along which its depth is in relief; the moved landmarks are taken out of relief along
   * the same fixed axis, so a face at rest is the painting exactly, and a turned one moves as the deeper face would.
   */
  reliefAxis: number[];
}

/** What stays fixed for a run: the source face and the driver's reference face (its neutral frame), and the painting's size. */
export function transferBasis(
  sourceFace: Float32Array,
  referenceFace: Float32Array,
  referencePose?: Float32Array,
  picture?: { width: number; height: number },
): TransferBasis {
  // Depth is relief along the face's own axis: the driver's reference face is taken to look at its camera, and the
  // painting's axis is the reference's turned onto it (on a 3/4 view like s10, relief along the picture's depth would
  // deepen the turn it already has and overstate every turn by a third).
  const q = fitSimilarity3d(referenceFace, sourceFace, rigidLandmarks).rotation;
  const axis = [q[2]!, q[5]!, q[8]!];
  return {
    referencePose,
    picture,
    across: reliefSpace(sourceFace, referenceFace, depthRelief, axis),
    upright: reliefSpace(sourceFace, referenceFace, 1, axis),
  };
}

function reliefSpace(sourceFace: Float32Array, referenceFace: Float32Array, relief: number, reliefAxis: number[]): ReliefSpace {
  const reference = inRelief(referenceFace, relief);
  const source = inRelief(sourceFace, relief, reliefAxis);
  return { relief, source, reference, reliefAxis, referenceToSource: fitSimilarity3d(reference, source, rigidLandmarks), sourceCentre: centreOf(source) };
}

/** Where the source's landmarks go for one driver frame: with expression and head pose, and with the head pose alone. */
export interface TransferredFace {
  face: Float32Array;
  /** The source's own landmarks moved by the head pose only (what hair and neck follow). */
  head: Float32Array;
}

/**
 * Where the source's landmarks go for one driver frame. The driver's head pose is fitted on its rigid landmarks and
 * removed, leaving the expression as offsets from the reference face; those offsets, turned and scaled into the
 * source's frame and weighted by region, move the source's landmarks, and the head pose (relative to the reference,
 * scaled by its gain) is then applied about the source face's centre.
 */
export function transferMotion(basis: TransferBasis, driverFace: Float32Array, gains: TransferGains, driverPose?: Float32Array): TransferredFace {
  // Side to side the landmarks move as the face in relief does, up and down as the face with its own depth does.
  const across = moveInSpace(basis.across, basis, driverFace, gains, driverPose);
  const upright = moveInSpace(basis.upright, basis, driverFace, gains, driverPose);
  for (const [from, to] of [[across.face, upright.face], [across.head, upright.head]] as const) {
    for (let i = 0; i < to.length; i += 3) to[i] = from[i]!;
  }
  return upright;
}

function moveInSpace(space: ReliefSpace, basis: TransferBasis, driverFace: Float32Array, gains: TransferGains, driverPose?: Float32Array): TransferredFace {
  const { source, reference, referenceToSource, relief, reliefAxis } = space;
  const { referencePose } = basis;
  const driver = inRelief(driverFace, relief);
  // The expression is what the landmarks' own rigid fit leaves over, so none of the head's turn stays in it (with the
  // depth in relief, the fit's turn is the pose matrix's, and none of the turn is left to pass as expression); the
  // turn applied is the pose matrix's, steadier frame to frame.
  const fit = fitSimilarity3d(reference, driver, rigidLandmarks);
  const pose = referencePose && driverPose ? withRotation(fit, relativeRotationInImage(referencePose, driverPose), reference, driver) : fit;
  const unpose = invertSimilarity3d(fit);
  const weights = regionWeights(gains);
  const face = new Float32Array(source.length);
  const q = referenceToSource.rotation;
  for (let i = 0; i < source.length / 3; i++) {
    const [x, y, z] = applySimilarity3d(unpose, driver[i * 3]!, driver[i * 3 + 1]!, driver[i * 3 + 2]!);
    const delta = applyRotation(q, [x - reference[i * 3]!, y - reference[i * 3 + 1]!, z - reference[i * 3 + 2]!]);
    const w = weights[i]! * referenceToSource.scale;
    face[i * 3] = source[i * 3]! + w * delta[0];
    face[i * 3 + 1] = source[i * 3 + 1]! + w * delta[1];
    face[i * 3 + 2] = source[i * 3 + 2]! + w * delta[2];
  }
  const head = Float32Array.from(source);
  if (gains.headPose === 0) return { face: inRelief(face, 1 / relief, reliefAxis), head: inRelief(head, 1 / relief, reliefAxis) };

  // The driver's head motion, seen in the source's frame: R' = Q R Q^T, translation turned and scaled likewise.
  const turn = scaleRotation(pose.rotation, gains.headPose);
  const referenceCentre = centreOf(reference);
  const movedCentre = applySimilarity3d(pose, ...referenceCentre);
  const shift = softLimit(
    applyRotation(q, [0, 1, 2].map((c) => (movedCentre[c]! - referenceCentre[c]!) * referenceToSource.scale * gains.headPose)),
    maxShift * faceHeight(source, relief),
  );
  const scale = pose.scale ** gains.headPose;
  const c = space.sourceCentre;
  // The turn in the picture's frame (Q R Q^T), then as a camera sees it from where the head slid to.
  const inPicture = multiply3(multiply3(q, turn), transpose3(q));
  const seen = limitTurnBack(basis.picture ? multiply3(viewTurn(basis.picture, c, shift), inPicture) : inPicture, reliefAxis);
  for (const points of [face, head]) {
    for (let i = 0; i < points.length / 3; i++) {
      const turned = applyRotation(seen, [points[i * 3]! - c[0], points[i * 3 + 1]! - c[1], points[i * 3 + 2]! - c[2]]);
      for (let k = 0; k < 3; k++) points[i * 3 + k] = c[k]! + scale * turned[k]! + shift[k]!;
    }
  }
  return { face: inRelief(face, 1 / relief, reliefAxis), head: inRelief(head, 1 / relief, reliefAxis) };
}

/**
 * The fit with another rotation: the same scale (the head's size change; a scale fitted under another rotation would
 * shrink the face a little), and the rigid landmarks' centre still taken where the driver's is.
 */
function withRotation(fit: Similarity3d, rotation: Float64Array, reference: Float32Array, driver: Float32Array): Similarity3d {
  const from = applyRotation(rotation, centreOf(reference));
  const to = centreOf(driver);
  return { rotation, scale: fit.scale, translation: [0, 1, 2].map((c) => to[c]! - fit.scale * from[c]!) as [number, number, number] };
}

/**
 * How much deeper a face is, for a turn to the side, than MediaPipe's landmark depth says. Turned by MediaPipe's own
 * pose matrices, a real driver's landmarks (d3, d6: turns of up to 20°) move across the picture as predicted only with
 * their depth stretched 1.3-1.4 times (best fits), while up and down they move as their own depth predicts (1.0-1.1):
 * the landmarks' depth is flat for turns and right for nods. A painting turned on its bare depth read back only
 * 0.65-0.9 of a driver's turn; on the depth stretched both ways it nodded 1.47 times as much as d3.
 */
export const depthRelief = 1.35;

/** The landmarks with their depth along `axis` (unit; the picture's depth by default) scaled by `factor` about their centre: a new array, or `points` itself for 1; `points` is never changed. */
function inRelief(points: Float32Array, factor: number, axis: readonly number[] = [0, 0, 1]): Float32Array {
  // The upright space keeps the depth as it is: no copy, no pass over the points (this runs for every frame).
  if (factor === 1) return points;
  const centre = centreOf(points);
  const out = Float32Array.from(points);
  for (let i = 0; i < out.length; i += 3) {
    let along = 0;
    for (let k = 0; k < 3; k++) along += (out[i + k]! - centre[k]!) * axis[k]!;
    for (let k = 0; k < 3; k++) out[i + k] = out[i + k]! + (factor - 1) * along * axis[k]!;
  }
  return out;
}

/**
 * How a head that slides by `shift` (pixels) looks to a camera. The painting is a picture taken through a lens, so a
 * head that moves across it without turning is seen from another angle (more of its inner side), and reads as turned
 * to anyone who estimates pose through a perspective camera, as the driver's pose was: without this, a driver who sways
 * or bobs while talking makes the painting turn and nod more than he does. The lens is MediaPipe's (63° vertical field
 * of view), whose pose matrices the turn comes from, centred on the picture.
 */
function viewTurn(picture: { width: number; height: number }, centre: readonly number[], shift: readonly number[]): Float64Array {
  const focal = picture.height / 2 / Math.tan((63 / 2) * (Math.PI / 180));
  const from = [centre[0]! - picture.width / 2, centre[1]! - picture.height / 2, focal];
  // Seen along the new line of sight, the head looks turned as if from the new line back onto the old one.
  return rotationBetween([from[0]! + shift[0]!, from[1]! + shift[1]!, focal], from);
}

/**
 * How far the head may slide, in face heights. A driver who walks across the frame moves the whole head, but a painted
 * head sits on a painted body: past this the slide eases off, so the hair and neck are not torn from the shoulders.
 */
const maxShift = 0.2;

/** `v` with its length eased (tanh) towards at most `limit`: nearly unchanged while short, never longer than `limit`. */
function softLimit(v: [number, number, number], limit: number): [number, number, number] {
  const length = Math.hypot(...v);
  if (!(length > 0) || !(limit > 0)) return v;
  const kept = (limit * Math.tanh(length / limit)) / length;
  return v.map((value) => value * kept) as [number, number, number];
}

/** Forehead to chin of a face in relief, as the landmarks measure it. */
function faceHeight(points: Float32Array, relief: number): number {
  const depth = (points[10 * 3 + 2]! - points[152 * 3 + 2]!) / relief;
  return Math.hypot(points[10 * 3]! - points[152 * 3]!, points[10 * 3 + 1]! - points[152 * 3 + 1]!, depth);
}

function regionWeights(gains: TransferGains): Float32Array {
  const weights = new Float32Array(478);
  for (let i = 0; i < 478; i++) {
    const region = mouthLandmarks.has(i) ? gains.mouth : eyeLandmarks.has(i) ? gains.eyes : browLandmarks.has(i) ? gains.brows : 1;
    weights[i] = gains.expression * region;
  }
  return weights;
}

function centreOf(points: Float32Array): [number, number, number] {
  const centre: [number, number, number] = [0, 0, 0];
  for (const i of rigidLandmarks) for (let c = 0; c < 3; c++) centre[c] = centre[c]! + points[i * 3 + c]! / rigidLandmarks.length;
  return centre;
}

/**
 * `turn` with its turn back towards the side the painting hides eased off (tanh) towards the most that side can take.
 * A face painted turned away shows its far side foreshortened, and a warp can only stretch what was painted there: on
 * the Girl with a Pearl Earring (s10, turned 30°), d3 turning her back by 18° stretched the far eye into strips and
 * pulled a streak of lip paint across the cheek, which began at 6°. Turning further away, or up and down, is left.
 */
function limitTurnBack(turn: Float64Array, faceAxis: readonly number[]): Float64Array {
  const painted = Math.atan2(faceAxis[0]!, faceAxis[2]!);
  const limit = turnBackLimit(Math.abs(painted));
  if (limit === Infinity) return turn;
  const turned = applyRotation(turn, faceAxis as [number, number, number]);
  const back = Math.sign(painted) * (painted - Math.atan2(turned[0], turned[2]));
  if (!(back > 0)) return turn;
  // Turned on, about the picture's upright, by what goes past the eased turn.
  return multiply3(turnAboutUpright(Math.sign(painted) * (back - limit * Math.tanh(back / limit))), turn);
}

/**
 * How far (radians) a face painted turned by `yaw` (radians) turns back before its far side's features stretch by more
 * than `maxStretch`. Those (the far eye's outer corner, the far mouth corner) face about `farSide` further from the
 * viewer than the face does, so they show foreshortened by cos(yaw + farSide), and by cos(yaw + farSide - back) turned
 * back: s10 (30°) may turn back 8°, s9 (16°) 16°, and a face painted from the front as far as its driver turns.
 */
export function turnBackLimit(yaw: number): number {
  const facing = yaw + farSide;
  const stretched = maxStretch * Math.cos(facing);
  return stretched >= 1 ? Infinity : facing - Math.acos(stretched);
}

const farSide = (35 * Math.PI) / 180;
const maxStretch = 1.3;
