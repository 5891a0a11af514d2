import { faceMeshConnections } from '../draw/face-mesh-connections.ts';
import { delaunay } from '../geometry/delaunay.ts';
import { signedArea2 } from '../geometry/triangle-area.ts';
import { eyeContours, innerLipLower, innerLipUpper } from '../face-topology.ts';
import { ovalLandmarks } from '../face-topology.ts';
import type { WarpLayout } from './warp-points.ts';

/**
 * The warp's triangles in two layers. The face is a surface in 3-D: MediaPipe's own tessellation (the triangles of its
 * canonical face, which follow the skin rather than the picture), with the eye and mouth openings closed by strips
 * between the lids and between the lips. Around it, the picture is a flat sheet: the face oval, the rings and the
 * border anchors, triangulated in the plane. The sheet is drawn first and the face over it, nearest triangles last,
 * so a part of the face that turns away goes behind the parts in front of it instead of folding over them.
 */
export interface FaceWarpMesh {
  /** Triangles (index triples into the layout's points) of the picture around the face. */
  sheet: Uint32Array;
  /** Triangles of the face's surface. */
  face: Uint32Array;
  /**
   * Per face triangle, the sign of its winding (as `signedArea2` measures it) in the painting: a triangle that comes
   * to wind the other way has turned away (or, hidden in the painting, come into view) and is not drawn, since its
   * pixels would be mirrored.
   */
  facing: Int8Array;
}

/** MediaPipe lists its tessellation as the three edges of each triangle in turn. */
const tessellation: Uint32Array = Uint32Array.from(
  faceMeshConnections.tessellation.filter((_, i) => i % 3 === 0).flatMap((edge, t) => [
    edge.start,
    faceMeshConnections.tessellation[3 * t + 1]!.start,
    faceMeshConnections.tessellation[3 * t + 2]!.start,
  ]),
);

/** Each opening as an upper and a lower chain that share their end points (the eye's or the mouth's corners). */
const openings = [
  ...eyeContours.map((eye) => ({ upper: [...eye.upper], lower: [eye.upper[0], ...[...eye.lower].reverse(), eye.upper.at(-1)!] })),
  { upper: innerLipUpper, lower: [innerLipUpper[0]!, ...innerLipLower, innerLipUpper.at(-1)!] },
];

export function faceWarpMesh(layout: WarpLayout): FaceWarpMesh {
  const points = layout.sourcePoints;
  const strips = openings.map((opening) => zipStrip(opening.upper, opening.lower));
  const face = Uint32Array.from([...tessellation, ...strips.flatMap((strip) => [...strip.triangles])]);
  // A triangle is drawn while it winds as in the painting: then its pixels are not mirrored. One of no area in the
  // painting (a closed mouth's strip, a sliver) winds as the surface around it does.
  const expected = new Int8Array(face.length / 3).fill(frontWinding(points));
  let at = tessellation.length / 3;
  for (const strip of strips) {
    const across = Math.sign(along(points, strip.first, strip.last, 33, 263)) * upright(points);
    expected.fill(across, at, at + strip.triangles.length / 3);
    at += strip.triangles.length / 3;
  }
  const facing = Int8Array.from(expected, (fallback, t) => {
    const area = signedArea2(points, face[3 * t]!, face[3 * t + 1]!, face[3 * t + 2]!);
    return Math.abs(area) > 1 ? Math.sign(area) : fallback;
  });
  return { sheet: sheetTriangles(layout), face, facing };
}

/** The winding most of the tessellation's area has in the painting: that of triangles facing the viewer. */
function frontWinding(points: Float32Array): 1 | -1 {
  let sum = 0;
  for (let t = 0; t < tessellation.length; t += 3) sum += signedArea2(points, tessellation[t]!, tessellation[t + 1]!, tessellation[t + 2]!);
  return sum >= 0 ? 1 : -1;
}

/**
 * Triangles between two chains that share their first and last points, walking both at once (each step advances the
 * chain that is behind in its share of the way), wound as (upper, upper, lower) and (upper, lower, lower).
 */
function zipStrip(upper: readonly number[], lower: readonly number[]): { triangles: Uint32Array; first: number; last: number } {
  const triangles: number[] = [];
  let i = 0;
  let j = 0;
  const nu = upper.length - 1;
  const nl = lower.length - 1;
  while (i < nu || j < nl) {
    if (j === nl || (i < nu && (i + 1) / nu <= (j + 1) / nl)) {
      if (upper[i] !== lower[j]) triangles.push(upper[i]!, upper[i + 1]!, lower[j]!);
      i++;
    } else {
      if (upper[i] !== lower[j + 1]) triangles.push(upper[i]!, lower[j + 1]!, lower[j]!);
      j++;
    }
  }
  return { triangles: Uint32Array.from(triangles), first: upper[0]!, last: upper.at(-1)! };
}

/** How far the way from landmark `from` to `to` runs along the way from `a` to `b` (sign is what matters). */
function along(points: Float32Array, from: number, to: number, a: number, b: number): number {
  return (points[2 * to]! - points[2 * from]!) * (points[2 * b]! - points[2 * a]!) + (points[2 * to + 1]! - points[2 * from + 1]!) * (points[2 * b + 1]! - points[2 * a + 1]!);
}

/**
 * +1 where the face stands upright or leans (the eyes' outer corners above the chin wind clockwise), -1 where it is
 * upside down or mirrored: strips built upper-then-lower wind clockwise on an upright face when their chain runs from
 * the picture's left to its right.
 */
function upright(points: Float32Array): 1 | -1 {
  return signedArea2(points, 33, 263, 152) >= 0 ? 1 : -1;
}

/**
 * The flat sheet around the face: the oval, rings and border anchors triangulated in the plane, less the triangles
 * inside the oval (the face covers those).
 */
function sheetTriangles(layout: WarpLayout): Uint32Array {
  const indices = [...ovalLandmarks, ...Array.from({ length: layout.sourcePoints.length / 2 - 478 }, (_, k) => 478 + k)];
  const plane = new Float32Array(indices.length * 2);
  indices.forEach((index, k) => plane.set([layout.sourcePoints[2 * index]!, layout.sourcePoints[2 * index + 1]!], 2 * k));
  const triangles = delaunay(plane);
  const oval = plane.slice(0, ovalLandmarks.length * 2);
  const sheet: number[] = [];
  for (let t = 0; t < triangles.length; t += 3) {
    const [a, b, c] = [triangles[t]!, triangles[t + 1]!, triangles[t + 2]!];
    const onOval = a < ovalLandmarks.length && b < ovalLandmarks.length && c < ovalLandmarks.length;
    if (onOval && insidePolygon(oval, (plane[2 * a]! + plane[2 * b]! + plane[2 * c]!) / 3, (plane[2 * a + 1]! + plane[2 * b + 1]! + plane[2 * c + 1]!) / 3)) continue;
    sheet.push(indices[a]!, indices[b]!, indices[c]!);
  }
  return Uint32Array.from(sheet);
}

function insidePolygon(polygon: Float32Array, x: number, y: number): boolean {
  let inside = false;
  const n = polygon.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = polygon[2 * i]!;
    const yi = polygon[2 * i + 1]!;
    const xj = polygon[2 * j]!;
    const yj = polygon[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
