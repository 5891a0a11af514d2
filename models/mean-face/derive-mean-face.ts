/**
 * Derives the fixed mean face that `runtime/align/mean-face.ts` holds, from real frontal faces: the 478 MediaPipe
 * landmarks of every near-frontal frame of a few talking-head videos. Run by hand, never by the app:
 *
 *   npx tsx tools/derive-mean-face.ts [--write] video...
 *
 * (default videos: d0, d18, d20 and d13 of ../shared/media/driving). It prints the source of mean-face.ts, or with
 * --write replaces the file. The template is versioned by name: changing it means a new name (v2), since crops
 * extracted with one template do not fit a model trained on another.
 */
import { ovalLandmarks } from '../../runtime/face-topology.ts';
import { type Affine, applyAffine, similarityTransform } from '../../runtime/geometry/affine.ts';

/**
 * The landmarks the template holds, by what they are, with each one's mirror partner (the same point on the other
 * side of the face; a point on the midline is its own). Picked for being stable under expression where they can be
 * (eye corners, brows, nose) and for spreading the fit over the whole face (lips and jaw pin its lower half).
 */
export const templateLandmarks: readonly (readonly [number, number])[] = [
  // Eye corners and lid midpoints (the eye centres LivePortrait's crop uses too).
  [33, 263], [133, 362], [159, 386], [145, 374],
  // Upper brow line, outer to inner.
  [70, 300], [63, 293], [105, 334], [66, 296], [107, 336],
  // Nose bridge down to the tip, and the nostril wings.
  [168, 168], [6, 6], [197, 197], [195, 195], [5, 5], [4, 4], [1, 1], [98, 327],
  // Mouth corners, the outer and inner lip centres, and the outer lips halfway to the corners.
  [61, 291], [0, 0], [17, 17], [13, 13], [14, 14], [40, 270], [91, 321],
  // The face's sides at the ears, and the chin.
  [234, 454], [152, 152],
];

/** Where each side's points are listed first in a pair: the person's right (the image's left in a frontal face). */
export const templateIndices: readonly number[] = [...new Set(templateLandmarks.flat())];

/** How much of the crop the face oval's height (hairline to chin) fills: DeepFaceLab's "whole face" is about 3/4. */
export const ovalHeightInCrop = 0.75;

/** A frame counts as frontal within this many degrees of yaw and pitch. */
export const frontalDegrees = 15;

export interface MeanFace {
  /** x, y pairs, one per `templateIndices` entry, in unit crop coordinates (0..1 across the crop). */
  points: Float64Array;
  /** The mean face oval's box in the same coordinates. */
  oval: { left: number; top: number; right: number; bottom: number };
  faces: number;
}

/**
 * Generalised Procrustes over the template landmarks: every face is fitted by a similarity onto the running mean,
 * the mean is recomputed (and held at zero centroid and unit size so it cannot drift or shrink), ten times. Then
 * it is turned upright (mirror pairs horizontal), made exactly left-right symmetric (each pair averaged with its
 * partner's mirror image), scaled so the mean face oval's height is `ovalHeightInCrop` and centred in the crop.
 */
export function deriveMeanFace(faces: readonly Float32Array[]): MeanFace {
  if (faces.length === 0) throw new Error('no faces to derive a mean face from');
  const count = templateIndices.length;
  const picked = faces.map((points) => pick(points, templateIndices));
  const whole = faces.map((points) => pick(points, Array.from({ length: points.length / 3 }, (_, i) => i)));
  let mean = normalised(picked[0]!);
  let meanWhole: Float64Array = new Float64Array(whole[0]!.length);
  for (let iteration = 0; iteration < 10; iteration++) {
    const next = new Float64Array(count * 2);
    meanWhole = new Float64Array(whole[0]!.length);
    for (let f = 0; f < faces.length; f++) {
      const fit = similarityTransform(picked[f]!, mean, count);
      accumulate(next, picked[f]!, fit, 1 / faces.length);
      accumulate(meanWhole, whole[f]!, fit, 1 / faces.length);
    }
    const norm = similarityTransform(next, normalised(next), count);
    mean = mapAll(norm, next);
    meanWhole = mapAll(norm, meanWhole);
  }

  // Upright: the sum of the pairs' right-to-left vectors points along +x.
  const slot = new Map(templateIndices.map((index, i) => [index, i]));
  let vx = 0;
  let vy = 0;
  for (const [right, left] of templateLandmarks) {
    vx += mean[slot.get(left)! * 2]! - mean[slot.get(right)! * 2]!;
    vy += mean[slot.get(left)! * 2 + 1]! - mean[slot.get(right)! * 2 + 1]!;
  }
  const angle = Math.atan2(vy, vx);
  const upright: Affine = [Math.cos(angle), Math.sin(angle), 0, -Math.sin(angle), Math.cos(angle), 0];
  mean = mapAll(upright, mean);
  meanWhole = mapAll(upright, meanWhole);

  // Symmetric about the midline x = axis: each pair's two points become mirror images of their average.
  let axis = 0;
  for (const [right, left] of templateLandmarks) axis += (mean[slot.get(right)! * 2]! + mean[slot.get(left)! * 2]!) / 2;
  axis /= templateLandmarks.length;
  const symmetric = new Float64Array(mean);
  for (const [right, left] of templateLandmarks) {
    const r = slot.get(right)!;
    const l = slot.get(left)!;
    const x = (mean[r * 2]! - axis + (axis - mean[l * 2]!)) / 2;
    const y = (mean[r * 2 + 1]! + mean[l * 2 + 1]!) / 2;
    symmetric.set([axis + x, y], r * 2);
    symmetric.set([axis - x, y], l * 2);
  }

  // Into the unit crop: the oval's height to `ovalHeightInCrop`, the midline and the oval's middle at the centre.
  const box = boxOf(meanWhole, ovalLandmarks);
  const scale = ovalHeightInCrop / (box.bottom - box.top);
  const place: Affine = [scale, 0, 0.5 - scale * axis, 0, scale, 0.5 - (scale * (box.top + box.bottom)) / 2];
  const placedWhole = mapAll(place, meanWhole);
  return { points: mapAll(place, symmetric), oval: boxOf(placedWhole, ovalLandmarks), faces: faces.length };
}

