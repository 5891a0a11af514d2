import { paintClosingLid } from '../runtime/compose/eyelids.ts';
import { paintMouthCavity } from '../runtime/compose/mouth-cavity.ts';
import { fillPolygonMask } from '../runtime/compose/polygon-mask.ts';
import { type TransferBasis, transferBasis, transferMotion } from '../runtime/face2face/expression-transfer.ts';
import { cheekLandmarks, eyeContours, innerLipLower, innerLipUpper, lidSkinLandmarks, lipColourLandmarks, ovalLandmarks } from '../runtime/face-topology.ts';
import { driverReferenceScan, pickReference, referencePicker, retargetingParams, transferGains } from '../runtime/face2face/driver-reference.ts';
import type { ReferencePicker } from '../runtime/face2face/reference-face.ts';
import { type FaceWarpMesh, faceWarpMesh } from '../runtime/face2face/face-mesh.ts';
import { outerRing, type WarpLayout, warpLayout, warpTargets } from '../runtime/face2face/warp-points.ts';
import { FrameRanges } from '../runtime/frame-ranges.ts';
import { formatRanges } from '../runtime/landmarks/gap-fill.ts';
import { landmarkDistance } from '../runtime/face.ts';
import type { Mask, PixelBox, RgbaImage } from '../runtime/image.ts';
import { OneEuroFilter } from '../runtime/landmarks/one-euro-filter.ts';
import { defineNode, input, optionalInput, output } from '../runtime/node-definition.ts';
import { boolean, number } from '../runtime/params.ts';
import { depthOrder, markCovered } from '../runtime/warp/depth-order.ts';
import { fillGaps } from '../runtime/compose/fill-gaps.ts';
import { type Gaze, gazeOffsets, moveIrises, type PaintedIris, paintedIrises } from '../runtime/compose/gaze.ts';
import { type FoldGuardMesh, foldGuardMesh, guardFolds } from '../runtime/warp/fold-guard.ts';
import { warpMesh } from '../runtime/warp/mesh-warp.ts';

interface State {
  empty?: Mask;
  /** Picks the reference from a scan of the driver; without one (first face, full run) it has nothing and says so. */
  picker: ReferencePicker;
  basis?: TransferBasis;
  layout?: WarpLayout;
  mesh?: FaceWarpMesh;
  /** Keeps the flat sheet around the face from folding, with the face's outline held (or, failing that, free). */
  sheet?: { guard: FoldGuardMesh; outlineHeld: Uint8Array };
  /** Frames whose motion had to be held back to keep the picture from folding, for one warning at the end. */
  heldBack: FrameRanges;
  /** Where the painting moves: inside the ring that never moves, so the same for every frame. */
  mask?: Mask;
  /** Which pixels the warp drew, reused from frame to frame. */
  covered?: Uint8Array;
  filter?: OneEuroFilter;
  /** The painted eyes taken apart (iris and eyeball), and where the driver's reference face looks. */
  eyesApart?: { irises: (PaintedIris | undefined)[]; referenceGaze: Gaze[]; lastGaze: Gaze[] };
  colors?: { lip: [number, number, number]; skin: [number, number, number]; lid: [number, number, number] };
}

