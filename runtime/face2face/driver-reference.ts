import { UsageError } from '../errors.ts';
import type { FaceLandmarks } from '../face.ts';
import { choice, integer, number } from '../params.ts';
import { ReferencePicker, type ReferenceMode, referenceModes } from './reference-face.ts';
import type { TransferGains } from './expression-transfer.ts';

/*
 * What the nodes that retarget a driver onto another face share (face2face warps the painting to the retargeted
 * landmarks, pix2pix-face draws them for a generator): the gains and the driver's reference frame as parameters, the
 * scan that picks the reference, and its hand-over to the parts of a split run.
 */

/**
 * The retargeting parameters; `subject` names the face the driver moves in their help ("painting", "target"), so
 * each node's reference reads in its own words.
 */
export function retargetingParams(subject: string) {
  return {
    expression: number(1, { min: 0, max: 2, help: 'expression strength: 0 none, 1 as driven, 2 exaggerated' }),
    headPose: number(1, { min: 0, max: 1.5, help: `head motion strength: 0 keeps the ${subject} still (expression only)` }),
    mouth: number(1, { min: 0, max: 2, help: 'gain on the mouth and jaw' }),
    eyes: number(1, { min: 0, max: 2, help: 'gain on eyelids and gaze' }),
    brows: number(1, { min: 0, max: 2, help: 'gain on the eyebrows' }),
    reference: choice(referenceModes, 'first', {
      help: `the driver's frame whose expression is the ${subject}'s own: first (first face), frame (referenceFrame), neutral (most neutral face; reads the driver once more before rendering)`,
    }),
    referenceFrame: integer(0, { min: 0, max: 10_000_000, help: 'with reference "frame": its index among the frames rendered (0 is the first)' }),
  };
}

interface ReferenceParams {
  reference: ReferenceMode;
  referenceFrame: number;
}

/** The gains of transferMotion, from the retargeting parameters. */
export function transferGains(params: TransferGains): TransferGains {
  const { expression, headPose, mouth, eyes, brows } = params;
  return { expression, headPose, mouth, eyes, brows };
}

/** The picker for a run, after checking that a chosen reference frame is one the run renders. */
export function referencePicker(ctx: { nodeId: string; params: ReferenceParams; timeline?: { frameCount: number }; settings: { part?: unknown } }): ReferencePicker {
  const { reference, referenceFrame } = ctx.params;
  const frames = ctx.timeline?.frameCount;
  // A part of a longer run (a queue's chunk) is shorter than the run; the whole run's scan checked the frame.
  if (reference === 'frame' && frames !== undefined && referenceFrame >= frames && !ctx.settings.part) {
    throw new UsageError(`node "${ctx.nodeId}": referenceFrame ${referenceFrame} is past the last frame rendered (${frames - 1})`);
  }
  return new ReferencePicker(reference, referenceFrame);
}

/**
 * The scan of the driver's faces that picks the reference. "first" needs none in a full run (the first frame comes
 * first), but a run that renders one frame must look. Typed by the node's state, which holds the picker.
 */
export function driverReferenceScan<S extends { picker: ReferencePicker }>() {
  return {
    input: 'drivingFace' as const,
    wanted: (params: ReferenceParams, run: { singleFrame: boolean }) => params.reference !== 'first' || run.singleFrame,
    visit: (ctx: { frame?: { index: number } }, face: unknown, state: S) => state.picker.see(ctx.frame!.index, face as FaceLandmarks | undefined),
    result: (state: S) => referenceToJson(state.picker.pick()),
    adopt: (state: S, result: unknown) => state.picker.adopt(referenceFromJson(result)),
  };
}

/** The reference face: the scan's pick, else (no scan) the face seen now; warns where the chosen frame had none. */
export function pickReference(ctx: { warn(message: string): void; params: { referenceFrame: number } }, picker: ReferencePicker, current: FaceLandmarks | undefined) {
  const picked = picker.pick();
  if (picked && picked.index !== ctx.params.referenceFrame && picker.mode === 'frame') {
    ctx.warn(`the driver has no face in frame ${ctx.params.referenceFrame}; frame ${picked.index} is the reference`);
  }
  if (!picked && picker.mode === 'frame') ctx.warn('the driver has no face at or after the reference frame; its first face is the reference');
  return picked?.face ?? current;
}

/** The picked reference as plain JSON (typed arrays as number lists), to hand to the parts of a split run. */
function referenceToJson(picked: { index: number; face: FaceLandmarks } | undefined): unknown {
  if (!picked) return null;
  const { points, transform, confidence, found } = picked.face;
  return { index: picked.index, face: { points: Array.from(points), transform: Array.from(transform), confidence, found } };
}

function referenceFromJson(value: unknown): { index: number; face: FaceLandmarks } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { index, face } = value as { index: number; face: { points: number[]; transform: number[]; confidence: number; found: boolean } };
  return { index, face: { points: Float32Array.from(face.points), transform: Float32Array.from(face.transform), confidence: face.confidence, found: face.found } };
}
