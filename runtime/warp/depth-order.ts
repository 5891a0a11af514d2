import { signedArea2 } from '../geometry/triangle-area.ts';
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
 * Marks (1) the pixels the triangles cover, as the warp draws them (centres inside, see triangle-spans.ts), in
 * `covered` (width x height, cleared first).
 */
export function markCovered(lists: Uint32Array[], points: ArrayLike<number>, width: number, height: number, covered: Uint8Array): void {
  covered.fill(0);
  const spans = new Int32Array(3 * height);
  for (const list of lists) {
    for (let t = 0; t < list.length; t += 3) {
      const [a, b, c] = [list[t]!, list[t + 1]!, list[t + 2]!];
      const runs = triangleSpans(points[2 * a]!, points[2 * a + 1]!, points[2 * b]!, points[2 * b + 1]!, points[2 * c]!, points[2 * c + 1]!, width, height, spans);
      for (let r = 0; r < runs; r++) covered.fill(1, spans[3 * r]! * width + spans[3 * r + 1]!, spans[3 * r]! * width + spans[3 * r + 2]!);
    }
  }
}