export const face2face = defineNode({
  type: 'face2face',
  version: 1,
  title: 'Face2Face expression transfer',
  category: 'method',
  description:
    "Moves the painted face with the driver's expressions and head motion: the driver's landmarks, with its head pose taken out, give expression offsets from a reference frame (its first face, a chosen frame, or the most neutral one); these move the painting's landmarks (scaled to its face), the head pose is applied on top, and the painting is warped by a mesh over the face with rings that let hair and neck follow; an opening mouth gets a painted interior.",
  inputs: {
    source: input('image', 'the painting'),
    sourceFace: input('face', "the painting's landmarks"),
    // Not read: a driver face alone (as speech makes one) sets the timeline as well as a video does.
    driving: optionalInput('frame', 'the driving frames (they set the timeline where the driver face comes from a video)'),
    drivingFace: optionalInput('face', "the driver's landmarks; frames before its first face show the painting unchanged"),
  },
  outputs: {
    frame: output('frame', 'the painting, moved'),
    mask: output('mask', 'where the painting moves: the face and the soft ring around it'),
  },
  params: {
    ...retargetingParams('painting'),
    stabilization: number(0, { min: 0, max: 1, help: 'extra smoothing of the transferred motion: 0 none, 1 strongest (fast speech loses amplitude)' }),
    mouthInterior: boolean(true, { help: 'paint the inside of an opening mouth (dark cavity, a hint of teeth)' }),
    eyelids: boolean(true, { help: 'paint eyelid skin over the eye as it closes (blinks), instead of squeezing the painted eye' }),
    gaze: boolean(true, { help: "move the painted irises where the driver looks, between the painted lids" }),
  },
  async prepare(ctx): Promise<State> {
    return { picker: referencePicker(ctx), heldBack: new FrameRanges() };
  },
  scan: driverReferenceScan<State>(),
  async run(ctx, inputs, state) {
    const { source, sourceFace, drivingFace } = inputs;
    if (!state.basis || !state.layout || !state.mesh || !state.sheet) {
      // The reference's expression is the painting's own. Without a scan, the first face seen.
      const reference = pickReference(ctx, state.picker, drivingFace);
      if (!reference) return unchanged(source, state);
      state.basis = transferBasis(sourceFace.points, Float32Array.from(reference.points), Float32Array.from(reference.transform), source);
      state.layout = warpLayout(sourceFace.points, source.width, source.height);
      state.mesh = faceWarpMesh(state.layout);
      const outlineHeld = Uint8Array.from(state.layout.pinned);
      for (const landmark of ovalLandmarks) outlineHeld[landmark] = 1;
      state.sheet = { guard: foldGuardMesh(state.layout.sourcePoints, state.mesh.sheet), outlineHeld };
      const referenceGaze = gazeOffsets(reference.points);
      state.eyesApart = { irises: paintedIrises(source, sourceFace.points), referenceGaze, lastGaze: referenceGaze.map(() => ({ x: 0, y: 0 })) };
      state.colors = { lip: averageColor(source, sourceFace.points, lipColourLandmarks), skin: averageColor(source, sourceFace.points, cheekLandmarks), lid: lidColor(source, sourceFace.points) };
    }
    if (!drivingFace) return unchanged(source, state);
    const moved = transferMotion(state.basis, drivingFace.points, transferGains(ctx.params), drivingFace.transform);
    let target = moved.face;
    if (ctx.params.stabilization > 0) {
      state.filter ??= new OneEuroFilter({ minCutoff: 8 - 7.5 * ctx.params.stabilization, beta: 0.05 });
      target = state.filter.filter(target, ctx.frame?.time ?? 0);
    }
    const { points, heldBack, folded: foldedSheet } = unfoldedSheet(state.sheet, state.layout, warpTargets(state.layout, target, moved.head, sourceFace.points));
    if (heldBack) {
      state.heldBack.add(ctx.frame?.index ?? 0);
      // The lids and the mouth are painted where the warp put them.
      target = withPlanePoints(target, points);
    }
    const depth = (point: number) => target[point * 3 + 2]!;
    const { front } = depthOrder(state.mesh.face, state.mesh.facing, points, depth);
    // Turned-away parts are not drawn: the parts in front hide them, and what they leave open is filled from around.
    const frame = warpMesh(source, state.layout.sourcePoints, points, concat(state.mesh.sheet, front));
    const box = boxOf(points, 478, source.width, source.height);
    const covered = (state.covered = (state.covered?.length ?? 0) >= box.width * box.height ? state.covered! : new Uint8Array(box.width * box.height));
    markCovered([state.mesh.sheet, front], points, box, covered);
    ctx.tally('pixels filled', fillGaps(frame, covered, box));
    ctx.tally('folded triangles drawn', foldedSheet);
    ctx.tally('frames held back', heldBack ? 1 : 0);
    if (ctx.params.gaze) moveIrises(frame, state.eyesApart!.irises, target, drivenGaze(state.eyesApart!, drivingFace.points, ctx.params.eyes * ctx.params.expression));
    if (ctx.params.eyelids) paintEyelids(frame, moved.head, target, state.colors!.lid);
    if (ctx.params.mouthInterior) paintMouth(frame, sourceFace.points, target, state.colors!);
    // The whole moving region: its edge, the outer ring, does not move, so the blend never cross-fades two copies.
    // Nor does the mask, so it is made once (and the blend, seeing the same mask, softens it once).
    state.mask ??= fillPolygonMask(source.width, source.height, outerRing(state.layout.sourcePoints));
    return { frame, mask: state.mask };
  },
  async finish(ctx, state) {
    if (state.heldBack.count > 0) {
      ctx.warn(`the head's motion was held back to keep the picture around the face from folding, in ${formatRanges(state.heldBack.ranges)}`);
    }
  },
});

