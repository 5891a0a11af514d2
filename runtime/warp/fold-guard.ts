import { signedArea2 } from '../geometry/triangle-area.ts';

/**
 * Keeps a piecewise-affine warp one-to-one. A target triangle whose winding flips against its source triangle draws
 * its content mirrored over its neighbours (the "torn" far side of a turned face); one that collapses smears a line of
 * pixels. With the mesh's border fixed and every triangle keeping its winding and some area, the warp is a bijection
 * of the picture onto itself: nothing folds, nothing is drawn twice, no hole opens.
 *
 * The guard moves only what it must: each offending triangle has its most-moved vertex pushed across the opposite
 * edge just far enough to restore the triangle's area, round after round, so that a sliver shaken by landmark noise
 * moves by a fraction of a pixel and a far side turning past the silhouette is pressed against it instead of folding
 * over it. Should that not settle, all motion is scaled down together, which always ends folding (no motion is the
 * identity).
 */

export interface FoldGuardOptions {
  /** The smallest share of its source area a triangle may keep (default 0.1): less reads as a collapse. */
  minAreaRatio?: number;
  /** Per point, 1 where the point must not move (border anchors). */
  pinned?: Uint8Array;
}

export interface FoldGuardResult {
  points: Float32Array;
  /** Triangles that flipped or collapsed in the motion asked for. */
  foldedBefore: number;
  /** Triangles that still flip or collapse in `points` (0 unless the source mesh itself was degenerate). */
  foldedAfter: number;
  /** True where the motion had to be changed. */
  clamped: boolean;
  /** The share of the motion asked for that all points kept: 1 unless local repair failed and all motion was scaled. */
  share: number;
}

/** The mesh's fixed facts, computed once per mesh: source areas and who neighbours whom. */
export interface FoldGuardMesh {
  triangles: Uint32Array;
  sourcePoints: Float32Array;
  /** Twice the signed source area of each triangle. */
  sourceArea: Float64Array;
  neighbours: Uint32Array[];
}

export function foldGuardMesh(sourcePoints: Float32Array, triangles: Uint32Array): FoldGuardMesh {
  const count = sourcePoints.length / 2;
  const sourceArea = new Float64Array(triangles.length / 3);
  const sets = Array.from({ length: count }, () => new Set<number>());
  for (let t = 0; t < sourceArea.length; t++) {
    const [a, b, c] = [triangles[3 * t]!, triangles[3 * t + 1]!, triangles[3 * t + 2]!];
    sourceArea[t] = signedArea2(sourcePoints, a, b, c);
    sets[a]!.add(b).add(c);
    sets[b]!.add(a).add(c);
    sets[c]!.add(a).add(b);
  }
  return { triangles, sourcePoints, sourceArea, neighbours: sets.map((set) => Uint32Array.from(set)) };
}

/** Rounds of local repair before falling back to scaling all motion down. */
const localRounds = 30;

export function guardFolds(mesh: FoldGuardMesh, targetPoints: Float32Array, options: FoldGuardOptions = {}): FoldGuardResult {
  const minRatio = options.minAreaRatio ?? 0.1;
  const limits = Float64Array.from(mesh.sourceArea, (area) => minRatio * Math.abs(area));
  const isFolded = (points: Float32Array, t: number) => {
    const area = mesh.sourceArea[t]!;
    // A source triangle of no area has no winding to keep.
    if (area === 0) return false;
    const kept = Math.sign(area) * signedArea2(points, mesh.triangles[3 * t]!, mesh.triangles[3 * t + 1]!, mesh.triangles[3 * t + 2]!);
    // Written so a NaN counts as folded.
    return !(kept > limits[t]!);
  };
  const folded = (points: Float32Array) => {
    const list: number[] = [];
    for (let t = 0; t < mesh.sourceArea.length; t++) if (isFolded(points, t)) list.push(t);
    return list;
  };

  const foldedBefore = folded(targetPoints);
  if (foldedBefore.length === 0) return { points: targetPoints, foldedBefore: 0, foldedAfter: 0, clamped: false, share: 1 };

  const source = mesh.sourcePoints;
  const points = Float32Array.from(targetPoints);
  let bad = foldedBefore;
  for (let round = 0; round < localRounds && bad.length > 0; round++) {
    for (const t of bad) {
      if (isFolded(points, t)) restoreArea(mesh, points, t, limits[t]!, options.pinned);
    }
    bad = folded(points);
  }
  let share = 1;
  if (bad.length > 0) {
    const motion = Float64Array.from(targetPoints, (value, i) => value - source[i]!);
    share = scaleUntilUnfolded(source, motion, points, folded);
  }
  return { points, foldedBefore: foldedBefore.length, foldedAfter: folded(points).length, clamped: true, share };
}

/**
 * Moves the triangle's most-moved free vertex at right angles to the opposite edge until the triangle's area (in its
 * source winding) is back over `limit`, with a little to spare so that rounding cannot tip it back.
 */
function restoreArea(mesh: FoldGuardMesh, points: Float32Array, t: number, limit: number, pinned: Uint8Array | undefined): void {
  const corners = [mesh.triangles[3 * t]!, mesh.triangles[3 * t + 1]!, mesh.triangles[3 * t + 2]!];
  const winding = Math.sign(mesh.sourceArea[t]!);
  let pick = -1;
  let most = -1;
  for (let k = 0; k < 3; k++) {
    const v = corners[k]!;
    if (pinned?.[v]) continue;
    const moved = Math.hypot(points[2 * v]! - mesh.sourcePoints[2 * v]!, points[2 * v + 1]! - mesh.sourcePoints[2 * v + 1]!);
    if (moved > most) {
      most = moved;
      pick = k;
    }
  }
  if (pick < 0) return;
  const v = corners[pick]!;
  const p = corners[(pick + 1) % 3]!;
  const q = corners[(pick + 2) % 3]!;
  const ex = points[2 * q]! - points[2 * p]!;
  const ey = points[2 * q + 1]! - points[2 * p + 1]!;
  const length = Math.hypot(ex, ey);
  if (!(length > 1e-9)) return;
  const kept = winding * signedArea2(points, v, p, q);
  const wanted = limit + 0.05 * Math.abs(mesh.sourceArea[t]!) + 1e-3;
  const push = (winding * (wanted - kept)) / length;
  // Twice the area grows by |pq| for each unit v moves along the edge's left normal (-ey, ex) / |pq|.
  points[2 * v] = points[2 * v]! - (push * ey) / length;
  points[2 * v + 1] = points[2 * v + 1]! + (push * ex) / length;
}

/** Scales all motion down to the largest share (found by bisection) under which nothing folds. */
function scaleUntilUnfolded(source: Float32Array, motion: Float64Array, points: Float32Array, folded: (points: Float32Array) => number[]): number {
  const at = (share: number) => {
    for (let i = 0; i < points.length; i++) points[i] = source[i]! + share * motion[i]!;
  };
  let good = 0;
  let bad = 1;
  for (let step = 0; step < 12; step++) {
    const share = (good + bad) / 2;
    at(share);
    if (folded(points).length === 0) good = share;
    else bad = share;
  }
  at(good);
  return good;
}
