import { signedArea2 } from '../geometry/triangle-area.ts';
import type { PixelBox } from '../image.ts';
import { triangleSpans } from './triangle-spans.ts';

/**
 * The order a surface's triangles are drawn in, painter's style: triangles turned away from the viewer first (they
 * only fill what nothing in front covers), then those facing the viewer from the farthest to the nearest, so that
 * nearer parts hide farther ones. `facing` gives each triangle's winding sign while it faces the viewer (0: never
 * drawn facing); `depth` is per point, larger farther away.
 */
export function depthOrder(
  triangles: Uint32Array,
  facing: Int8Array,
  points: ArrayLike<number>,
  depth: (point: number) => number,
): { front: Uint32Array; away: Uint32Array } {
  const front: { t: number; z: number }[] = [];
  const away: { t: number; z: number }[] = [];
  for (let t = 0; t < facing.length; t++) {
    const [a, b, c] = [triangles[3 * t]!, triangles[3 * t + 1]!, triangles[3 * t + 2]!];
    const z = depth(a) + depth(b) + depth(c);
    const winding = signedArea2(points, a, b, c);
    (facing[t] !== 0 && winding * facing[t]! > 0 ? front : away).push({ t, z });
  }
  const flatten = (list: { t: number; z: number }[]) => {
    list.sort((p, q) => q.z - p.z);
    const out = new Uint32Array(list.length * 3);
    list.forEach(({ t }, k) => out.set(triangles.subarray(3 * t, 3 * t + 3), 3 * k));
    return out;
  };
  return { front: flatten(front), away: flatten(away) };
}

/**
 * Marks (1) the pixels of `box` that the triangles cover, as the warp draws them (centres inside, see
 * triangle-spans.ts), in `covered` (box.width x box.height, row by row, cleared first). Only triangles reaching into
 * the box are rasterized, so the cost follows the box, not the picture.
 */
export function markCovered(lists: Uint32Array[], points: ArrayLike<number>, box: PixelBox, covered: Uint8Array): void {
  covered.fill(0, 0, box.width * box.height);
  const spans = new Int32Array(3 * box.height);
  const { left, top, width, height } = box;
  for (const list of lists) {
    for (let t = 0; t < list.length; t += 3) {
      const [a, b, c] = [list[t]!, list[t + 1]!, list[t + 2]!];
      const ax = points[2 * a]! - left;
      const ay = points[2 * a + 1]! - top;
      const bx = points[2 * b]! - left;
      const by = points[2 * b + 1]! - top;
      const cx = points[2 * c]! - left;
      const cy = points[2 * c + 1]! - top;
      if (Math.max(ax, bx, cx) < 0 || Math.max(ay, by, cy) < 0 || Math.min(ax, bx, cx) > width || Math.min(ay, by, cy) > height) continue;
      const runs = triangleSpans(ax, ay, bx, by, cx, cy, width, height, spans);
      for (let r = 0; r < runs; r++) covered.fill(1, spans[3 * r]! * width + spans[3 * r + 1]!, spans[3 * r]! * width + spans[3 * r + 2]!);
    }
  }
}
