import { faceMotion } from '../eval/face-motion.ts';
import { type FaceLandmarks, landmarkDistance } from '../face.ts';

export const referenceModes = ['first', 'frame', 'neutral'] as const;
export type ReferenceMode = (typeof referenceModes)[number];

/** What makes a face look neutral, measured so that it does not depend on the face's size. */
interface NeutralFeatures {
  mouthOpening: number;
  /** Mouth corners apart over face width: a smile widens it. */
  mouthWidth: number;
  /** Lip height over mouth width: a pout or an "o" rounds the mouth. */
  mouthRoundness: number;
  eyeOpening: number;
  /** Where the irises sit between the eye corners, over eye width: 0 in the middle. */
  gazeX: number;
  gazeY: number;
  /** Brow above the upper lid, over face height: raised brows lift it. */
  browHeight: number;
  yaw: number;
  pitch: number;
  roll: number;
}

function neutralFeatures(face: FaceLandmarks): NeutralFeatures {
  const { mouthOpening, eyeOpening, yaw, pitch, roll, gazeX, gazeY } = faceMotion(face);
  const gap = (a: number, b: number) => landmarkDistance(face.points, a, b);
  const faceHeight = gap(10, 152);
  return {
    mouthOpening,
    mouthWidth: gap(61, 291) / gap(234, 454),
    mouthRoundness: gap(0, 17) / gap(61, 291),
    eyeOpening,
    gazeX,
    gazeY,
    browHeight: (gap(105, 159) + gap(334, 386)) / (2 * faceHeight),
    yaw,
    pitch,
    roll,
  };
}

/**
 * Where each feature sits in a neutral face and how far from it counts as one unit of difference: the mouth closed
 * (near its lowest opening in the run), the mouth relaxed, everything else at the driver's usual value, so that open
 * mouths, smiles, blinks, glances, raised brows and turned heads all count against a frame. Fixed units, not the run's spread: a driver who
 * talks throughout must not make an open mouth look usual.
 */
const neutralTargets: Record<keyof NeutralFeatures, { quantile: number; unit: number }> = {
  mouthOpening: { quantile: 0.05, unit: 0.01 },
  mouthWidth: { quantile: 0.5, unit: 0.03 },
  // A resting mouth is among the least round: pouts and "o" shapes are the rounder ones.
  mouthRoundness: { quantile: 0.2, unit: 0.03 },
  eyeOpening: { quantile: 0.5, unit: 0.03 },
  gazeX: { quantile: 0.5, unit: 0.03 },
  gazeY: { quantile: 0.5, unit: 0.03 },
  browHeight: { quantile: 0.5, unit: 0.01 },
  yaw: { quantile: 0.5, unit: 3 },
  pitch: { quantile: 0.5, unit: 3 },
  roll: { quantile: 0.5, unit: 3 },
};

/** At most this many candidate faces are kept, evenly spread over the stream, so long drivers use bounded memory. */
const maxCandidates = 512;

/**
 * Picks the driver's reference face from the faces of a scan: a chosen frame, or the most neutral frame (mouth
 * closed, eyes open as usual, brows at rest, head at its usual pose).
 */
export class ReferencePicker {
  private candidates: { index: number; face: FaceLandmarks; features: NeutralFeatures }[] = [];
  private stride = 1;
  private chosen: { index: number; face: FaceLandmarks } | undefined;
  private adopted: { picked: { index: number; face: FaceLandmarks } | undefined } | undefined;

  constructor(
    readonly mode: ReferenceMode,
    private readonly frame = 0,
  ) {}

  /** Sees one frame's face (undefined where none was found); returns 'enough' once more frames cannot change the pick. */
  see(index: number, face: FaceLandmarks | undefined): 'enough' | void {
    if (this.mode === 'first' || this.mode === 'frame') {
      // The chosen frame, or the first face after it where that frame has none.
      if (index >= (this.mode === 'first' ? 0 : this.frame) && face) {
        this.chosen = { index, face };
        return 'enough';
      }
      return;
    }
    if (!face || index % this.stride !== 0) return;
    this.candidates.push({ index, face, features: neutralFeatures(face) });
    if (this.candidates.length > maxCandidates) {
      this.stride *= 2;
      this.candidates = this.candidates.filter((candidate) => candidate.index % this.stride === 0);
    }
  }

  /** Takes the pick another run's scan made (a queue's chunk gets the whole run's): `pick` returns it from now on. */
  adopt(picked: { index: number; face: FaceLandmarks } | undefined): void {
    this.adopted = { picked };
  }

  /** The reference and the frame it came from; undefined where the scan saw no face. */
  pick(): { index: number; face: FaceLandmarks } | undefined {
    if (this.adopted) return this.adopted.picked;
    if (this.mode !== 'neutral') return this.chosen;
    if (this.candidates.length === 0) return undefined;
    const keys = Object.keys(neutralTargets) as (keyof NeutralFeatures)[];
    const scales = keys.map((key) => {
      const values = this.candidates.map((c) => c.features[key]).sort((a, b) => a - b);
      return { key, target: quantile(values, neutralTargets[key].quantile), spread: neutralTargets[key].unit };
    });
    let best = this.candidates[0]!;
    let bestScore = Infinity;
    for (const candidate of this.candidates) {
      const score = scales.reduce((sum, { key, target, spread }) => sum + ((candidate.features[key] - target) / spread) ** 2, 0);
      if (score < bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    return { index: best.index, face: best.face };
  }
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}
