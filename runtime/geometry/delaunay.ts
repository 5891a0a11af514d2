/**
 * Delaunay triangulation of a 2-D point set by sweep-hull with edge flips (the method of the Delaunator library):
 * points are added in order of distance from a seed triangle, so each new point lies outside the hull built so far;
 * it is joined to every hull edge it can see, and each new edge is flipped until its triangles pass the
 * empty-circumcircle test. About O(n log n): 2,000 points take around a millisecond.
 *
 * Output orientation: every triangle [a, b, c] has (b - a) x (c - a) = (bx - ax)(cy - ay) - (by - ay)(cx - ax) < 0,
 * which is counter-clockwise as seen on screen (image coordinates, y pointing down).
 *
 * Coincident points: only the lowest index of a group is used, the others appear in no triangle. Points with a
 * non-finite coordinate are left out too. If every point lies on one line there is no triangle, and the result is
 * empty.
 */
export function delaunay(points: Float64Array | Float32Array): Uint32Array {
  const count = points.length >> 1;
  const ids = finitePointIds(points, count);
  const seed = seedTriangle(points, ids);
  if (seed === undefined) return new Uint32Array(0);
  const sweep = new Sweep(points, count, seed);
  sweep.insertAll(ids);
  return sweep.screenCounterClockwiseTriangles();
}

/** Twice the signed area of (a, b, c); positive when c lies to the left of a -> b with y pointing up. */
function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/**
 * Whether c lies strictly to the left of a -> b (y up), counting a result within rounding error of zero as
 * "on the line", so nearly collinear points never make a zero-area triangle.
 */
function strictlyLeft(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  const left = (bx - ax) * (cy - ay);
  const right = (by - ay) * (cx - ax);
  return left - right > ORIENT_ERROR * (Math.abs(left) + Math.abs(right));
}

/** Shewchuk's error bound for the plain floating-point orientation determinant, with a little margin. */
const ORIENT_ERROR = 4e-16;
/** Likewise for the in-circle determinant: closer calls are treated as co-circular and left unflipped. */
const INCIRCLE_ERROR = 1e-13;

/**
 * Whether d lies strictly inside the circumcircle of (a, b, c), given (a, b, c) is counter-clockwise with y up.
 * Near-ties count as outside, so co-circular points (a square grid) never flip back and forth.
 */
function inCircumcircle(
  ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number,
): boolean {
  const adx = ax - dx;
  const ady = ay - dy;
  const bdx = bx - dx;
  const bdy = by - dy;
  const cdx = cx - dx;
  const cdy = cy - dy;
  const al = adx * adx + ady * ady;
  const bl = bdx * bdx + bdy * bdy;
  const cl = cdx * cdx + cdy * cdy;
  const termA = al * (bdx * cdy - bdy * cdx);
  const termB = bl * (cdx * ady - cdy * adx);
  const termC = cl * (adx * bdy - ady * bdx);
  const permanent =
    al * (Math.abs(bdx * cdy) + Math.abs(bdy * cdx)) +
    bl * (Math.abs(cdx * ady) + Math.abs(cdy * adx)) +
    cl * (Math.abs(adx * bdy) + Math.abs(ady * bdx));
  return termA + termB + termC > INCIRCLE_ERROR * permanent;
}

function finitePointIds(points: Float64Array | Float32Array, count: number): Uint32Array {
  const ids = new Uint32Array(count);
  let kept = 0;
  for (let i = 0; i < count; i++) {
    if (Number.isFinite(points[2 * i]!) && Number.isFinite(points[2 * i + 1]!)) ids[kept++] = i;
  }
  return ids.subarray(0, kept);
}

interface Seed {
  i0: number;
  i1: number;
  i2: number;
}

/**
 * The first triangle: the point nearest the middle of the bounding box, its nearest neighbour, and the point that
 * makes the smallest circumcircle with them (ordered counter-clockwise, y up). Undefined when all points are
 * collinear or coincident.
 */
