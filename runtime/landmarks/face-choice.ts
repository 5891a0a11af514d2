/**
 * Which face to animate when a frame holds several, kept on the same person from frame to frame: the first choice
 * follows the user's rule, later frames follow the chosen face by position, so a bigger face walking past does not
 * steal the choice.
 */

/** How to pick a face when there is no tracked face to follow. */
export type FaceChoice =
  | { mode: 'largest' }
  /** The index-th face counted from the left (by box centre), 0-based. */
  | { mode: 'index'; index: number }
  /** The face whose box centre is nearest this point, in pixels. */
  | { mode: 'nearest'; x: number; y: number };

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The bounding box of the x, y of every landmark (points hold x, y, z per landmark). */
export function faceBox(points: Float32Array): Box {
  const box = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (let i = 0; i + 1 < points.length; i += 3) {
    const x = points[i]!;
    const y = points[i + 1]!;
    box.left = Math.min(box.left, x);
    box.right = Math.max(box.right, x);
    box.top = Math.min(box.top, y);
    box.bottom = Math.max(box.bottom, y);
  }
  return box;
}

function centre(box: Box): { x: number; y: number } {
  return { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 };
}

function area(box: Box): number {
  return (box.right - box.left) * (box.bottom - box.top);
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

interface Candidate<T> {
  face: T;
  box: Box;
}

/** The face nearest `point` by box centre, if any. */
function nearestTo<T>(candidates: Candidate<T>[], point: { x: number; y: number }): Candidate<T> | undefined {
  let best: Candidate<T> | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(centre(candidate.box), point);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Picks by the rule alone. An index past the faces found picks none, rather than silently animating someone else. */
function pickByRule<T>(candidates: Candidate<T>[], choice: FaceChoice): Candidate<T> | undefined {
  switch (choice.mode) {
    case 'largest':
      return candidates.reduce<Candidate<T> | undefined>((best, c) => (best === undefined || area(c.box) > area(best.box) ? c : best), undefined);
    case 'index':
      return [...candidates].sort((a, b) => centre(a.box).x - centre(b.box).x)[choice.index];
    case 'nearest':
      return nearestTo(candidates, choice);
  }
}

export class FaceTracker<T extends { points: Float32Array }> {
  /** The box of the face chosen last; kept through frames without faces so the same person is found again. */
  private tracked: Box | undefined;

  constructor(private readonly choice: FaceChoice) {}

  /**
   * The face to use in this frame: the one nearest the previously chosen face, if it moved less than that face's
   * size since; otherwise the one the rule picks. Undefined when there are no faces (or the index is past them).
   */
  choose(faces: T[]): T | undefined {
    const candidates = faces.map((face) => ({ face, box: faceBox(face.points) }));
    const chosen = this.follow(candidates) ?? pickByRule(candidates, this.choice);
    if (chosen !== undefined) this.tracked = chosen.box;
    return chosen?.face;
  }

  /** Forgets the tracked face: the next frame is chosen by the rule again (after a cut, say). */
  reset(): void {
    this.tracked = undefined;
  }

  private follow(candidates: Candidate<T>[]): Candidate<T> | undefined {
    if (this.tracked === undefined) return undefined;
    const previous = this.tracked;
    const nearest = nearestTo(candidates, centre(previous));
    if (nearest === undefined) return undefined;
    const size = Math.max(previous.right - previous.left, previous.bottom - previous.top);
    return distance(centre(nearest.box), centre(previous)) < size ? nearest : undefined;
  }
}