/** The source text of runtime/align/mean-face.ts for a derived mean face. */
export function meanFaceSource(mean: MeanFace, sources: string[]): string {
  const rows: string[] = [];
  for (let i = 0; i < templateIndices.length; i++) {
    rows.push(`  ${templateIndices[i]}, ${mean.points[i * 2]!.toFixed(5)}, ${mean.points[i * 2 + 1]!.toFixed(5)},`);
  }
  const box = mean.oval;
  const f = (v: number) => v.toFixed(3);
  return `/**
 * The fixed mean face every aligned crop is fitted to ("vivify-mean-face-v1"): ${templateIndices.length} MediaPipe landmarks (eye corners and
 * lid midpoints, upper brows, nose bridge to tip and nostril wings, mouth corners, lip centres and outer lips, the
 * face's sides at the ears and the chin) in unit crop coordinates, 0..1 across the crop, y down.
 *
 * Derived once by models/mean-face/derive-mean-face.ts from the raw MediaPipe landmarks of the ${mean.faces} frames with yaw
 * and pitch within ${frontalDegrees}° of ${sources.join(', ')}: generalised Procrustes (each face fitted onto the running
 * mean by a similarity on these landmarks), turned upright, made exactly left-right symmetric, and scaled so that the
 * mean face oval (hairline 10 to chin 152) fills ${ovalHeightInCrop * 100}% of the crop's height, centred. The mean oval then spans
 * x ${f(box.left)}..${f(box.right)} and y ${f(box.top)}..${f(box.bottom)}: the whole face, ear to ear and brow to chin, with a margin.
 * Generated: do not edit by hand. A different template is a different alignment and needs a new name.
 */
export const meanFaceName = 'vivify-mean-face-v1';

/** Landmark index, then x, y in the unit crop. */
const table = [
${rows.join('\n')}
];

/** The template's MediaPipe landmark indices. */
export const meanFaceLandmarks: readonly number[] = table.filter((_, i) => i % 3 === 0);

/** x, y pairs in unit crop coordinates, one per entry of \`meanFaceLandmarks\`. */
export const meanFacePoints: Float64Array = Float64Array.from(table.filter((_, i) => i % 3 !== 0));

/** The mean face oval's box in unit crop coordinates (for reference: how much of the crop a face fills). */
export const meanFaceOval = { left: ${f(box.left)}, top: ${f(box.top)}, right: ${f(box.right)}, bottom: ${f(box.bottom)} } as const;
`;
}

function pick(points: ArrayLike<number>, indices: readonly number[]): Float64Array {
  const out = new Float64Array(indices.length * 2);
  indices.forEach((index, i) => {
    out[i * 2] = points[index * 3]!;
    out[i * 2 + 1] = points[index * 3 + 1]!;
  });
  return out;
}

/** The shape moved to zero centroid and scaled to unit root-mean-square radius. */
function normalised(points: Float64Array): Float64Array {
  const n = points.length / 2;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    cx += points[i * 2]! / n;
    cy += points[i * 2 + 1]! / n;
  }
  let rms = 0;
  for (let i = 0; i < n; i++) rms += ((points[i * 2]! - cx) ** 2 + (points[i * 2 + 1]! - cy) ** 2) / n;
  const s = 1 / Math.sqrt(rms);
  return mapAll([s, 0, -s * cx, 0, s, -s * cy], points);
}

function mapAll(m: Affine, points: Float64Array): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 2) out.set(applyAffine(m, points[i]!, points[i + 1]!), i);
  return out;
}

function accumulate(sum: Float64Array, points: Float64Array, m: Affine, weight: number): void {
  for (let i = 0; i < points.length; i += 2) {
    const [x, y] = applyAffine(m, points[i]!, points[i + 1]!);
    sum[i]! += x * weight;
    sum[i + 1]! += y * weight;
  }
}

function boxOf(points: Float64Array, indices: readonly number[]): MeanFace['oval'] {
  const xs = indices.map((i) => points[i * 2]!);
  const ys = indices.map((i) => points[i * 2 + 1]!);
  return { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) };
}