function seedTriangle(points: Float64Array | Float32Array, ids: Uint32Array): Seed | undefined {
  if (ids.length < 3) return undefined;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const i of ids) {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  const i0 = nearest(points, ids, (minX + maxX) / 2, (minY + maxY) / 2, -1);
  const x0 = points[2 * i0]!;
  const y0 = points[2 * i0 + 1]!;
  const i1 = nearest(points, ids, x0, y0, i0);
  if (i1 < 0) return undefined;
  const x1 = points[2 * i1]!;
  const y1 = points[2 * i1 + 1]!;
  let i2 = -1;
  let smallest = Infinity;
  for (const i of ids) {
    if (i === i0 || i === i1) continue;
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    if (!strictlyLeft(x0, y0, x1, y1, x, y) && !strictlyLeft(x1, y1, x0, y0, x, y)) continue;
    const r = circumradiusSquared(x0, y0, x1, y1, x, y);
    if (r < smallest) {
      smallest = r;
      i2 = i;
    }
  }
  if (i2 < 0) return undefined;
  const x2 = points[2 * i2]!;
  const y2 = points[2 * i2 + 1]!;
  return cross(x0, y0, x1, y1, x2, y2) > 0 ? { i0, i1, i2 } : { i0, i1: i2, i2: i1 };
}

