/**
 * Which pixels of a width x height grid a triangle covers, as one run of pixels per row.
 *
 * A pixel is covered when its centre (x + 0.5, y + 0.5) lies strictly inside the triangle. A centre exactly on an
 * edge goes to the triangle on one fixed side of it (below a slanted or level edge, left of an upright one, in image
 * coordinates), as if every centre were nudged a hair down and a far smaller hair left. So triangles that share
 * edges cover each pixel exactly once: no cracks, no pixel drawn twice, along edges and at shared corners alike.
 *
 * For that to hold in floating point, a shared edge must give both of its triangles bit-for-bit the same edge
 * value: each edge is evaluated from its lexicographically smaller end, whatever the triangle's winding.
 */

/** Per edge: start x, start y, dx, dy (from the smaller end), and the side the triangle lies on (+1 or -1). */
const EDGE_FIELDS = 5;
/** Scratch for the current triangle's three edges (safe to share: nothing here runs concurrently). */
const edges = new Float64Array(3 * EDGE_FIELDS);

/**
 * Writes the covered runs into `spans` as (y, xStart, xEnd) triples, xEnd exclusive, in increasing y, and returns
 * how many runs there are. `spans` needs room for 3 * height numbers. Vertices may come in either winding; a
 * triangle of zero area (or with a non-finite coordinate) covers nothing.
 */
export function triangleSpans(
  ax: number, ay: number, bx: number, by: number, cx: number, cy: number,
  width: number, height: number, spans: Int32Array,
): number {
  if (!Number.isFinite(ax + ay + bx + by + cx + cy)) return 0;
  const minX = Math.max(0, Math.ceil(Math.min(ax, bx, cx) - 0.5));
  const maxX = Math.min(width - 1, Math.floor(Math.max(ax, bx, cx) - 0.5));
  const minY = Math.max(0, Math.ceil(Math.min(ay, by, cy) - 0.5));
  const maxY = Math.min(height - 1, Math.floor(Math.max(ay, by, cy) - 0.5));
  if (minX > maxX || minY > maxY) return 0;
  if (!setEdge(0, ax, ay, bx, by, cx, cy) || !setEdge(1, bx, by, cx, cy, ax, ay) || !setEdge(2, cx, cy, ax, ay, bx, by)) {
    return 0;
  }

  let count = 0;
  for (let y = minY; y <= maxY; y++) {
    const centreY = y + 0.5;
    // Where each slanted edge crosses this row's centre line bounds the run on one side.
    let low = minX;
    let high = maxX;
    for (let e = 0; e < edges.length; e += EDGE_FIELDS) {
      const dy = edges[e + 3]!;
      if (dy === 0) continue;
      const crossing = edges[e]! + (edges[e + 2]! * (centreY - edges[e + 1]!)) / dy - 0.5;
      if (edges[e + 4]! * dy < 0) low = Math.max(low, Math.ceil(crossing));
      else high = Math.min(high, Math.floor(crossing));
    }
    // Rounding can put those bounds a pixel off, so the exact test settles both ends. A row's covered centres are
    // contiguous (each edge test is monotone along the row), so the run is found from any pixel inside it.
    let start = Math.max(low - 1, minX);
    let end = Math.min(high + 1, maxX);
    while (start <= end && !covers(start + 0.5, centreY)) start++;
    if (start > end) continue;
    while (start > minX && covers(start - 0.5, centreY)) start--;
    while (!covers(end + 0.5, centreY)) end--;
    while (end < maxX && covers(end + 1.5, centreY)) end++;
    spans[count * 3] = y;
    spans[count * 3 + 1] = start;
    spans[count * 3 + 2] = end + 1;
    count++;
  }
  return count;
}

/**
 * Stores edge u-v of a triangle whose third corner is w, starting from whichever end is smaller by (x, then y) so
 * both triangles on an edge compute it identically. False if w lies on the edge's line (no area).
 */
function setEdge(index: number, ux: number, uy: number, vx: number, vy: number, wx: number, wy: number): boolean {
  const forward = ux < vx || (ux === vx && uy < vy);
  const o = index * EDGE_FIELDS;
  edges[o] = forward ? ux : vx;
  edges[o + 1] = forward ? uy : vy;
  edges[o + 2] = forward ? vx - ux : ux - vx;
  edges[o + 3] = forward ? vy - uy : uy - vy;
  edges[o + 4] = 1;
  const side = edgeValue(o, wx, wy);
  edges[o + 4] = Math.sign(side);
  return side !== 0;
}

/** The edge function dx (Y - y0) - dy (X - x0), times the triangle's side: positive inside. */
function edgeValue(o: number, x: number, y: number): number {
  return edges[o + 4]! * (edges[o + 2]! * (y - edges[o + 1]!) - edges[o + 3]! * (x - edges[o]!));
}

/**
 * Whether the point is covered: inside every edge, and a point exactly on an edge only when the triangle lies on
 * that edge's positive side (below or left of it, as the module comment says).
 */
function covers(x: number, y: number): boolean {
  for (let o = 0; o < edges.length; o += EDGE_FIELDS) {
    const value = edgeValue(o, x, y);
    if (value < 0 || (value === 0 && edges[o + 4]! < 0)) return false;
  }
  return true;
}