/**
 * The warp's points with the sheet around the face unfolded: ring points give way first, with the face's outline held
 * where the transfer put it; should that not do, the outline gives way too. `heldBack` where the face itself moved
 * less than asked.
 */
function unfoldedSheet(sheet: NonNullable<State['sheet']>, layout: WarpLayout, planned: Float32Array): { points: Float32Array; heldBack: boolean; folded: number } {
  const held = guardFolds(sheet.guard, planned, { pinned: sheet.outlineHeld });
  if (held.share === 1) return { points: held.points, heldBack: false, folded: held.foldedAfter };
  const free = guardFolds(sheet.guard, planned, { pinned: layout.pinned });
  return { points: free.points, heldBack: true, folded: free.foldedAfter };
}

/** Below this lid gap (over eye width) the driver's iris points are unreliable: the gaze is held. */
const gazeHeldBelow = 0.15;

/** Where the driver looks relative to its reference face, per eye, scaled by `gain`; held while an eye is nearly shut. */
function drivenGaze(eyes: NonNullable<State['eyesApart']>, driver: Float32Array, gain: number): Gaze[] {
  const now = gazeOffsets(driver);
  return now.map((gaze, i) => {
    const eye = eyeContours[i]!;
    const opening = landmarkDistance(driver, eye.gap[0], eye.gap[1]) / landmarkDistance(driver, eye.upper[0], eye.upper.at(-1)!);
    if (opening >= gazeHeldBelow) eyes.lastGaze[i] = { x: gain * (gaze.x - eyes.referenceGaze[i]!.x), y: gain * (gaze.y - eyes.referenceGaze[i]!.y) };
    return eyes.lastGaze[i]!;
  });
}

/** The pixels around the first `count` plane points, a pixel wider on each side, inside the picture. */
function boxOf(points: Float32Array, count: number, width: number, height: number): PixelBox {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    left = Math.min(left, points[2 * i]!);
    right = Math.max(right, points[2 * i]!);
    top = Math.min(top, points[2 * i + 1]!);
    bottom = Math.max(bottom, points[2 * i + 1]!);
  }
  const x0 = Math.max(0, Math.floor(left) - 1);
  const y0 = Math.max(0, Math.floor(top) - 1);
  return { left: x0, top: y0, width: Math.max(0, Math.min(width, Math.ceil(right) + 1) - x0), height: Math.max(0, Math.min(height, Math.ceil(bottom) + 1) - y0) };
}

function concat(...lists: Uint32Array[]): Uint32Array {
  const out = new Uint32Array(lists.reduce((sum, list) => sum + list.length, 0));
  let at = 0;
  for (const list of lists) {
    out.set(list, at);
    at += list.length;
  }
  return out;
}

/** `points` (x, y, z per landmark) with x and y taken from the warp's first 478 plane points. */
function withPlanePoints(points: Float32Array, plane: Float32Array): Float32Array {
  const out = Float32Array.from(points);
  for (let i = 0; i < 478; i++) {
    out[i * 3] = plane[i * 2]!;
    out[i * 3 + 1] = plane[i * 2 + 1]!;
  }
  return out;
}