/** The lowest-index point nearest (x, y) that does not coincide with it when `exclude` is set (-1 if none). */
function nearest(points: Float64Array | Float32Array, ids: Uint32Array, x: number, y: number, exclude: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (const i of ids) {
    if (i === exclude) continue;
    const d = (points[2 * i]! - x) ** 2 + (points[2 * i + 1]! - y) ** 2;
    if (exclude >= 0 && d === 0) continue;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

function circumradiusSquared(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const { x, y } = circumcentreOffset(ax, ay, bx, by, cx, cy);
  return x * x + y * y;
}

/** The circumcentre of (a, b, c) relative to a. */
function circumcentreOffset(
  ax: number, ay: number, bx: number, by: number, cx: number, cy: number,
): { x: number; y: number } {
  const dx = bx - ax;
  const dy = by - ay;
  const ex = cx - ax;
  const ey = cy - ay;
  const bl = dx * dx + dy * dy;
  const cl = ex * ex + ey * ey;
  const d = 0.5 / (dx * ey - dy * ex);
  return { x: (ey * bl - dy * cl) * d, y: (dx * cl - ex * bl) * d };
}

/** Maps a direction to [0, 1) monotonically with its angle, without trigonometry: the hull lookup's hash key. */
function pseudoAngle(dx: number, dy: number): number {
  const p = dx / (Math.abs(dx) + Math.abs(dy));
  return (dy > 0 ? 3 - p : 1 + p) / 4;
}

/**
 * The triangulation being built. Triangles are stored as half-edges: half-edge e runs from vertex triangles[e] to
 * the next corner of its triangle (e + 1, wrapping within the triple) and twins[e] is the opposite half-edge in the
 * neighbouring triangle, or -1 on the hull. Internally triangles are counter-clockwise with y up.
 */
class Sweep {
  private readonly triangles: Uint32Array;
  private readonly twins: Int32Array;
  private length = 0;
  /** The hull as a circular list, counter-clockwise (y up); a removed vertex points to itself. */
  private readonly hullNext: Uint32Array;
  private readonly hullPrev: Uint32Array;
  /** For a hull vertex v, the half-edge v -> hullNext[v] (its twin is -1). */
  private readonly hullEdge: Int32Array;
  /** Hull vertices bucketed by angle around the seed's circumcentre: a fast place to start looking. */
  private readonly hullHash: Int32Array;
  private readonly centreX: number;
  private readonly centreY: number;
  private readonly flipStack: number[] = [];
  /** Some vertex still on the hull, for when the hash holds only removed ones. */
  private hullStart: number;

  constructor(
    private readonly points: Float64Array | Float32Array,
    count: number,
    private readonly seed: Seed,
  ) {
    const maxTriangles = Math.max(2 * count - 5, 1);
    this.triangles = new Uint32Array(maxTriangles * 3);
    this.twins = new Int32Array(maxTriangles * 3);
    this.hullNext = new Uint32Array(count);
    this.hullPrev = new Uint32Array(count);
    this.hullEdge = new Int32Array(count);
    this.hullHash = new Int32Array(Math.max(1, Math.ceil(Math.sqrt(count)))).fill(-1);

    const { i0, i1, i2 } = seed;
    const x0 = this.x(i0);
    const y0 = this.y(i0);
    const centre = circumcentreOffset(x0, y0, this.x(i1), this.y(i1), this.x(i2), this.y(i2));
    this.centreX = x0 + centre.x;
    this.centreY = y0 + centre.y;

    this.hullNext[i0] = i1;
    this.hullNext[i1] = i2;
    this.hullNext[i2] = i0;
    this.hullPrev[i1] = i0;
    this.hullPrev[i2] = i1;
    this.hullPrev[i0] = i2;
    this.hullStart = i0;
    const t = this.addTriangle(i0, i1, i2, -1, -1, -1);
    this.hullEdge[i0] = t;
    this.hullEdge[i1] = t + 1;
    this.hullEdge[i2] = t + 2;
    for (const i of [i0, i1, i2]) this.hullHash[this.hashKey(this.x(i), this.y(i))] = i;
  }

  private x(i: number): number {
    return this.points[2 * i]!;
  }

  private y(i: number): number {
    return this.points[2 * i + 1]!;
  }

  private hashKey(x: number, y: number): number {
    const size = this.hullHash.length;
    return Math.floor(pseudoAngle(x - this.centreX, y - this.centreY) * size) % size;
  }

  /** Adds every point in order of distance from the seed's circumcentre, so each lands outside the current hull. */
  insertAll(ids: Uint32Array): void {
    const distance = new Float64Array(this.hullNext.length);
    for (const i of ids) distance[i] = (this.x(i) - this.centreX) ** 2 + (this.y(i) - this.centreY) ** 2;
    const order = Uint32Array.from(ids).sort((a, b) => distance[a]! - distance[b]!);
    const { i0, i1, i2 } = this.seed;
    let previous = -1;
    for (const i of order) {
      const x = this.x(i);
      const y = this.y(i);
      // Coincident points sort next to each other (the sort is stable, so the lowest index comes first).
      const duplicate = previous >= 0 && x === this.x(previous) && y === this.y(previous);
      previous = i;
      if (duplicate || i === i0 || i === i1 || i === i2) continue;
      this.insert(i, x, y);
    }
  }

  /** Joins point i to the hull edges it can see, then restores the Delaunay property around it. */
  private insert(i: number, x: number, y: number): void {
    const { hullNext, hullPrev, hullEdge } = this;
    const visibleStart = this.findVisibleEdge(x, y);
    // No visible edge: the point coincides with a hull vertex (a duplicate the sort did not put side by side).
    if (visibleStart < 0) return;

    let start = visibleStart;
    let end = hullNext[start]!;
    let t = this.addTriangle(start, i, end, -1, -1, hullEdge[start]!);
    hullEdge[start] = t;
    hullEdge[i] = t + 1;
    this.legalize(t + 2);

    // Walk forward along the hull while the next edge is visible too, then backward.
    for (let next = hullNext[end]!; this.sees(x, y, end, next); next = hullNext[end]!) {
      t = this.addTriangle(end, i, next, hullEdge[i]!, -1, hullEdge[end]!);
      hullEdge[i] = t + 1;
      this.legalize(t + 2);
      hullNext[end] = end;
      end = next;
    }
    for (let previous = hullPrev[start]!; this.sees(x, y, previous, start); previous = hullPrev[start]!) {
      t = this.addTriangle(previous, i, start, -1, hullEdge[start]!, hullEdge[previous]!);
      hullEdge[previous] = t;
      this.legalize(t + 2);
      hullNext[start] = start;
      start = previous;
    }

    hullPrev[i] = start;
    hullNext[start] = i;
    hullPrev[end] = i;
    hullNext[i] = end;
    this.hullStart = i;
    this.hullHash[this.hashKey(x, y)] = i;
    this.hullHash[this.hashKey(this.x(start), this.y(start))] = start;
  }

  /** Whether (x, y) lies strictly outside hull edge a -> b (to its right, y up). */
  private sees(x: number, y: number, a: number, b: number): boolean {
    return strictlyLeft(this.x(b), this.y(b), this.x(a), this.y(a), x, y);
  }

  /** A hull vertex whose outgoing edge the point can see, or -1 if it sees none. */
  private findVisibleEdge(x: number, y: number): number {
    const { hullHash, hullNext, hullPrev } = this;
    const size = hullHash.length;
    const key = this.hashKey(x, y);
    let start = this.hullStart;
    for (let j = 0; j < size; j++) {
      const candidate = hullHash[(key + j) % size]!;
      if (candidate >= 0 && hullNext[candidate] !== candidate) {
        start = candidate;
        break;
      }
    }
    start = hullPrev[start]!;
    let e = start;
    while (!this.sees(x, y, e, hullNext[e]!)) {
      e = hullNext[e]!;
      if (e === start) return -1;
    }
    return e;
  }

  private addTriangle(a: number, b: number, c: number, ab: number, bc: number, ca: number): number {
    const t = this.length;
    this.triangles[t] = a;
    this.triangles[t + 1] = b;
    this.triangles[t + 2] = c;
    this.link(t, ab);
    this.link(t + 1, bc);
    this.link(t + 2, ca);
    this.length += 3;
    return t;
  }

  private link(a: number, b: number): void {
    this.twins[a] = b;
    if (b >= 0) this.twins[b] = a;
  }

  /**
   * Flips half-edge `a` and then every edge the flips expose, until all pass the empty-circumcircle test.
   *
   *        pl                    pl
   *       /||\                  /  \
   *    al/ || \bl            al/    \a
   *     /  ||  \              /      \
   *    p0 a||b  p1    -->    p0------p1
   *     \  ||  /              \      /
   *    ar\ || /br            ar\    /br
   *       \||/                  \  /b
   *        pr                    pr
   */
  private legalize(first: number): void {
    const { triangles, twins, flipStack } = this;
    flipStack.length = 0;
    let a = first;
    for (;;) {
      const b = twins[a]!;
      const a0 = a - (a % 3);
      const ar = a0 + ((a + 2) % 3);
      if (b < 0) {
        if (flipStack.length === 0) return;
        a = flipStack.pop()!;
        continue;
      }
      const b0 = b - (b % 3);
      const al = a0 + ((a + 1) % 3);
      const bl = b0 + ((b + 2) % 3);
      const p0 = triangles[ar]!;
      const pr = triangles[a]!;
      const pl = triangles[al]!;
      const p1 = triangles[bl]!;
      const illegal = inCircumcircle(
        this.x(pr), this.y(pr), this.x(pl), this.y(pl), this.x(p0), this.y(p0), this.x(p1), this.y(p1),
      );
      if (!illegal) {
        if (flipStack.length === 0) return;
        a = flipStack.pop()!;
        continue;
      }
      triangles[a] = p1;
      triangles[b] = p0;
      const blTwin = twins[bl]!;
      const arTwin = twins[ar]!;
      this.link(a, blTwin);
      this.link(b, arTwin);
      this.link(ar, bl);
      // A hull edge that moved to another slot must be found there from now on.
      if (blTwin < 0) this.hullEdge[p1] = a;
      if (arTwin < 0) this.hullEdge[p0] = b;
      flipStack.push(b0 + ((b + 1) % 3));
    }
  }

  /** The finished triangles, reordered from counter-clockwise with y up to counter-clockwise on screen. */
  screenCounterClockwiseTriangles(): Uint32Array {
    const out = this.triangles.slice(0, this.length);
    for (let t = 0; t < out.length; t += 3) {
      const b = out[t + 1]!;
      out[t + 1] = out[t + 2]!;
      out[t + 2] = b;
    }
    return out;
  }
}