/** The painting as it is, with an empty mask (made once: frames before the driver's first face can be many). */
function unchanged(source: RgbaImage, state: State) {
  state.empty ??= { width: source.width, height: source.height, data: new Uint8Array(source.width * source.height) };
  return { frame: source, mask: state.empty };
}

/** Where the lips part wider than the painting's own mouth, paint the cavity between them. */
function paintMouth(frame: RgbaImage, source: Float32Array, target: Float32Array, colors: NonNullable<State['colors']>): void {
  const faceHeight = landmarkDistance(target, 10, 152);
  const extra = landmarkDistance(target, 13, 14) - landmarkDistance(source, 13, 14);
  if (extra < 1.5) return;
  // A wide-open mouth parts by about a quarter of the face's height.
  const openness = Math.min(1, extra / (0.25 * faceHeight));
  const xy = (indices: readonly number[]) => indices.flatMap((i) => [target[i * 3]!, target[i * 3 + 1]!]);
  paintMouthCavity(frame, xy([...innerLipUpper, ...[...innerLipLower].reverse()]), {
    upperLip: xy(innerLipUpper),
    lipColor: colors.lip,
    skinColor: colors.skin,
    openness,
  });
}

/** Where the lids have come down further than the painting's own, paint the lid over the eye. */
function paintEyelids(frame: RgbaImage, head: Float32Array, target: Float32Array, lidColor: [number, number, number]): void {
  const xy = (points: Float32Array, indices: readonly number[]) => indices.flatMap((i) => [points[i * 3]!, points[i * 3 + 1]!]);
  for (const eye of eyeContours) {
    const openGap = landmarkDistance(head, eye.gap[0], eye.gap[1]);
    if (!(openGap > 0.5)) continue;
    const closure = Math.min(1, Math.max(0, 1 - landmarkDistance(target, eye.gap[0], eye.gap[1]) / openGap));
    paintClosingLid(frame, {
      open: xy(head, [...eye.upper, ...eye.lower]),
      visible: xy(target, [...eye.upper, ...eye.lower]),
      upperLid: xy(target, eye.upper),
      closure,
      lidColor,
    });
  }
}

/** Lid skin: the skin around the eye, lifted halfway towards the cheek's, since the lowered lid catches the light. */
function lidColor(source: RgbaImage, points: Float32Array): [number, number, number] {
  const around = medianColor(source, points, lidSkinLandmarks);
  const cheek = medianColor(source, points, cheekLandmarks);
  return around.map((value, c) => Math.round((value + cheek[c]!) / 2)) as [number, number, number];
}

/** The middle value of each channel over small patches at the landmarks: lashes and highlights do not pull it. */
function medianColor(image: RgbaImage, points: Float32Array, landmarks: readonly number[]): [number, number, number] {
  const channels: number[][] = [[], [], []];
  for (const landmark of landmarks) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = Math.min(image.width - 1, Math.max(0, Math.round(points[landmark * 3]!) + dx));
        const y = Math.min(image.height - 1, Math.max(0, Math.round(points[landmark * 3 + 1]!) + dy));
        for (let c = 0; c < 3; c++) channels[c]!.push(image.data[(y * image.width + x) * 4 + c]!);
      }
    }
  }
  return channels.map((values) => values.sort((a, b) => a - b)[values.length >> 1]!) as [number, number, number];
}

function averageColor(image: RgbaImage, points: Float32Array, landmarks: number[]): [number, number, number] {
  const sum = [0, 0, 0];
  for (const landmark of landmarks) {
    const x = Math.min(image.width - 1, Math.max(0, Math.round(points[landmark * 3]!)));
    const y = Math.min(image.height - 1, Math.max(0, Math.round(points[landmark * 3 + 1]!)));
    for (let c = 0; c < 3; c++) sum[c]! += image.data[(y * image.width + x) * 4 + c]! / landmarks.length;
  }
  return sum.map(Math.round) as [number, number, number];
}
